package dev.larder.spark;

import dev.larder.LarderException;
import dev.larder.materialize.MaterializationListener;
import dev.larder.materialize.ViewResult;
import dev.larder.registry.Registry;
import dev.larder.registry.Repository;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.Value;
import dev.larder.testing.redis.RedisServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.larder.spark.SparkTestRepos.SPARK;
import static dev.larder.spark.SparkTestRepos.apply;
import static dev.larder.spark.SparkTestRepos.duck;
import static dev.larder.spark.SparkTestRepos.materialize;
import static dev.larder.spark.SparkTestRepos.redis;
import static dev.larder.spark.SparkTestRepos.repo;
import static dev.larder.spark.SparkTestRepos.sqlite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Spark engine in local[2] against a real redis-server and SQLite files. The parity tests
 * materialize one repository with the local engine and with Spark and compare every stored row.
 */
class SparkEngineTest {
    static final Instant START = Instant.parse("2024-05-01T00:00:00Z");
    static final Instant END = Instant.parse("2024-05-02T00:00:00Z");
    static final RedisServer REDIS = RedisServer.shared();

    @TempDir
    Path tmp;

    @BeforeAll
    static void session() {
        SparkTestRepos.spark();
    }

    /** Four views: every type with ties and nulls (Parquet), string keys (gzipped CSV), compound keys, entityless. */
    static final String FEATURES = """
            entities:
              - {name: driver, join_keys: [driver_id], value_type: INT64}
              - {name: user, join_keys: [user_id], value_type: STRING}
              - {name: city, join_keys: [city], value_type: STRING}
            feature_views:
              - name: stats
                entities: [driver]
                ttl: 1d
                schema:
                  - {name: f32, dtype: Float32}
                  - {name: f64, dtype: Float64}
                  - {name: i32, dtype: Int32}
                  - {name: i64, dtype: Int64}
                  - {name: s, dtype: String}
                  - {name: b, dtype: Bytes}
                  - {name: flag, dtype: Bool}
                  - {name: at, dtype: UnixTimestamp}
                  - {name: floats, dtype: Array(Float32)}
                  - {name: strings, dtype: Array(String)}
                  - {name: longs, dtype: Array(Int64)}
                  - {name: bools, dtype: Array(Bool)}
                  - {name: times, dtype: Array(UnixTimestamp)}
                source: {path: data/stats.parquet, timestamp_field: ts, created_timestamp_column: created}
              - name: users
                entities: [user]
                schema:
                  - {name: score, dtype: Float64}
                  - {name: visits, dtype: Int64}
                  - {name: label, dtype: String}
                source: {path: data/users.csv.gz, timestamp_field: ts}
              - name: pairs
                entities: [driver, city]
                schema:
                  - {name: trips, dtype: Int32}
                source: {path: data/pairs.parquet, timestamp_field: ts}
              - name: global
                schema:
                  - {name: total, dtype: Int64}
                source: {path: data/global.parquet, timestamp_field: ts}
            """;

