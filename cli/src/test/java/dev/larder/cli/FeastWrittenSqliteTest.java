package dev.larder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.spi.Value;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SQLite file written the way Feast's {@code sqlite.py} writes it (its DDL, its upsert, Python's
 * naive-UTC timestamp text, entity keys and values as Feast's own code serialized them in
 * {@code spi/src/test/resources/feast-vectors.json}) is read by {@code larder get} after
 * {@code larder apply} over matching definitions.
 */
class FeastWrittenSqliteTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path VECTORS = Path.of("../spi/src/test/resources/feast-vectors.json");

    @TempDir
    Path repo;

    /** proto_hex of the first vector of a kind whose value renders as {@code value}. */
    static byte[] valueBytes(JsonNode vectors, String kind, String value) {
        for (JsonNode v : vectors.get("values")) {
            if (v.get("kind").asText().equals(kind) && v.get("value").toString().equals(value)) {
                return HexFormat.of().parseHex(v.get("proto_hex").asText());
            }
        }
        throw new AssertionError("No Feast vector " + kind + " = " + value + " in " + VECTORS.toAbsolutePath());
    }

    static byte[] keyBytes(JsonNode vectors, String joinKeysJson, String valuesJson) {
        for (JsonNode e : vectors.get("entity_keys")) {
            if (e.get("join_keys").toString().equals(joinKeysJson) && e.get("values").toString().equals(valuesJson)) {
                return HexFormat.of().parseHex(e.get("v3_hex").asText());
            }
        }
        throw new AssertionError("No Feast entity key " + joinKeysJson + " " + valuesJson);
    }

    /**
     * {@code false}: Feast <= 0.41 (no value_text column, naive-UTC text timestamps); {@code true}:
     * Feast >= 0.42 (value_text column, INTEGER epoch seconds from Python's sqlite3 adapter).
     */
    @ParameterizedTest(name = "Feast >= 0.42 table (value_text column, integer timestamps): {0}")
    @ValueSource(booleans = {false, true})
    void larderReadsWhatFeastWrote(boolean withValueText) throws Exception {
        JsonNode vectors = JSON.readTree(Files.readString(VECTORS));
        Files.createDirectories(repo.resolve("data"));
        Files.writeString(repo.resolve("feature_store.yaml"), """
                project: feast_demo
                registry: data/registry.json
                provider: local
                online_store:
                  type: sqlite
                  path: data/online.db
                entity_key_serialization_version: 3
                """);
        Files.writeString(repo.resolve("features.yaml"), """
                entities:
                  - {name: driver, join_keys: [driver_id], value_type: INT64}
                  - {name: customer, join_keys: [customer_id], value_type: STRING}
                feature_views:
                  - name: driver_hourly_stats
                    entities: [driver]
                    schema:
                      - {name: conv_rate, dtype: Float32}
                      - {name: acc_rate, dtype: Float64}
                      - {name: trips, dtype: Int64}
                      - {name: city, dtype: String}
                      - {name: active, dtype: Bool}
                      - {name: scores, dtype: Array(Float64)}
                      - {name: seen, dtype: UnixTimestamp}
                      - {name: blob, dtype: Bytes}
                      - {name: maybe, dtype: Int64}
                    source: {path: data/driver_stats.parquet, timestamp_field: event_timestamp}
                  - name: driver_customer
                    entities: [driver, customer]
                    schema: [{name: spend, dtype: Float32}]
                    source: {path: data/dc.parquet, timestamp_field: event_timestamp}
                """);

        byte[] k1001 = keyBytes(vectors, "[\"driver_id\"]", "[{\"kind\":\"int64_val\",\"value\":1001}]");
        byte[] kMinus7 = keyBytes(vectors, "[\"driver_id\"]", "[{\"kind\":\"int64_val\",\"value\":-7}]");
        byte[] kPair = keyBytes(vectors, "[\"driver_id\",\"customer_id\"]",
                "[{\"kind\":\"int64_val\",\"value\":1001},{\"kind\":\"string_val\",\"value\":\"C-42\"}]");
        Map<String, byte[]> a = Map.of(
                "conv_rate", valueBytes(vectors, "float_val", "1.5"),
                "acc_rate", valueBytes(vectors, "double_val", "3.141592653589793"),
                "trips", valueBytes(vectors, "int64_val", "1700000000123"),
                "city", valueBytes(vectors, "string_val", "\"Zürich ✓ 東京\""),
                "active", valueBytes(vectors, "bool_val", "true"),
                "scores", valueBytes(vectors, "double_list_val", "[1.0,-2.5]"),
                "seen", valueBytes(vectors, "unix_timestamp_val", "1700000000"),
                "blob", valueBytes(vectors, "bytes_val", "{\"base64\":\"AAH/YWJj\"}"),
                "maybe", valueBytes(vectors, "null_val", "null"));
        Map<String, byte[]> b = Map.of(
                "conv_rate", valueBytes(vectors, "float_val", "-0.25"),
                "trips", valueBytes(vectors, "int64_val", "-5"),
                "city", valueBytes(vectors, "string_val", "\"\""),
                "active", valueBytes(vectors, "bool_val", "false"),
                "maybe", valueBytes(vectors, "int64_val", "1"));

        // Feast's update(): its DDL (with or without the newer value_text column) and index.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + repo.resolve("data/online.db"))) {
            try (Statement st = c.createStatement()) {
                for (String t : List.of("feast_demo_driver_hourly_stats", "feast_demo_driver_customer")) {
                    st.execute("CREATE TABLE IF NOT EXISTS " + t + " (entity_key BLOB, feature_name TEXT, value BLOB, "
                            + (withValueText ? "value_text TEXT, " : "") + "vector_value BLOB, event_ts timestamp, created_ts timestamp,"
                            + "  PRIMARY KEY(entity_key, feature_name))");
                    st.execute("CREATE INDEX IF NOT EXISTS " + t + "_ek ON " + t + " (entity_key);");
                }
            }
            // Feast's online_write_batch(): one upsert per feature; timestamps as Python's sqlite3 adapter writes naive UTC datetimes.
            boolean ints = withValueText;
            feastWrite(c, "feast_demo_driver_hourly_stats", k1001, a, ints ? 1717239600L : "2024-06-01 11:00:00", ints ? 1717239900L : "2024-06-01 11:05:00");
            feastWrite(c, "feast_demo_driver_hourly_stats", kMinus7, b, ints ? 1717234200L : "2024-06-01 09:30:00.250000", null);
            feastWrite(c, "feast_demo_driver_customer", kPair, Map.of("spend", valueBytes(vectors, "float_val", "0.0")),
                    ints ? 1717228800L : "2024-06-01 08:00:00", null);
        }

        CliRunner cli = new CliRunner(Clock.fixed(Instant.parse("2024-06-02T00:00:00Z"), ZoneOffset.UTC));
        CliRunner.Result apply = cli.run("--repo", repo.toString(), "apply");
        assertThat(apply.code()).as(apply.toString()).isZero();
        assertThat(apply.out()).contains("UNCHANGED table feast_demo_driver_hourly_stats");

        CliRunner.Result get = cli.run("--repo", repo.toString(), "get", "--output", "json", "--features",
                "driver_hourly_stats:conv_rate,driver_hourly_stats:acc_rate,driver_hourly_stats:trips,driver_hourly_stats:city,"
                        + "driver_hourly_stats:active,driver_hourly_stats:scores,driver_hourly_stats:seen,driver_hourly_stats:blob,"
                        + "driver_hourly_stats:maybe,driver_customer:spend",
                "--entity", "driver_id=1001,customer_id=C-42", "--entity", "driver_id=-7,customer_id=C-42");
        assertThat(get.code()).as(get.toString()).isZero();
        JsonNode r = JSON.readTree(get.out());
        assertThat(r.at("/metadata/feature_names").toString()).isEqualTo(
                "[\"driver_id\",\"customer_id\",\"conv_rate\",\"acc_rate\",\"trips\",\"city\",\"active\",\"scores\",\"seen\",\"blob\",\"maybe\",\"spend\"]");
        JsonNode res = r.get("results");
        assertThat(res.get(0).get("values").toString()).isEqualTo("[1001,-7]");
        assertThat(res.get(2).get("values").toString()).isEqualTo("[1.5,-0.25]");
        assertThat(res.get(3).get("values").toString()).isEqualTo("[3.141592653589793,null]");
        assertThat(res.get(3).get("statuses").toString()).isEqualTo("[\"PRESENT\",\"NOT_FOUND\"]");
        assertThat(res.get(4).get("values").toString()).isEqualTo("[1700000000123,-5]");
        assertThat(res.get(5).get("values").toString()).isEqualTo("[\"Zürich ✓ 東京\",\"\"]");
        assertThat(res.get(6).get("values").toString()).isEqualTo("[true,false]");
        assertThat(res.get(7).get("values").toString()).isEqualTo("[[1.0,-2.5],null]");
        assertThat(res.get(8).get("values").toString()).isEqualTo("[\"2023-11-14T22:13:20Z\",null]");
        assertThat(res.get(9).get("values").toString()).isEqualTo("[\"AAH/YWJj\",null]");
        assertThat(res.get(10).get("values").toString()).isEqualTo("[null,1]");
        assertThat(res.get(10).get("statuses").toString()).isEqualTo("[\"NULL_VALUE\",\"PRESENT\"]");
        assertThat(res.get(2).get("event_timestamps").toString()).isEqualTo("[\"2024-06-01T11:00:00Z\",\"2024-06-01T09:30:00Z\"]");
        assertThat(res.get(11).get("values").toString()).isEqualTo("[0.0,null]");
        assertThat(res.get(11).get("event_timestamps").get(0).asText()).isEqualTo("2024-06-01T08:00:00Z");

        // The library API reads the same through the registry that apply recorded.
        try (FeatureStore store = FeatureStore.open(repo)) {
            OnlineResponse lib = store.getOnlineFeatures(List.of("driver_hourly_stats:trips", "driver_hourly_stats:city"),
                    List.of(Map.of("driver_id", 1001L), Map.of("driver_id", 5L)));
            assertThat(lib.value(0, "driver_hourly_stats:trips")).isEqualTo(Value.ofInt64(1700000000123L));
            assertThat(lib.value(0, "driver_hourly_stats:city")).isEqualTo(Value.ofString("Zürich ✓ 東京"));
            assertThat(lib.status(1, "driver_hourly_stats:trips")).isEqualTo(FieldStatus.NOT_FOUND);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + repo.resolve("data/online.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM feast_demo_driver_hourly_stats")) {
            rs.next();
            assertThat(rs.getInt(1)).as("apply kept Feast's rows").isEqualTo(a.size() + b.size());
        }
    }

    /** Feast's upsert; times are bound as its adapter made them (text, or Long epoch seconds). */
    private static void feastWrite(Connection c, String table, byte[] key, Map<String, byte[]> values, Object eventTs, Object createdTs)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (entity_key, feature_name, value, event_ts, created_ts)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT(entity_key, feature_name) DO UPDATE SET value = excluded.value,"
                + " event_ts = excluded.event_ts, created_ts = excluded.created_ts;")) {
            for (Map.Entry<String, byte[]> e : values.entrySet()) {
                ps.setBytes(1, key);
                ps.setString(2, e.getKey());
                ps.setBytes(3, e.getValue());
                ps.setObject(4, eventTs);
                ps.setObject(5, createdTs);
                ps.executeUpdate();
            }
        }
    }
}
