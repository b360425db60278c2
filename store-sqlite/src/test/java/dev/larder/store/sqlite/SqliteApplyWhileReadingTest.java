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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 item 8: readers (each on its own store, as separate serving processes would be) keep
 * reading while apply creates and drops hundreds of tables in the same file: no read fails with
 * SQLITE_SCHEMA, every read is right, and an observer never sees an apply half done (one
 * transaction: the table count it polls is always all or none of the 400 tables; before, apply
 * committed each statement, so readers met hundreds of schema changes and partial states).
 */
class SqliteApplyWhileReadingTest {
    static FeatureView view(String name) {
        return FeatureView.of(name, new Field("id", ValueType.INT64), List.of(new Field("n", ValueType.INT64)), Duration.ZERO);
    }

    @TempDir
    Path repo;

    OnlineStore store() {
        return new SqliteStoreProvider().create(new StoreContext("p", repo, StoreOptions.of("sqlite", Map.of())));
    }

    @Test
    void readersSurviveAppliesOfManyViews() throws Exception {
        FeatureView hot = view("hot");
        List<EntityKey> keys = new ArrayList<>();
        List<FeatureRow> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            EntityKey k = EntityKey.of("id", Value.ofInt64(i));
            keys.add(k);
            rows.add(new FeatureRow(k, Map.of("n", Value.ofInt64(i)), Instant.parse("2024-01-01T00:00:00Z")));
        }
        List<FeatureView> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) many.add(view("v" + i));
        try (OnlineStore applier = store()) {
            applier.update(InfraChange.keep(List.of(hot)));
            applier.write(hot, rows, r -> { });
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(5);
            List<OnlineStore> readers = new ArrayList<>();
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    OnlineStore reader = store();
                    readers.add(reader);
                    running.add(pool.submit(() -> {
                        while (!stop.get()) {
                            try {
                                List<OnlineRow> got = reader.read(hot, keys, List.of("n"));
                                if (!got.get(199).values().equals(Map.of("n", Value.ofInt64(199)))) throw new AssertionError("wrong row " + got.get(199));
                                reads.incrementAndGet();
                            } catch (Throwable e) {
                                failures.add(e);
                            }
                        }
                    }));
                }
                java.util.Set<Integer> tableCounts = java.util.concurrent.ConcurrentHashMap.newKeySet();
                running.add(pool.submit(() -> {
                    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + repo.resolve("data/online.db"))) {
                        while (!stop.get()) {
                            try (java.sql.ResultSet rs = c.createStatement().executeQuery(
                                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name GLOB 'p_v[0-9]*'")) {
                                tableCounts.add(rs.getInt(1));
                            }
                        }
                    }
                    return null;
                }));
                long start = System.nanoTime();
                while (reads.get() < 4 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) Thread.sleep(10);
                long before = reads.get();
                for (int round = 0; round < 3; round++) {
                    List<FeatureView> keep = new ArrayList<>(many);
                    keep.add(hot);
                    applier.update(InfraChange.keep(keep));
                    applier.update(new InfraChange(List.of(hot), many));
                }
                long during = reads.get() - before;
                stop.set(true);
                for (Future<?> f : running) f.get(60, TimeUnit.SECONDS);
                assertThat(failures).as("reads failing during apply").isEmpty();
                assertThat(tableCounts).as("table counts an observer saw during the applies").isSubsetOf(0, 400).isNotEmpty();
                assertThat(during).as("reads completed while apply ran").isPositive();
            } finally {
                stop.set(true);
                pool.shutdownNow();
                readers.forEach(OnlineStore::close);
            }
        }
    }
}
