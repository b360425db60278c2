package dev.larder.store.sqlite;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What BATCHED_READ means for SQLite, counted outside the store: one SQL statement per 500 distinct keys. */
class SqliteStatementCountTest {
    static final FeatureView VIEW = FeatureView.of("counted", new Field("id", ValueType.INT64),
            List.of(new Field("n", ValueType.INT64)), Duration.ZERO);

    @TempDir
    Path repo;

    @Test
    void aReadCostsOneStatementPerChunkOfDistinctKeys() throws Exception {
        StatementCountingDriver.install();
        try (OnlineStore store = new SqliteStoreProvider().create(new StoreContext("p", repo, StoreOptions.of("sqlite", Map.of())))) {
            store.update(InfraChange.keep(List.of(VIEW)));
            List<FeatureRow> rows = new ArrayList<>();
            List<EntityKey> keys = new ArrayList<>();
            for (int i = 0; i < 1_201; i++) {
                EntityKey k = EntityKey.of("id", Value.ofInt64(i));
                rows.add(new FeatureRow(k, Map.of("n", Value.ofInt64(i)), Instant.parse("2024-01-01T00:00:00Z")));
                keys.add(k);
                keys.add(k); // duplicates are read once
            }
            store.write(VIEW, rows, r -> { });
            store.read(VIEW, keys.subList(0, 1), List.of("n")); // opens the reading connection

            long before = StatementCountingDriver.executed();
            List<OnlineRow> got = store.read(VIEW, keys, List.of("n"));
            assertThat(StatementCountingDriver.executed() - before).as("statements for 1,201 distinct keys").isEqualTo(3);
            assertThat(got).hasSize(2_402);
            assertThat(got.get(2_401).values()).containsEntry("n", Value.ofInt64(1_200));

            before = StatementCountingDriver.executed();
            store.read(VIEW, keys.subList(0, 2), List.of("n"));
            assertThat(StatementCountingDriver.executed() - before).as("statements for one key").isEqualTo(1);
        }
        // A store that never applied (serving a file as it is): the owner check costs its statements once.
        try (OnlineStore serving = new SqliteStoreProvider().create(new StoreContext("p", repo, StoreOptions.of("sqlite", Map.of("read_only", true))))) {
            List<EntityKey> keys = List.of(EntityKey.of("id", Value.ofInt64(3)));
            serving.read(VIEW, keys, List.of("n"));
            long before = StatementCountingDriver.executed();
            assertThat(serving.read(VIEW, keys, List.of("n")).get(0).values()).containsEntry("n", Value.ofInt64(3));
            assertThat(StatementCountingDriver.executed() - before).as("statements for a later read").isEqualTo(1);
        }
    }
}
