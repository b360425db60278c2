package dev.larder.store.sqlite;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.ValueCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both generations of Feast's SQLite timestamps (issue 14): rows as current Feast writes them
 * (INTEGER epoch seconds, value_text for numbers and booleans, its upsert) read by Larder; Larder's
 * rows read the way current Feast's online_read reads them; and a table holding text rows of
 * Feast &lt;= 0.41 beside integer rows, where newest-wins must compare across the two.
 */
class SqliteFeastGenerationsTest {
    static final FeatureView VIEW = FeatureView.of("driver_hourly_stats", new Field("driver_id", ValueType.INT64), List.of(
            new Field("conv_rate", ValueType.FLOAT), new Field("acc_rate", ValueType.DOUBLE), new Field("trips", ValueType.INT64),
            new Field("note", ValueType.STRING), new Field("active", ValueType.BOOL)), Duration.ZERO);
    static final String TABLE = "demo_driver_hourly_stats";

    @TempDir
    Path repo;
    OnlineStore store;
    Connection jdbc;

    @BeforeEach
    void open() throws SQLException {
        store = new SqliteStoreProvider().create(new StoreContext("demo", repo, StoreOptions.of("sqlite", Map.of())));
        jdbc = DriverManager.getConnection("jdbc:sqlite:" + repo.resolve("data/online.db"));
    }

    @AfterEach
    void close() throws SQLException {
        jdbc.close();
        store.close();
    }

    static EntityKey driver(long id) {
        return EntityKey.of("driver_id", Value.ofInt64(id));
    }

    static byte[] key(long id) {
        return EntityKeyCodec.serialize(driver(id));
    }

    static Map<String, Value> values(int v) {
        Map<String, Value> m = new LinkedHashMap<>();
        m.put("conv_rate", Value.ofFloat(0.5f + v));
        m.put("acc_rate", Value.ofDouble(0.125 * v));
        m.put("trips", Value.ofInt64(1000L + v));
        m.put("note", Value.ofString("v" + v));
        m.put("active", Value.ofBool(v % 2 == 0));
        return m;
    }

    /** As Feast's online_write_batch binds them: value bytes and value_text (Python's str() of each). */
    static Map<String, Object[]> feastValues(int v, String convText, String accText) {
        Map<String, Value> m = values(v);
        Map<String, Object[]> out = new LinkedHashMap<>();
        out.put("conv_rate", new Object[] {ValueCodec.encode(m.get("conv_rate")), convText});
        out.put("acc_rate", new Object[] {ValueCodec.encode(m.get("acc_rate")), accText});
        out.put("trips", new Object[] {ValueCodec.encode(m.get("trips")), Long.toString(1000L + v)});
        out.put("note", new Object[] {ValueCodec.encode(m.get("note")), "v" + v});
        out.put("active", new Object[] {ValueCodec.encode(m.get("active")), v % 2 == 0 ? "True" : "False"});
        return out;
    }

    @Test
    void larderReadsRowsAsCurrentFeastWritesThem() throws Exception {
        FeastSqlite.createTable(jdbc, TABLE);
        FeastSqlite.write(jdbc, TABLE, key(1001), feastValues(1, "1.5", "0.125"), 1_717_239_600L, 1_717_239_900L);
        FeastSqlite.write(jdbc, TABLE, key(1002), feastValues(2, "2.5", "0.25"), 1_717_200_000L, null);
        store.update(InfraChange.keep(List.of(VIEW))); // larder apply over Feast's table: nothing to convert
        List<OnlineRow> got = store.read(VIEW, List.of(driver(1001), driver(1002), driver(1003)), VIEW.featureNames());
        assertThat(got.get(0).eventTime()).isEqualTo(Instant.ofEpochSecond(1_717_239_600L));
        assertThat(got.get(0).values()).isEqualTo(values(1));
        assertThat(got.get(1).eventTime()).isEqualTo(Instant.ofEpochSecond(1_717_200_000L));
        assertThat(got.get(1).values()).isEqualTo(values(2));
        assertThat(got.get(2).isPresent()).isFalse();

        // Newest-wins against Feast's integers: an older Larder row loses, a newer one replaces, equal
        // event times fall to the created time (Feast's 1717239900 s).
        store.write(VIEW, List.of(
                new FeatureRow(driver(1001), values(7), Instant.ofEpochSecond(1_717_239_600L).plusMillis(900), Instant.ofEpochSecond(1_717_239_899L)),
                new FeatureRow(driver(1002), values(8), Instant.ofEpochSecond(1_717_200_001L))), r -> { });
        got = store.read(VIEW, List.of(driver(1001), driver(1002)), VIEW.featureNames());
        assertThat(got.get(0).values()).as("same second, older created time: Feast's row stays").isEqualTo(values(1));
        assertThat(got.get(1).values()).isEqualTo(values(8));
        store.write(VIEW, List.of(new FeatureRow(driver(1001), values(9), Instant.ofEpochSecond(1_717_239_600L), Instant.ofEpochSecond(1_717_239_901L))), r -> { });
        assertThat(store.read(VIEW, List.of(driver(1001)), VIEW.featureNames()).get(0).values()).as("newer created time").isEqualTo(values(9));
    }

