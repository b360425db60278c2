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
import dev.larder.spi.codec.EntityKeyCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feast's SQLite layout, checked with plain JDBC against bytes taken from feast-vectors.json
 * (produced by Feast's own code): what Larder writes is what Feast writes, and a table written the
 * way Feast's sqlite.py writes it reads back through Larder.
 */
class SqliteFeastLayoutTest {
    // From feast-vectors.json: entity key {driver_id: 1001} (v3), and Values.
    static final String DRIVER_1001_V3 = "0100000002000000090000006472697665725f69640400000008000000e903000000000000";
    static final String FLOAT_1_5 = "350000c03f";
    static final String INT64_1 = "2001";
    static final String STRING_HELLO = "120568656c6c6f";
    static final String NULL = "980100";

    static final FeatureView VIEW = FeatureView.of("driver_hourly_stats", new Field("driver_id", ValueType.INT64), List.of(
            new Field("conv_rate", ValueType.FLOAT), new Field("avg_daily_trips", ValueType.INT64),
            new Field("note", ValueType.STRING), new Field("missing", ValueType.STRING)), Duration.ZERO);

    @TempDir
    Path repo;
    OnlineStore store;
    Path db;

    @BeforeEach
    void open() {
        db = repo.resolve("data/online.db");
        store = new SqliteStoreProvider().create(new StoreContext("demo", repo, StoreOptions.of("sqlite", Map.of())));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void defaultPathIsFeastsRelativeToTheRepo() {
        assertThat(SqliteStoreConfig.from(StoreOptions.of("sqlite", Map.of()), repo))
                .isEqualTo(new SqliteStoreConfig(repo.resolve("data/online.db"), Duration.ofSeconds(30), 4, Duration.ofSeconds(10), false, false));
        assertThat(SqliteStoreConfig.from(StoreOptions.of("sqlite", Map.of("path", "/tmp/x.db", "busy_timeout", "5s", "read_pool_size", 2,
                "read_pool_timeout", "250ms", "read_only", true, "ek_index", "full")), repo))
                .isEqualTo(new SqliteStoreConfig(Path.of("/tmp/x.db"), Duration.ofSeconds(5), 2, Duration.ofMillis(250), true, true));
    }

    @Test
    void larderWritesFeastsTableColumnsAndEncodings() throws Exception {
        store.update(InfraChange.keep(List.of(VIEW)));
        Map<String, Value> values = new LinkedHashMap<>();
        values.put("conv_rate", Value.ofFloat(1.5f));
        values.put("avg_daily_trips", Value.ofInt64(1));
        values.put("note", Value.ofString("hello"));
        values.put("missing", Value.NULL);
        store.write(VIEW, List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1001)), values,
                Instant.parse("2026-03-04T05:06:07.250Z"), Instant.parse("2026-03-04T05:06:08Z"))), r -> { });

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("PRAGMA table_info('demo_driver_hourly_stats')")) {
                while (rs.next()) columns.add(rs.getString("name") + " " + rs.getString("type") + (rs.getInt("pk") > 0 ? " pk" + rs.getInt("pk") : ""));
            }
            assertThat(columns).containsExactly("entity_key BLOB pk1", "feature_name TEXT pk2", "value BLOB", "value_text TEXT",
                    "vector_value BLOB", "event_ts timestamp", "created_ts timestamp");
            try (ResultSet rs = st.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'demo_driver_hourly_stats' AND sql IS NOT NULL")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("demo_driver_hourly_stats_ek");
                assertThat(rs.getString(2)).as("ek_index: empty (the default)").endsWith("(entity_key) WHERE 0");
                assertThat(rs.next()).isFalse();
            }
            // Feast's lookup by entity key (its online_read) is served by the primary key either way.
            try (ResultSet rs = st.executeQuery("EXPLAIN QUERY PLAN SELECT entity_key, feature_name, value, event_ts FROM demo_driver_hourly_stats"
                    + " WHERE entity_key IN (x'01', x'02') ORDER BY entity_key")) {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) plan.append(rs.getString("detail")).append('\n');
                assertThat(plan.toString()).contains("USING PRIMARY KEY (entity_key=?)").doesNotContain("SCAN");
            }
            Map<String, List<String>> rows = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT entity_key, feature_name, value, value_text, vector_value, event_ts, created_ts FROM demo_driver_hourly_stats ORDER BY feature_name")) {
                while (rs.next()) {
                    rows.put(rs.getString(2), java.util.Arrays.asList(EntityKeyCodec.hex(rs.getBytes(1)), EntityKeyCodec.hex(rs.getBytes(3)),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
            // Feast >= 0.42: INTEGER epoch seconds (the fraction dropped); value_text as Feast 0.66 fills it.
            String ts = "1772600767";
            String created = "1772600768";
            assertThat(rows).containsExactly(
                    Map.entry("avg_daily_trips", java.util.Arrays.asList(DRIVER_1001_V3, INT64_1, "1", null, ts, created)),
                    Map.entry("conv_rate", java.util.Arrays.asList(DRIVER_1001_V3, FLOAT_1_5, "1.5", null, ts, created)),
                    Map.entry("missing", java.util.Arrays.asList(DRIVER_1001_V3, NULL, null, null, ts, created)),
                    Map.entry("note", java.util.Arrays.asList(DRIVER_1001_V3, STRING_HELLO, "hello", null, ts, created)));
        }
    }

    @Test
    void larderReadsATableWrittenTheWayFeastWritesIt() throws Exception {
        // Feast's sqlite.py: CREATE TABLE ... (without value_text in older releases), rows inserted with
        // naive-UTC text timestamps from Python's sqlite3 adapter (Feast <= 0.41).
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE demo_driver_hourly_stats (entity_key BLOB, feature_name TEXT, value BLOB, vector_value BLOB,"
                    + " event_ts timestamp, created_ts timestamp, PRIMARY KEY(entity_key, feature_name))");
            st.execute("CREATE INDEX demo_driver_hourly_stats_ek ON demo_driver_hourly_stats (entity_key)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO demo_driver_hourly_stats VALUES (?, ?, ?, NULL, ?, ?)")) {
                for (String[] r : new String[][] {{"conv_rate", FLOAT_1_5}, {"avg_daily_trips", INT64_1}, {"note", STRING_HELLO}}) {
                    ps.setBytes(1, EntityKeyCodec.unhex(DRIVER_1001_V3));
                    ps.setString(2, r[0]);
                    ps.setBytes(3, EntityKeyCodec.unhex(r[1]));
                    ps.setString(4, "2024-01-01 00:00:00");
                    ps.setString(5, "2024-01-01 00:00:01.500000");
                    ps.executeUpdate();
                }
            }
        }
        List<OnlineRow> got = store.read(VIEW, List.of(EntityKey.of("driver_id", Value.ofInt64(1001)), EntityKey.of("driver_id", Value.ofInt64(7))),
                List.of("conv_rate", "avg_daily_trips", "note", "missing"));
        assertThat(got.get(0).eventTime()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(got.get(0).values()).containsOnly(
                Map.entry("conv_rate", Value.ofFloat(1.5f)), Map.entry("avg_daily_trips", Value.ofInt64(1)), Map.entry("note", Value.ofString("hello")));
        assertThat(got.get(1).isPresent()).isFalse();

        // larder apply adds the column Feast's newer releases have, and Larder's writes then work.
        store.update(InfraChange.keep(List.of(VIEW)));
        store.write(VIEW, List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(7)), Map.of("note", Value.ofString("x")),
                Instant.parse("2024-01-02T00:00:00Z"))), r -> { });
        assertThat(store.read(VIEW, List.of(EntityKey.of("driver_id", Value.ofInt64(7))), List.of("note")).get(0).values())
                .containsExactly(Map.entry("note", Value.ofString("x")));
    }

    @Test
    void ekIndexFullGivesFeastsExactIndex() throws Exception {
        try (OnlineStore full = new SqliteStoreProvider().create(new StoreContext("demo", repo, StoreOptions.of("sqlite", Map.of("ek_index", "full"))))) {
            full.update(InfraChange.keep(List.of(VIEW)));
            full.write(VIEW, List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1)), Map.of("note", Value.ofString("x")),
                    Instant.parse("2024-01-01T00:00:00Z"))), r -> { });
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'demo_driver_hourly_stats_ek'")) {
            assertThat(rs.getString(1)).isEqualTo("CREATE INDEX \"demo_driver_hourly_stats_ek\" ON \"demo_driver_hourly_stats\" (entity_key)");
        }
    }

    @Test
    void viewNamesAreQuotedSafely() {
        FeatureView odd = FeatureView.of("we\"ird; DROP TABLE x", new Field("driver_id", ValueType.INT64),
                List.of(new Field("f", ValueType.INT64)), Duration.ZERO);
        store.update(InfraChange.keep(List.of(odd)));
        FeatureRow row = new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1)), Map.of("f", Value.ofInt64(5)), Instant.parse("2024-01-01T00:00:00Z"));
        store.write(odd, List.of(row), r -> { });
        assertThat(store.read(odd, List.of(row.entityKey()), List.of("f")).get(0).values()).containsEntry("f", Value.ofInt64(5));
    }

    @Test
    void readsChunkUnderTheParameterLimit() {
        store.update(InfraChange.keep(List.of(VIEW)));
        List<FeatureRow> rows = new ArrayList<>();
        List<EntityKey> keys = new ArrayList<>();
        int n = SqliteReader.READ_CHUNK * 3 + 7;
        for (int i = 0; i < n; i++) {
            EntityKey k = EntityKey.of("driver_id", Value.ofInt64(i));
            keys.add(k);
            rows.add(new FeatureRow(k, Map.of("avg_daily_trips", Value.ofInt64(i)), Instant.parse("2024-01-01T00:00:00Z")));
        }
        store.write(VIEW, rows, r -> { });
        List<OnlineRow> got = store.read(VIEW, keys, List.of("avg_daily_trips"));
        for (int i = 0; i < n; i++) assertThat(got.get(i).values().get("avg_daily_trips")).isEqualTo(Value.ofInt64(i));
    }

    @Test
    void writingToAViewThatWasNeverAppliedSaysToApply() {
        FeatureRow row = new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1)), Map.of("note", Value.ofString("x")), Instant.now());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.write(VIEW, List.of(row), r -> { }))
                .hasMessageContaining("demo_driver_hourly_stats").hasMessageContaining("larder apply")
                .isInstanceOfSatisfying(dev.larder.spi.OnlineStoreException.class, e -> {
                    assertThat(e.storeType()).isEqualTo("sqlite");
                    assertThat(e.operation()).isEqualTo(dev.larder.spi.OnlineStoreException.Operation.WRITE);
                    assertThat(e.isRetryable()).as("a missing table needs a person").isFalse();
                    assertThat(e.resource()).contains("demo_driver_hourly_stats").contains(db.toString());
                });
    }

    @Test
    void unknownOptionListsTheValidOnes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqliteStoreConfig.from(StoreOptions.of("sqlite", Map.of("pth", "x.db")), repo))
                .hasMessage("in-memory configuration: online_store.pth: unknown option for the sqlite store; valid options: [busy_timeout, ek_index, path, read_only, read_pool_size, read_pool_timeout]");
    }
}