    /** The same data files in a repository. */
    static void writeData(Path dir) throws Exception {
        String d = dir.resolve("data").toString();
        // stats: 3,000 drivers; each has an older row, a row with the same event time and an earlier
        // created time (loses), the winner, and a row after END; driver 0 has a null key row; some nulls.
        duck("COPY (SELECT * FROM ("
                + " SELECT CASE WHEN r = 4 THEN NULL ELSE i END AS driver_id,"
                + " TIMESTAMP '2024-05-01 00:00:00' + INTERVAL (CASE r WHEN 0 THEN 60 WHEN 3 THEN 90000 ELSE 3600 + i END) SECOND AS ts,"
                + " TIMESTAMPTZ '2024-05-01 00:00:00+00' + INTERVAL (CASE r WHEN 1 THEN 10 ELSE 20 END) SECOND AS created,"
                + " CAST(i * 0.5 + r AS FLOAT) AS f32, i / 7.0 + r AS f64, CAST(i - 1500 + r AS INTEGER) AS i32, CAST(i AS BIGINT) * 1000000007 + r AS i64,"
                + " CASE WHEN i % 10 = 0 THEN NULL ELSE 'd-' || i || '-' || r END AS s, encode('b' || i || r) AS b, (i + r) % 2 = 0 AS flag,"
                + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (i + r) SECOND AS at,"
                + " [CAST(i AS FLOAT), 0.25] AS floats, ['x' || r, 'y' || i] AS strings, CASE WHEN i % 7 = 0 THEN NULL ELSE [i, r, -1] END AS longs,"
                + " [true, i % 3 = 0] AS bools, [1700000000 + i, 1700000000 + r] AS times"
                + " FROM range(0, 1000) a(i), range(0, 5) b(r) WHERE r < 4 OR i = 0)) TO '" + d + "/stats.parquet' (FORMAT PARQUET)");
        // users: string keys in gzipped CSV, with repeated keys (the later event wins).
        duck("COPY (SELECT 'u' || (i % 500) AS user_id, TIMESTAMP '2024-05-01 01:00:00' + INTERVAL (i) SECOND AS ts,"
                + " i / 3.0 AS score, i AS visits, 'label ' || i AS label FROM range(0, 2000) t(i))"
                + " TO '" + d + "/users.csv.gz' (FORMAT CSV, HEADER, COMPRESSION GZIP)");
        duck("COPY (SELECT CAST(i % 100 AS BIGINT) AS driver_id, 'c' || (i % 7) AS city, TIMESTAMPTZ '2024-05-01 02:00:00+00' + INTERVAL (i) SECOND AS ts,"
                + " CAST(i AS INTEGER) AS trips FROM range(0, 1400) t(i)) TO '" + d + "/pairs.parquet' (FORMAT PARQUET)");
        duck("COPY (SELECT TIMESTAMP '2024-05-01 03:00:00' + INTERVAL (i) MINUTE AS ts, CAST(i * 11 AS BIGINT) AS total FROM range(0, 10) t(i))"
                + " TO '" + d + "/global.parquet' (FORMAT PARQUET)");
    }

    Path localAndSpark(String name, String localStore, String sparkStore) throws Exception {
        Path local = repo(tmp.resolve(name + "-local"), localStore, "", FEATURES);
        Path spark = repo(tmp.resolve(name + "-spark"), sparkStore, SPARK, FEATURES);
        writeData(local);
        writeData(spark);
        apply(local);
        apply(spark);
        List<ViewResult> byLocal = materialize(local, START, END);
        List<ViewResult> bySpark = materialize(spark, START, END);
        assertThat(bySpark).extracting(ViewResult::view, ViewResult::rows)
                .containsExactlyElementsOf(byLocal.stream().map(r -> org.assertj.core.groups.Tuple.tuple(r.view(), r.rows())).toList())
                .contains(org.assertj.core.groups.Tuple.tuple("stats", 1000L), org.assertj.core.groups.Tuple.tuple("users", 500L),
                        org.assertj.core.groups.Tuple.tuple("pairs", 700L), org.assertj.core.groups.Tuple.tuple("global", 1L));
        return spark;
    }

    @Test
    void parityOnSqlite() throws Exception {
        Path spark = localAndSpark("sqlite", sqlite("data/online.db"), sqlite("data/online.db"));
        Map<String, List<String>> a = SparkTestRepos.dumpSqlite(tmp.resolve("sqlite-local/data/online.db"));
        Map<String, List<String>> b = SparkTestRepos.dumpSqlite(spark.resolve("data/online.db"));
        assertThat(a.keySet()).contains("parity_stats", "parity_users", "parity_pairs", "parity_global");
        assertThat(a.get("parity_stats")).hasSize(1000 * 13);
        assertThat(b).isEqualTo(a);
    }

