package dev.larder.store.sqlite;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 13 item 9 for SQLite: read connections are bounded; a read beyond the bound waits up to a deadline, then fails clearly. */
class SqliteReadPoolTest {
    static final FeatureView VIEW = FeatureView.of("v", new Field("id", ValueType.INT64), List.of(new Field("n", ValueType.INT64)), Duration.ZERO);

    @TempDir
    Path repo;

    SqliteOnlineStore store(int size, String timeout) {
        return (SqliteOnlineStore) new SqliteStoreProvider().create(new StoreContext("p", repo,
                StoreOptions.of("sqlite", Map.of("read_pool_size", size, "read_pool_timeout", timeout))));
    }

    @Test
    void aBorrowBeyondTheBoundWaitsThenFailsNamingTheBound() throws Exception {
        try (SqliteOnlineStore store = store(2, "300ms")) {
            SqliteReadPool pool = store.readPool();
            Connection a = pool.borrow();
            Connection b = pool.borrow();
            long from = System.nanoTime();
            assertThatThrownBy(pool::borrow).isInstanceOfSatisfying(OnlineStoreException.class, e -> {
                assertThat(e.isRetryable()).isTrue();
                assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.READ);
            }).hasMessageContaining("all 2 read connections stayed busy for 300 ms").hasMessageContaining("read_pool_size 2");
            long waitedMs = (System.nanoTime() - from) / 1_000_000;
            assertThat(waitedMs).as("waited for the deadline").isBetween(250L, 5_000L);

            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Future<?> giveBack = other.submit(() -> {
                    Thread.sleep(100);
                    pool.release(a);
                    return null;
                });
                Connection c = pool.borrow(); // waits for the release, within the deadline
                assertThat(c).isSameAs(a);
                giveBack.get();
                pool.release(c);
            } finally {
                other.shutdownNow();
            }
            pool.release(b);
            assertThat(pool.opened()).isEqualTo(2);
        }
    }

    @Test
    void manyConcurrentReadsShareTheBoundedConnections() throws Exception {
        try (SqliteOnlineStore store = store(2, "30s")) {
            store.update(InfraChange.keep(List.of(VIEW)));
            List<FeatureRow> rows = new ArrayList<>();
            List<EntityKey> keys = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                EntityKey k = EntityKey.of("id", Value.ofInt64(i));
                keys.add(k);
                rows.add(new FeatureRow(k, Map.of("n", Value.ofInt64(i)), Instant.parse("2024-01-01T00:00:00Z")));
            }
            store.write(VIEW, rows, r -> { });
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<Long>> reads = new ArrayList<>();
                for (int t = 0; t < 64; t++) {
                    reads.add(pool.submit(() -> store.read(VIEW, keys, List.of("n")).stream().filter(r -> r.isPresent()).count()));
                }
                for (Future<Long> f : reads) assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(2_000L);
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.readPool().opened()).as("16 threads, 64 reads, bound 2").isBetween(1, 2);
        }
    }
}
