package dev.larder.store.bigtable;

import com.google.cloud.bigtable.data.v2.models.BulkMutation;
import com.google.cloud.bigtable.data.v2.models.RowMutationEntry;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;
import dev.larder.spi.codec.ValueCodec;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.larder.store.bigtable.BigtableLayout.EVENT_TS_QUALIFIER;
import static dev.larder.store.bigtable.BigtableLayout.FAMILY;

/**
 * Writes rows of one view: one atomic MutateRows entry per row, every cell stamped with the row's
 * event time, in requests of at most {@link #MUTATIONS_PER_BATCH} mutations.
 */
final class BigtableWriter {
    /** Mutations per MutateRows request: Feast's MUTATIONS_PER_OP, half of Bigtable's 100,000 limit. */
    static final int MUTATIONS_PER_BATCH = 50_000;
    /** MutateRows requests of one write in flight at once. */
    static final int BATCHES_IN_FLIGHT = 4;

    private final BigtableClients clients;

    BigtableWriter(BigtableClients clients) {
        this.clients = clients;
    }

    void write(FeatureView view, String table, List<FeatureRow> rows, ProgressListener progress) {
        if (rows.isEmpty()) return;
        // Within a batch only the newest row of a key can win; sending just it keeps the result
        // independent of the order in which Bigtable applies entries of one request.
        Map<ByteString, FeatureRow> newest = new LinkedHashMap<>();
        for (FeatureRow row : rows) {
            newest.merge(BigtableLayout.rowKey(row.entityKey(), view.name()), row,
                    (old, now) -> now.eventTime().isBefore(old.eventTime()) ? old : now);
        }
        Deque<CompletableFuture<Integer>> inFlight = new ArrayDeque<>();
        BulkMutation batch = BulkMutation.create(TableId.of(table));
        int mutations = 0;
        int batchRows = 0;
        for (Map.Entry<ByteString, FeatureRow> e : newest.entrySet()) {
            FeatureRow row = e.getValue();
            long ts = BigtableLayout.cellTimestamp(row.eventTime());
            RowMutationEntry entry = RowMutationEntry.create(e.getKey());
            for (Map.Entry<String, Value> f : row.values().entrySet()) {
                entry.setCell(FAMILY, ByteString.copyFromUtf8(f.getKey()), ts, ByteString.copyFrom(ValueCodec.encode(f.getValue())));
            }
            entry.setCell(FAMILY, EVENT_TS_QUALIFIER, ts, BigtableLayout.eventTsValue(row.eventTime()));
            int cells = row.values().size() + 1;
            if (batchRows > 0 && mutations + cells > MUTATIONS_PER_BATCH) {
                send(view, table, batch, batchRows, inFlight, progress);
                batch = BulkMutation.create(TableId.of(table));
                mutations = 0;
                batchRows = 0;
            }
            batch.add(entry);
            mutations += cells;
            batchRows++;
        }
        send(view, table, batch, batchRows, inFlight, progress);
        while (!inFlight.isEmpty()) {
            progress.rowsWritten(BigtableClients.await(inFlight.poll()));
        }
        if (rows.size() > newest.size()) {
            progress.rowsWritten(rows.size() - newest.size()); // older duplicates, superseded within the batch
        }
    }

    private void send(FeatureView view, String table, BulkMutation batch, int batchRows,
                      Deque<CompletableFuture<Integer>> inFlight, ProgressListener progress) {
        if (batchRows == 0) return;
        while (inFlight.size() >= BATCHES_IN_FLIGHT) {
            progress.rowsWritten(BigtableClients.await(inFlight.poll()));
        }
        String what = "write " + batchRows + " rows of view '" + view.name() + "' to table '" + table + "'";
        inFlight.add(clients.call(clients.data().bulkMutateRowsAsync(batch), what).thenApply(v -> batchRows));
    }
}
