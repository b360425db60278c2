package dev.larder.local;

import dev.larder.LarderException;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.engine.MaterializationTask;
import dev.larder.materialize.Materializer;
import dev.larder.materialize.SourceFiles;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.EntityKeyCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads real Parquet and CSV files, written by DuckDB in each test. */
class DuckDbSourceTest {
    @TempDir
    Path repo;

    /** Issue 13 item 9: a constructor that fails after creating its spill directory removes it (and closes DuckDB). */
    @Test
    void aFailedStartLeavesNoSpillDirectory() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = spillDirs(tmp);
        // The record accepts any text; DuckDB refuses it at SET memory_limit, after the directory exists.
        assertThatThrownBy(() -> new DuckDbSource(new LocalEngineConfig("lots", 0, null)))
                .isInstanceOf(LarderException.class).hasMessageContaining("Cannot start DuckDB");
        assertThat(spillDirs(tmp)).as("larder-duckdb-* directories in " + tmp).isSubsetOf(before);
    }

    private static List<Path> spillDirs(Path tmp) throws java.io.IOException {
        try (var s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("larder-duckdb-")).toList();
        }
    }

    final DuckDbSource source = new DuckDbSource();

    static final Instant T10 = Instant.parse("2024-05-01T10:00:00Z");
    static final Instant T11 = Instant.parse("2024-05-01T11:00:00Z");

    static final FeatureView STATS = FeatureView.of("stats", new Field("driver_id", ValueType.INT64),
            List.of(new Field("conv_rate", ValueType.FLOAT), new Field("trips", ValueType.INT64)), Duration.ZERO);

    @AfterEach
    void close() {
        source.close();
    }

    void duck(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            st.execute(sql.replace("$REPO", repo.toString()));
        }
    }

    static final String ROWS = "SELECT * FROM (VALUES"
            + " (1, TIMESTAMPTZ '2024-05-01 09:59:59+00', 0.0, 0, TIMESTAMPTZ '2024-05-01 12:00:00+00'),"  // before start
            + " (1, TIMESTAMPTZ '2024-05-01 10:30:00+00', 0.2, 2, TIMESTAMPTZ '2024-05-01 10:30:00+00'),"
            + " (1, TIMESTAMPTZ '2024-05-01 11:00:00+00', 0.3, 3, TIMESTAMPTZ '2024-05-01 11:00:00+00'),"  // end, included
            + " (1, TIMESTAMPTZ '2024-05-01 11:00:00+00', 0.4, 4, TIMESTAMPTZ '2024-05-01 11:05:00+00'),"  // same event time, created later: wins
            + " (2, TIMESTAMPTZ '2024-05-01 10:00:00+00', 0.5, NULL, NULL),"                                 // start, included
            + " (3, TIMESTAMPTZ '2024-05-01 11:00:01+00', 0.6, 6, NULL)"                                     // after end
            + ") t(driver_id, event_timestamp, conv_rate, trips, created)";

    MaterializationTask task(FeatureViewDefinition def, Instant start, Instant end) {
        return new MaterializationTask(def.view(), Materializer.offlineSource(def.source(), repo), start, end);
    }

    /** As the Materializer does: the shared file checks, then the engine's selection. */
    DuckDbSource.Selection select(FeatureViewDefinition def, Instant start, Instant end) {
        MaterializationTask t = task(def, start, end);
        SourceFiles.check(t);
        return source.select(t);
    }

    List<FeatureRow> readAll(FeatureViewDefinition def, Instant start, Instant end) {
        List<FeatureRow> out = new ArrayList<>();
        try (DuckDbSource.Selection sel = select(def, start, end)) {
            sel.forEachBatch(2, out::addAll);
            assertThat(out).hasSize((int) sel.count());
        }
        return out;
    }

    static Map<EntityKey, FeatureRow> byKey(List<FeatureRow> rows) {
        Map<EntityKey, FeatureRow> m = new HashMap<>();
        for (FeatureRow r : rows) assertThat(m.put(r.entityKey(), r)).as("one row per key").isNull();
        return m;
    }

    static EntityKey driver(long id) {
        return EntityKey.of("driver_id", Value.ofInt64(id));
    }

    void assertLatestRows(String file) {
        FeatureViewDefinition def = new FeatureViewDefinition(STATS, new SourceDefinition(file, "event_timestamp", "created"));
        Map<EntityKey, FeatureRow> rows = byKey(readAll(def, T10, T11));
        assertThat(rows.keySet()).containsExactlyInAnyOrder(driver(1), driver(2));
        FeatureRow one = rows.get(driver(1));
        assertThat(one.values()).containsExactly(Map.entry("conv_rate", Value.ofFloat(0.4f)), Map.entry("trips", Value.ofInt64(4)));
        assertThat(one.eventTime()).isEqualTo(T11);
        assertThat(one.createdTime()).isEqualTo(Instant.parse("2024-05-01T11:05:00Z"));
        FeatureRow two = rows.get(driver(2));
        assertThat(two.eventTime()).isEqualTo(T10);
        assertThat(two.values().get("trips")).isEqualTo(Value.UNSET); // a missing value is Feast's unset Value
        assertThat(two.createdTime()).isNull();
    }

    @Test
    void parquetLatestRowPerEntityWithBothEndsIncludedAndCreatedTieBreak() throws Exception {
        duck("COPY (" + ROWS + ") TO '$REPO/stats.parquet' (FORMAT PARQUET)");
        assertLatestRows("stats.parquet");
    }

    @Test
    void csvWorksTheSame() throws Exception {
        Files.writeString(repo.resolve("stats.csv"), """
                driver_id,event_timestamp,conv_rate,trips,created
                1,2024-05-01 09:59:59,0.0,0,2024-05-01 12:00:00
                1,2024-05-01 10:30:00,0.2,2,2024-05-01 10:30:00
                1,2024-05-01 11:00:00,0.3,3,2024-05-01 11:00:00
                1,2024-05-01 11:00:00,0.4,4,2024-05-01 11:05:00
                2,2024-05-01 10:00:00,0.5,,
                3,2024-05-01 11:00:01,0.6,6,
                """);
        assertLatestRows("stats.csv");
    }

    @Test
    void withoutCreatedColumnTheLatestEventStillWins() throws Exception {
        duck("COPY (" + ROWS + ") TO '$REPO/stats.parquet' (FORMAT PARQUET)");
        FeatureViewDefinition def = new FeatureViewDefinition(STATS, new SourceDefinition("stats.parquet", "event_timestamp", null));
        Map<EntityKey, FeatureRow> rows = byKey(readAll(def, T10, T11.plusSeconds(1)));
        assertThat(rows.get(driver(3)).values().get("conv_rate")).isEqualTo(Value.ofFloat(0.6f));
        assertThat(rows.get(driver(1)).eventTime()).isEqualTo(T11);
    }

    @Test
    void everyTypeIsConverted() throws Exception {
        duck("COPY (SELECT 'u1' AS user_id, TIMESTAMP '2024-05-01 10:00:00' AS ts, CAST(1.5 AS DOUBLE) AS f32, 2.25 AS f64,"
                + " CAST(7 AS TINYINT) AS i32, CAST(1 AS BIGINT) << 40 AS i64, 'text' AS s, '\\x00\\xFF'::BLOB AS b, true AS flag,"
                + " TIMESTAMPTZ '2024-01-01 00:00:01+00' AS at, [1.5, 2.5] AS floats, ['a', 'b'] AS strings, [1, 2, 3] AS longs,"
                + " [true, false] AS bools, [1700000000, 1700000001] AS times) TO '$REPO/all.parquet' (FORMAT PARQUET)");
        FeatureView v = FeatureView.of("all", new Field("user_id", ValueType.STRING), List.of(
                new Field("f32", ValueType.FLOAT), new Field("f64", ValueType.DOUBLE), new Field("i32", ValueType.INT32),
                new Field("i64", ValueType.INT64), new Field("s", ValueType.STRING), new Field("b", ValueType.BYTES),
                new Field("flag", ValueType.BOOL), new Field("at", ValueType.UNIX_TIMESTAMP), new Field("floats", ValueType.FLOAT_LIST),
                new Field("strings", ValueType.STRING_LIST), new Field("longs", ValueType.INT64_LIST), new Field("bools", ValueType.BOOL_LIST),
                new Field("times", ValueType.UNIX_TIMESTAMP_LIST)), Duration.ZERO);
        List<FeatureRow> rows = readAll(new FeatureViewDefinition(v, new SourceDefinition("all.parquet", "ts", null)), T10, T10);
        assertThat(rows).hasSize(1);
        Map<String, Value> x = rows.get(0).values();
        assertThat(rows.get(0).entityKey()).isEqualTo(EntityKey.of("user_id", Value.ofString("u1")));
        assertThat(x.get("f32")).isEqualTo(Value.ofFloat(1.5f));
        assertThat(x.get("f64")).isEqualTo(Value.ofDouble(2.25));
        assertThat(x.get("i32")).isEqualTo(Value.ofInt32(7));
        assertThat(x.get("i64")).isEqualTo(Value.ofInt64(1L << 40));
        assertThat(x.get("s")).isEqualTo(Value.ofString("text"));
        assertThat(x.get("b")).isEqualTo(Value.ofBytes(new byte[] {0, (byte) 0xFF}));
        assertThat(x.get("flag")).isEqualTo(Value.ofBool(true));
        assertThat(x.get("at")).isEqualTo(Value.ofUnixTimestamp(1704067201L));
        assertThat(x.get("floats")).isEqualTo(Value.ofFloatList(1.5f, 2.5f));
        assertThat(x.get("strings")).isEqualTo(Value.ofStringList(List.of("a", "b")));
        assertThat(x.get("longs")).isEqualTo(Value.ofInt64List(1, 2, 3));
        assertThat(x.get("bools")).isEqualTo(Value.ofBoolList(true, false));
        assertThat(x.get("times")).isEqualTo(Value.ofUnixTimestampList(1700000000L, 1700000001L));
    }

    @Test
    void entitylessViewGetsOneRowUnderTheDummyKey() throws Exception {
        duck("COPY (SELECT * FROM (VALUES (TIMESTAMP '2024-05-01 10:00:00', 1), (TIMESTAMP '2024-05-01 10:30:00', 2)) t(ts, total))"
                + " TO '$REPO/g.parquet' (FORMAT PARQUET)");
        FeatureView v = new FeatureView("global", List.of(), List.of(), List.of(new Field("total", ValueType.INT64)), Duration.ZERO);
        List<FeatureRow> rows = readAll(new FeatureViewDefinition(v, new SourceDefinition("g.parquet", "ts", null)), T10, T11);
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.entityKey()).isEqualTo(EntityKey.DUMMY);
            assertThat(r.values().get("total")).isEqualTo(Value.ofInt64(2));
        });
    }

    @Test
    void rowsComeInSerializedEntityKeyOrder() throws Exception {
        duck("COPY (SELECT i * 7919 - 50000 AS driver_id, 'k' || repeat('x', (i % 5)::INT) || i AS name, TIMESTAMP '2024-05-01 10:00:00' AS ts,"
                + " 1.0 AS conv_rate, i AS trips FROM range(0, 300) r(i)) TO '$REPO/o.parquet' (FORMAT PARQUET)");
        List<FeatureRow> ints = readAll(new FeatureViewDefinition(STATS, new SourceDefinition("o.parquet", "ts", null)), T10, T10);
        assertSorted(ints);
        FeatureView byName = FeatureView.of("n", new Field("name", ValueType.STRING), List.of(new Field("trips", ValueType.INT64)), Duration.ZERO);
        assertSorted(readAll(new FeatureViewDefinition(byName, new SourceDefinition("o.parquet", "ts", null)), T10, T10));
    }

    private static void assertSorted(List<FeatureRow> rows) {
        assertThat(rows).hasSize(300);
        for (int i = 1; i < rows.size(); i++) {
            byte[] a = EntityKeyCodec.serialize(rows.get(i - 1).entityKey());
            byte[] b = EntityKeyCodec.serialize(rows.get(i).entityKey());
            assertThat(Arrays.compareUnsigned(a, b)).as("row %d before row %d", i - 1, i).isNegative();
        }
    }

    @Test
    void missingColumnNamesFileAndColumn() throws Exception {
        duck("COPY (SELECT 1 AS driver_id, TIMESTAMP '2024-05-01 10:00:00' AS event_timestamp, 0.5 AS conv_rate) TO '$REPO/s.parquet' (FORMAT PARQUET)");
        FeatureViewDefinition def = new FeatureViewDefinition(STATS, new SourceDefinition("s.parquet", "event_timestamp", null));
        assertThatThrownBy(() -> select(def, T10, T11)).isInstanceOf(LarderException.class)
                .hasMessageContaining(repo.resolve("s.parquet").toString()).hasMessageContaining("column 'trips'").hasMessageContaining("missing");
    }

    @Test
    void columnOfTheWrongTypeNamesFileAndColumn() throws Exception {
        duck("COPY (SELECT 1 AS driver_id, TIMESTAMP '2024-05-01 10:00:00' AS event_timestamp, 'high' AS conv_rate, 3 AS trips)"
                + " TO '$REPO/s.parquet' (FORMAT PARQUET)");
        FeatureViewDefinition def = new FeatureViewDefinition(STATS, new SourceDefinition("s.parquet", "event_timestamp", null));
        assertThatThrownBy(() -> select(def, T10, T11)).isInstanceOf(LarderException.class)
                .hasMessageContaining(repo.resolve("s.parquet").toString())
                .hasMessageContaining("column 'conv_rate' is VARCHAR, which cannot be read as Float32");
    }

    @Test
    void timestampColumnMustBeATime() throws Exception {
        duck("COPY (SELECT 1 AS driver_id, 'yesterday' AS event_timestamp, 0.5 AS conv_rate, 3 AS trips) TO '$REPO/s.parquet' (FORMAT PARQUET)");
        FeatureViewDefinition def = new FeatureViewDefinition(STATS, new SourceDefinition("s.parquet", "event_timestamp", null));
        assertThatThrownBy(() -> select(def, T10, T11)).hasMessageContaining("column 'event_timestamp' (source.timestamp_field) is VARCHAR");
    }

    @Test
    void unreadableFile() throws Exception {
        Files.writeString(repo.resolve("bad.parquet"), "this is not parquet");
        FeatureViewDefinition def = new FeatureViewDefinition(STATS, new SourceDefinition("bad.parquet", "event_timestamp", null));
        assertThatThrownBy(() -> select(def, T10, T11)).isInstanceOf(LarderException.class)
                .hasMessageContaining("cannot read " + repo.resolve("bad.parquet") + " as parquet");
    }

    @Test
    void missingFile() {
        FeatureViewDefinition def = new FeatureViewDefinition(STATS, new SourceDefinition("data/none.parquet", "event_timestamp", null));
        assertThatThrownBy(() -> select(def, T10, T11)).isInstanceOf(LarderException.class)
                .hasMessageContaining("feature view 'stats'").hasMessageContaining("source file " + repo.resolve("data/none.parquet") + " not found");
    }

    @Test
    void emptyFilesSelectNothingAndSaySo() throws Exception {
        Files.writeString(repo.resolve("empty.parquet"), "");
        Files.writeString(repo.resolve("header.csv"), "driver_id,event_timestamp,conv_rate,trips\n");
        for (String f : List.of("empty.parquet", "header.csv")) {
            FeatureViewDefinition def = new FeatureViewDefinition(STATS, new SourceDefinition(f, "event_timestamp", null));
            MaterializationTask t = task(def, T10, T11);
            String note = SourceFiles.check(t).orElseGet(() -> {
                try (DuckDbSource.Selection sel = source.select(t)) {
                    assertThat(sel.count()).isZero();
                    return sel.note();
                }
            });
            assertThat(note).contains(repo.resolve(f).toString()).containsAnyOf("is empty", "has no rows").contains("nothing to materialize");
        }
    }
}
