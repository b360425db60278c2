package dev.larder.store.bigtable;

import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.BulkMutation;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.RowMutationEntry;
import com.google.cloud.bigtable.data.v2.models.TableId;
import dev.larder.testing.bigtable.BigtableEmulator;
import dev.larder.testing.bigtable.GrpcCallCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counter the kit's batched-read tests rely on counts gRPC calls, not packets or turns: a
 * call per key counts one per key, one call streaming back many rows counts one.
 */
class GrpcCallCounterTest {
    @Test
    void countsCallsWhateverTheirSize() throws Exception {
        BigtableEmulator emulator = BigtableEmulator.shared();
        String table = "counter_" + System.nanoTime();
        try (GrpcCallCounter counter = GrpcCallCounter.start(emulator.port());
             BigtableTableAdminClient admin = BigtableTableAdminClient.create(BigtableTableAdminSettings
                     .newBuilderForEmulator("127.0.0.1", emulator.port()).setProjectId("p").setInstanceId("i").build());
             BigtableDataClient data = BigtableDataClient.create(BigtableDataSettings
                     .newBuilderForEmulator("127.0.0.1", counter.port()).setProjectId("p").setInstanceId("i").build())) {
            admin.createTable(CreateTableRequest.of(table).addFamily("f"));
            BulkMutation bulk = BulkMutation.create(TableId.of(table));
            for (int i = 0; i < 2000; i++) bulk.add(RowMutationEntry.create(String.format("k%05d", i)).setCell("f", "q", "x".repeat(500)));
            data.bulkMutateRows(bulk); // also opens the connection

            long before = counter.calls();
            for (int i = 0; i < 7; i++) data.readRow(TableId.of(table), String.format("k%05d", i));
            assertThat(counter.calls() - before).as("a call per key").isEqualTo(7);

            before = counter.calls();
            List<Object> rows = new ArrayList<>();
            data.readRows(Query.create(TableId.of(table))).forEach(rows::add);
            assertThat(rows).hasSize(2000);
            assertThat(counter.calls() - before).as("one ReadRows streaming back 1 MB").isEqualTo(1);
            admin.deleteTable(table);
        }
    }
}