    @Test
    void parityOnRedis() throws Exception {
        SparkTestRepos.dumpRedis(REDIS.port(), 1); // connects: fails clearly if the server is gone
        Resp.flush(REDIS.port(), 1, 2);
        localAndSpark("redis", redis(REDIS.address(), 1), redis(REDIS.address(), 2));
        Map<String, Map<String, String>> a = SparkTestRepos.dumpRedis(REDIS.port(), 1);
        Map<String, Map<String, String>> b = SparkTestRepos.dumpRedis(REDIS.port(), 2);
        assertThat(a).hasSizeGreaterThan(1000 + 500 + 700);
        assertThat(b).isEqualTo(a);
    }

    @Test
    void valuesTiesAndNullsAsTheFileSays() throws Exception {
        Path dir = repo(tmp.resolve("values"), sqlite("data/online.db"), SPARK, FEATURES);
        writeData(dir);
        apply(dir);
        materialize(dir, START, END);
        Repository repo = Repository.open(dir);
        FeatureView stats = repo.appliedRegistry().view("stats").orElseThrow().view();
        try (OnlineStore store = repo.openStore()) {
            List<OnlineRow> rows = store.read(stats, List.of(driver(0), driver(7), driver(3001)), stats.featureNames());
            // driver 7: the winner is r = 2 (same event time as r = 1, created later); r = 3 is after END.
            OnlineRow seven = rows.get(1);
            assertThat(seven.eventTime()).isEqualTo(Instant.parse("2024-05-01T01:00:07Z"));
            assertThat(seven.values().get("f32")).isEqualTo(Value.ofFloat(5.5f));
            assertThat(seven.values().get("i32")).isEqualTo(Value.ofInt32(7 - 1500 + 2));
            assertThat(seven.values().get("i64")).isEqualTo(Value.ofInt64(7L * 1000000007L + 2));
            assertThat(seven.values().get("s")).isEqualTo(Value.ofString("d-7-2"));
            assertThat(seven.values().get("b")).isEqualTo(Value.ofBytes("b72".getBytes()));
            assertThat(seven.values().get("flag")).isEqualTo(Value.ofBool(false));
            assertThat(seven.values().get("at")).isEqualTo(Value.ofUnixTimestamp(1704067200L + 9));
            assertThat(seven.values().get("floats")).isEqualTo(Value.ofFloatList(7f, 0.25f));
            assertThat(seven.values().get("strings")).isEqualTo(Value.ofStringList(List.of("x2", "y7")));
            assertThat(seven.values().get("longs")).isEqualTo(Value.UNSET); // null list: Feast's unset value
            assertThat(seven.values().get("bools")).isEqualTo(Value.ofBoolList(true, false));
            assertThat(seven.values().get("times")).isEqualTo(Value.ofUnixTimestampList(1700000007L, 1700000002L));
            // driver 0 also has a row with a null join key (r = 4): skipped, not stored under some key.
            assertThat(rows.get(0).values().get("s")).isEqualTo(Value.UNSET);
            assertThat(rows.get(2)).isEqualTo(OnlineRow.ABSENT);
        }
    }

    @Test
    void incrementalStartsAtEndMinusTtlAndMovesTheWatermark() throws Exception {
        Path dir = repo(tmp.resolve("ttl"), redis(REDIS.address(), 3), SPARK, FEATURES);
        Resp.flush(REDIS.port(), 3);
        writeData(dir);
        apply(dir);
        // stats has ttl 1d: the first run reads [END' - 1d, END'] with END' = 00:30, which holds every driver's r = 0 row
        // (00:01); the second reads from the watermark 00:30 to END: the r = 1 and r = 2 rows (01:00 + i seconds).
        Instant end = Instant.parse("2024-05-01T00:30:00Z");
        List<ViewResult> first = LarderSpark.materializeIncremental(SparkTestRepos.spark(), dir, end, List.of("stats"));
        assertThat(first).singleElement().satisfies(r -> {
            assertThat(r.start()).isEqualTo(end.minus(java.time.Duration.ofDays(1)));
            assertThat(r.rows()).isEqualTo(1000); // every driver's r = 0 row at 00:01
        });
        assertThat(watermark(dir, "stats")).contains(end);
        List<ViewResult> second = LarderSpark.materializeIncremental(SparkTestRepos.spark(), dir, END, List.of("stats"));
        assertThat(second).singleElement().satisfies(r -> {
            assertThat(r.start()).isEqualTo(end);
            assertThat(r.rows()).isEqualTo(1000);
        });
        assertThat(watermark(dir, "stats")).contains(END);
    }