    @Test
    void currentFeastReadsWhatLarderWrote() throws Exception {
        store.update(InfraChange.keep(List.of(VIEW)));
        Instant event = Instant.parse("2026-03-04T05:06:07.250Z");
        store.write(VIEW, List.of(new FeatureRow(driver(1001), values(1), event, Instant.parse("2026-03-04T05:06:08.999Z")),
                new FeatureRow(driver(1002), values(2), event.plusSeconds(60))), r -> { });

        List<FeastSqlite.Read> feast = FeastSqlite.onlineRead(jdbc, TABLE, List.of(key(1001), key(1002), key(1003)));
        assertThat(feast.get(0).eventTime()).as("datetime.fromtimestamp(int(val)): whole seconds").isEqualTo(Instant.parse("2026-03-04T05:06:07Z"));
        assertThat(feast.get(1).eventTime()).isEqualTo(Instant.parse("2026-03-04T05:07:07Z"));
        assertThat(feast.get(2).eventTime()).isNull();
        for (Map.Entry<String, Value> e : values(1).entrySet()) {
            assertThat(feast.get(0).values().get(e.getKey())).as(e.getKey()).isEqualTo(ValueCodec.encode(e.getValue()));
        }
        try (PreparedStatement ps = jdbc.prepareStatement("SELECT feature_name, value_text, typeof(event_ts), event_ts, typeof(created_ts), created_ts"
                + " FROM " + TABLE + " WHERE entity_key = ? ORDER BY feature_name")) {
            ps.setBytes(1, key(1001));
            Map<String, String> text = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    text.put(rs.getString(1), rs.getString(2));
                    assertThat(rs.getString(3)).isEqualTo("integer");
                    assertThat(rs.getLong(4)).isEqualTo(1_772_600_767L);
                    assertThat(rs.getString(5)).isEqualTo("integer");
                    assertThat(rs.getLong(6)).isEqualTo(1_772_600_768L);
                }
            }
            assertThat(text).containsExactly(Map.entry("acc_rate", "0.125"), Map.entry("active", "False"), Map.entry("conv_rate", "1.5"),
                    Map.entry("note", "v1"), Map.entry("trips", "1001"));
        }
    }

    @Test
    void aTableHoldingBothGenerations() throws Exception {
        // Feast <= 0.41 (or Larder before this change) wrote text; Feast >= 0.42 wrote integers since.
        FeastSqlite.createTable(jdbc, TABLE);
        FeastSqlite.write(jdbc, TABLE, key(1), feastValues(1, "1.5", "0.125"), "2024-06-01 12:00:00.500000", "2024-06-01 12:00:01");
        FeastSqlite.write(jdbc, TABLE, key(2), feastValues(2, "2.5", "0.25"), "2024-06-01 08:00:00", null);
        FeastSqlite.write(jdbc, TABLE, key(3), feastValues(3, "3.5", "0.375"), Instant.parse("2024-06-01T10:00:00Z").getEpochSecond(), null);
        assertThatThrownBy(() -> FeastSqlite.onlineRead(jdbc, TABLE, List.of(key(1))))
                .as("current Feast cannot read the text generation").isInstanceOf(NumberFormatException.class);

        List<OnlineRow> got = store.read(VIEW, List.of(driver(1), driver(2), driver(3)), VIEW.featureNames());
        assertThat(got).extracting(OnlineRow::eventTime).containsExactly(
                Instant.parse("2024-06-01T12:00:00Z"), Instant.parse("2024-06-01T08:00:00Z"), Instant.parse("2024-06-01T10:00:00Z"));

        // SQLite orders every INTEGER before every TEXT; the decision compares times, not column values.
        store.write(VIEW, List.of(
                new FeatureRow(driver(1), values(11), Instant.parse("2024-06-01T11:00:00Z")),       // older than the text 12:00
                new FeatureRow(driver(2), values(12), Instant.parse("2024-06-01T09:00:00Z")),       // newer than the text 08:00
                new FeatureRow(driver(3), values(13), Instant.parse("2024-06-01T09:59:59Z"))), r -> { }); // older than the integer 10:00
        got = store.read(VIEW, List.of(driver(1), driver(2), driver(3)), VIEW.featureNames());
        assertThat(got).extracting(OnlineRow::values).containsExactly(values(1), values(12), values(3));

        List<PlannedChange> plan = store.plan(InfraChange.keep(List.of(VIEW)));
        assertThat(plan).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(PlannedChange.Action.UNCHANGED);
            assertThat(c.detail()).contains("converted to epoch seconds");
        });
        store.update(InfraChange.keep(List.of(VIEW))); // larder apply converts the rest
        assertThat(store.plan(InfraChange.keep(List.of(VIEW)))).singleElement().satisfies(c -> assertThat(c.detail()).isEmpty());

        List<FeastSqlite.Read> feast = FeastSqlite.onlineRead(jdbc, TABLE, List.of(key(1), key(2), key(3)));
        assertThat(feast).extracting(FeastSqlite.Read::eventTime).containsExactly(
                Instant.parse("2024-06-01T12:00:00Z"), Instant.parse("2024-06-01T09:00:00Z"), Instant.parse("2024-06-01T10:00:00Z"));
        try (ResultSet rs = jdbc.createStatement().executeQuery("SELECT count(*) FROM " + TABLE
                + " WHERE typeof(event_ts) <> 'integer' OR (created_ts IS NOT NULL AND typeof(created_ts) <> 'integer')")) {
            assertThat(rs.getLong(1)).isZero();
        }
        try (ResultSet rs = jdbc.createStatement().executeQuery("SELECT DISTINCT created_ts FROM " + TABLE + " WHERE feature_name = 'trips' AND created_ts IS NOT NULL")) {
            assertThat(rs.getLong(1)).isEqualTo(Instant.parse("2024-06-01T12:00:01Z").getEpochSecond());
        }
        assertThat(store.read(VIEW, List.of(driver(1), driver(2), driver(3)), VIEW.featureNames()))
                .extracting(OnlineRow::values).containsExactly(values(1), values(12), values(3));
    }

    @Test
    void feastAppliesWritesAndReadsATableLarderCreated() throws Exception {
        store.update(InfraChange.keep(List.of(VIEW)));
        try (ResultSet rs = jdbc.createStatement().executeQuery("SELECT sql FROM sqlite_master WHERE name = '" + TABLE + "'")) {
            assertThat(rs.getString(1)).as("Larder's table").endsWith("WITHOUT ROWID");
        }
        store.write(VIEW, List.of(new FeatureRow(driver(1), values(1), Instant.ofEpochSecond(1_717_000_000L))), r -> { });
        FeastSqlite.createTable(jdbc, TABLE); // feast apply: IF NOT EXISTS keeps Larder's table
        FeastSqlite.write(jdbc, TABLE, key(1), feastValues(5, "5.5", "0.625"), 1_717_000_100L, null);
        FeastSqlite.write(jdbc, TABLE, key(2), feastValues(6, "6.5", "0.75"), 1_717_000_200L, null);
        List<FeastSqlite.Read> feast = FeastSqlite.onlineRead(jdbc, TABLE, List.of(key(1), key(2)));
        assertThat(feast).extracting(FeastSqlite.Read::eventTime)
                .containsExactly(Instant.ofEpochSecond(1_717_000_100L), Instant.ofEpochSecond(1_717_000_200L));
        assertThat(store.read(VIEW, List.of(driver(1), driver(2)), VIEW.featureNames()))
                .extracting(OnlineRow::values).containsExactly(values(5), values(6));
        try (ResultSet rs = jdbc.createStatement().executeQuery("SELECT count(*) FROM " + TABLE)) {
            assertThat(rs.getLong(1)).as("Feast's upsert replaced Larder's rows in place").isEqualTo(10);
        }
    }
}