    /** One view of items: an Int64 key, an Int32 and a String feature. */
    static final String ITEMS = """
            entities:
              - {name: item, join_keys: [item_id], value_type: INT64}
            feature_views:
              - name: items
                entities: [item]
                schema:
                  - {name: qty, dtype: Int32}
                  - {name: name, dtype: String}
                source: {path: data/items.parquet, timestamp_field: ts}
            """;

    @Test
    void aFailedJobLeavesTheWatermarkAndTheRerunCompletesIt() throws Exception {
        Path dir = repo(tmp.resolve("fail"), redis(REDIS.address(), 4),
                "batch_engine:\n  type: spark\n  partitions: 8\nmaterialization:\n  batch_size: 100\n", ITEMS);
        Resp.flush(REDIS.port(), 4);
        String file = dir.resolve("data/items.parquet").toString();
        // The last item holds a quantity Int32 cannot. Partitions are written in key order, so its task fails
        // on its last row, after writing the rest of its partition: the job fails mid-way.
        duck("COPY (SELECT CAST(i AS BIGINT) AS item_id, TIMESTAMP '2024-05-01 10:00:00' AS ts,"
                + " CASE WHEN i = 19999 THEN 3000000000 ELSE i END AS qty, 'item-' || i AS name FROM range(0, 20000) t(i)) TO '" + file + "' (FORMAT PARQUET)");
        apply(dir);
        assertThatThrownBy(() -> materialize(dir, START, END)).isInstanceOf(LarderException.class)
                .hasMessageContaining("column 'qty' holds 3000000000, out of range for Int32 (feature 'items:qty')");
        assertThat(watermark(dir, "items")).isEmpty();
        long partial = SparkTestRepos.dumpRedis(REDIS.port(), 4).keySet().size() - 1; // less larder:views
        assertThat(partial).as("rows written before the job failed").isBetween(2000L / 8, 19999L);

        duck("COPY (SELECT CAST(i AS BIGINT) AS item_id, TIMESTAMP '2024-05-01 10:00:00' AS ts,"
                + " CAST(i AS BIGINT) AS qty, 'item-' || i AS name FROM range(0, 20000) t(i)) TO '" + file + "' (FORMAT PARQUET)");
        assertThat(materialize(dir, START, END)).singleElement().satisfies(r -> assertThat(r.rows()).isEqualTo(20000));
        assertThat(watermark(dir, "items")).contains(END);
        assertThat(SparkTestRepos.dumpRedis(REDIS.port(), 4)).hasSize(20000 + 1);
        Repository repo = Repository.open(dir);
        FeatureView items = repo.appliedRegistry().view("items").orElseThrow().view();
        try (OnlineStore store = repo.openStore()) {
            List<EntityKey> keys = new ArrayList<>();
            for (long i = 0; i < 20000; i += 997) keys.add(EntityKey.of("item_id", Value.ofInt64(i)));
            keys.add(EntityKey.of("item_id", Value.ofInt64(19999)));
            List<OnlineRow> rows = store.read(items, keys, List.of("qty", "name"));
            for (int k = 0; k < keys.size(); k++) {
                long id = keys.get(k).values().get(0).asInt64();
                assertThat(rows.get(k).values()).containsEntry("qty", Value.ofInt32((int) id)).containsEntry("name", Value.ofString("item-" + id));
            }
        }
    }

    @Test
    void progressMovesAsTasksFinishAndAddsUpToTheRowsWritten() throws Exception {
        // Eight partitions on two cores: four waves of tasks, so the early ones end while others still run.
        Path dir = repo(tmp.resolve("progress"), sqlite("data/online.db"), "batch_engine:\n  type: spark\n  partitions: 8\n", ITEMS);
        duck("COPY (SELECT CAST(i AS BIGINT) AS item_id, TIMESTAMP '2024-05-01 10:00:00' AS ts, CAST(i AS INTEGER) AS qty, 'item-' || i AS name"
                + " FROM range(0, 40000) t(i)) TO '" + dir.resolve("data/items.parquet") + "' (FORMAT PARQUET)");
        apply(dir);
        List<Long> reports = new CopyOnWriteArrayList<>();
        List<Long> started = new ArrayList<>();
        List<ViewResult> results = materialize(dir, START, END, new MaterializationListener() {
            @Override
            public void viewStarted(String view, Instant start, Instant end, long rows) {
                started.add(rows);
            }

            @Override
            public void rowsWritten(String view, long rows) {
                reports.add(rows);
            }
        });
        assertThat(results).singleElement().satisfies(r -> assertThat(r.rows()).isEqualTo(40000));
        assertThat(started).as("Spark does not count before writing").containsExactly(-1L);
        assertThat(reports.stream().mapToLong(Long::longValue).sum()).as("rows reported, %s", reports).isEqualTo(40000);
        // The engine waits for the listener thread before reporting any rest: one report per partition.
        assertThat(reports).as("one report per finished task, not one at the end").hasSize(8).allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void badConfigurationNamesTheKey() throws Exception {
        Path dir = repo(tmp.resolve("conf"), sqlite("data/online.db"), "batch_engine:\n  type: spark.engine\n  partitons: 3\n", FEATURES);
        writeData(dir);
        apply(dir);
        assertThatThrownBy(() -> materialize(dir, START, END)).hasMessageContaining("batch_engine.partitons: unknown option for the spark.engine materialization engine")
                .hasMessageContaining("[master, partitions, spark_conf]");
    }

    @Test
    void aMalformedCsvSaysWhichLine() throws Exception {
        String features = """
                entities:
                  - {name: user, join_keys: [user_id], value_type: STRING}
                feature_views:
                  - name: users
                    entities: [user]
                    schema:
                      - {name: visits, dtype: Int64}
                    source: {path: data/users.csv, timestamp_field: ts}
                """;
        Path dir = repo(tmp.resolve("csv"), sqlite("data/online.db"), SPARK, features);
        Files.writeString(dir.resolve("data/users.csv"), "user_id,ts,visits\nu1,2024-05-01 10:00:00,3\nu2,2024-05-01 10:00:00\n");
        apply(dir);
        assertThatThrownBy(() -> materialize(dir, START, END)).isInstanceOf(LarderException.class)
                .hasMessageContaining("users.csv: line 3 has 2 fields but the header has 3 (the last line is incomplete");
        assertThat(watermark(dir, "users")).isEmpty();
        // Only a header: nothing to load yet, said as the local engine says it, and the watermark stays.
        Files.writeString(dir.resolve("data/users.csv"), "user_id,ts,visits\n");
        assertThat(materialize(dir, START, END)).singleElement().satisfies(r -> {
            assertThat(r.rows()).isZero();
            assertThat(r.note()).isEqualTo("source file " + dir.resolve("data/users.csv") + " has no rows; nothing to materialize");
        });
        assertThat(watermark(dir, "users")).isEmpty();
    }

    static EntityKey driver(long id) {
        return EntityKey.of("driver_id", Value.ofInt64(id));
    }

    static java.util.Optional<Instant> watermark(Path dir, String view) {
        return Repository.open(dir).appliedRegistry().view(view).flatMap(Registry.ViewEntry::watermark);
    }

    /** FLUSHDB of some databases of the test server. */
    static final class Resp {
        static void flush(int port, int... dbs) {
            for (int db : dbs) {
                io.lettuce.core.RedisClient c = io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + port + "/" + db);
                try (var conn = c.connect()) {
                    conn.sync().flushdb();
                } finally {
                    c.shutdown();
                }
            }
        }
    }
}
