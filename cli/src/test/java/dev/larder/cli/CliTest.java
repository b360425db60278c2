package dev.larder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole flow through the real CLI, on SQLite files in a temporary directory. */
class CliTest {
    static final Instant NOW = Instant.parse("2024-06-01T12:34:56Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path repo;
    final CliRunner cli = new CliRunner(Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeEach
    void init() {
        repo = tmp.resolve("driver_repo");
        CliRunner.Result r = cli.run("init", repo.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("845 sample rows").contains("project 'driver_repo'");
    }

    CliRunner.Result ok(String... args) {
        CliRunner.Result r = cli.run(args);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).isEmpty();
        return r;
    }

    CliRunner.Result fails(int code, String... args) {
        CliRunner.Result r = cli.run(args);
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        assertThat(r.err()).as("no stack trace without --verbose").doesNotContain("\tat ");
        return r;
    }

    String[] inRepo(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--repo";
        all[1] = repo.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    /** The expected latest values for a driver, read from the sample Parquet file independently of Larder. */
    static Object[] latest(Path repo, long driver, Instant end) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = st.executeQuery("SELECT conv_rate, acc_rate, avg_daily_trips, epoch(event_timestamp) FROM read_parquet('"
                    + repo.resolve("data/driver_stats.parquet") + "') WHERE driver_id = " + driver + " AND event_timestamp <= TIMESTAMPTZ '"
                    + end + "' ORDER BY event_timestamp DESC LIMIT 1")) {
                assertThat(rs.next()).isTrue();
                return new Object[] {rs.getFloat(1), rs.getFloat(2), rs.getLong(3), Instant.ofEpochSecond((long) rs.getDouble(4))};
            }
        }
    }

    static long sqliteCount(Path db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void initApplyMaterializeGetByHand() throws Exception {
        CliRunner.Result apply = ok(inRepo("apply"));
        assertThat(apply.out()).contains("+ create feature view driver_hourly_stats (3 features, entities [driver], ttl 1d)")
                .contains("CREATE table driver_repo_driver_hourly_stats").contains("Applied.");
        CliRunner.Result mat = ok(inRepo("materialize", "2024-05-01", "2024-06-01T11:30:00Z"));
        assertThat(mat.out()).contains("driver_hourly_stats: sent 5 rows to the online store").contains("Materialized 1 feature view: 5 rows sent to the online store, which keeps the newest row per entity.");

        CliRunner.Result get = ok(inRepo("get", "--features", "driver_hourly_stats:conv_rate,driver_hourly_stats:avg_daily_trips,driver_hourly_stats:acc_rate",
                "--entity", "driver_id=1001", "--entity", "driver_id=1005", "--entity", "driver_id=4242", "--output", "json"));
        JsonNode r = JSON.readTree(get.out());
        assertThat(r.at("/metadata/feature_names").toString()).isEqualTo("[\"driver_id\",\"conv_rate\",\"avg_daily_trips\",\"acc_rate\"]");
        JsonNode results = r.get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("values").toString()).isEqualTo("[1001,1005,4242]");
        assertThat(results.get(0).get("statuses").toString()).isEqualTo("[\"PRESENT\",\"PRESENT\",\"PRESENT\"]");
        Instant end = Instant.parse("2024-06-01T11:30:00Z");
        long[] drivers = {1001, 1005};
        for (int i = 0; i < drivers.length; i++) {
            Object[] expected = latest(repo, drivers[i], end);
            assertThat(results.get(1).get("values").get(i).floatValue()).isEqualTo((Float) expected[0]);
            assertThat(results.get(1).get("values").get(i).isNumber()).isTrue();
            assertThat(results.get(2).get("values").get(i).longValue()).isEqualTo((Long) expected[2]);
            assertThat(results.get(3).get("values").get(i).floatValue()).isEqualTo((Float) expected[1]);
            assertThat(results.get(1).get("event_timestamps").get(i).asText()).isEqualTo(expected[3].toString()).isEqualTo("2024-06-01T11:00:00Z");
        }
        assertThat(results.get(1).get("values").get(2).isNull()).isTrue();
        assertThat(results.get(1).get("statuses").get(2).asText()).isEqualTo("NOT_FOUND");
        assertThat(results.get(1).get("event_timestamps").get(2).asText()).isEqualTo("1970-01-01T00:00:00Z");

        CliRunner.Result table = ok(inRepo("get", "--features", "driver_hourly_stats:conv_rate", "--entity", "driver_id=1001",
                "--entity", "driver_id=7", "--full-feature-names"));
        Object[] e1001 = latest(repo, 1001, end);
        assertThat(table.out().lines().toList()).hasSize(4);
        assertThat(table.out().lines().findFirst().orElseThrow()).matches("driver_id\\s+driver_hourly_stats__conv_rate");
        assertThat(table.out()).containsPattern("1001\\s+" + java.util.regex.Pattern.quote(String.valueOf(e1001[0])))
                .containsPattern("7\\s+\\(NOT_FOUND\\)");
    }

    /** Issue 21 item 5: newest-wins may keep every stored row, so the count is of rows sent, and the output says so. */
    @Test
    void materializingOlderRowsReportsRowsSentAndTheStoreKeepsTheNewer() throws Exception {
        ok(inRepo("apply"));
        Instant newer = Instant.parse("2024-06-01T11:30:00Z");
        ok(inRepo("materialize", "2024-05-01", newer.toString()));
        // An interval ending a day earlier: every row it sends is older than the stored one.
        CliRunner.Result older = ok(inRepo("materialize", "2024-05-01", "2024-05-31T11:30:00Z"));
        assertThat(older.out()).contains("driver_hourly_stats: sent 5 rows to the online store in ")
                .contains("Materialized 1 feature view: 5 rows sent to the online store, which keeps the newest row per entity.")
                .doesNotContain("wrote").doesNotContain("written");
        JsonNode got = JSON.readTree(ok(inRepo("get", "--features", "driver_hourly_stats:avg_daily_trips", "--entity", "driver_id=1001",
                "--output", "json")).out());
        assertThat(got.at("/results/1/values/0").longValue()).as("the newer stored row was kept").isEqualTo((Long) latest(repo, 1001, newer)[2]);
        assertThat(got.at("/results/1/event_timestamps/0").asText()).isEqualTo(latest(repo, 1001, newer)[3].toString());
    }

    /** Issue 21 item 20: materialize before apply fails with the way out and leaves no empty online.db behind. */
    @Test
    void materializeBeforeApplyCreatesNothing() {
        Path db = repo.resolve("data/online.db");
        assertThat(fails(1, inRepo("materialize", "2024-05-01", "2024-06-01")).err()).contains("no registry yet; run 'larder apply' first");
        assertThat(db).doesNotExist();
        assertThat(fails(1, inRepo("materialize-incremental", "now")).err()).contains("no registry yet; run 'larder apply' first");
        assertThat(db).doesNotExist();
        assertThat(repo.resolve("data/registry.json")).doesNotExist();
    }

    /** Issue 21 item 20: a source file that is not there is applied (it may come later), with a warning naming view and path. */
    @Test
    void applyWarnsOfAMissingSourceFileAndStillApplies() throws Exception {
        Path source = repo.resolve("data/driver_stats.parquet");
        Files.delete(source);
        String warning = "WARNING: feature view 'driver_hourly_stats': source file " + source + " does not exist; materialize will fail until it does";
        assertThat(ok(inRepo("plan")).out()).contains(warning);
        CliRunner.Result apply = ok(inRepo("apply"));
        assertThat(apply.out()).contains(warning).contains("Applied.");
        assertThat(JSON.readTree(Files.readString(repo.resolve("data/registry.json"))).at("/feature_views/0/name").asText())
                .isEqualTo("driver_hourly_stats");
    }

    /** Issue 21 item 20: JSON's 1002.0 is the integer key 1002; 1002.5 names the key, its type and the value. */
    @Test
    void entitiesFileWithAWholeFloatKey() throws Exception {
        ok(inRepo("apply"));
        ok(inRepo("materialize", "2024-05-01", "2024-06-01T11:30:00Z"));
        Files.writeString(tmp.resolve("float.json"), "[{\"driver_id\": 1002.0}]");
        JsonNode got = JSON.readTree(ok(inRepo("get", "--features", "driver_hourly_stats:avg_daily_trips", "--entities-file",
                tmp.resolve("float.json").toString(), "--output", "json")).out());
        assertThat(got.at("/results/0/values").toString()).isEqualTo("[1002]");
        assertThat(got.at("/results/1/values/0").longValue()).isEqualTo((Long) latest(repo, 1002, Instant.parse("2024-06-01T11:30:00Z"))[2]);
        Files.writeString(tmp.resolve("half.json"), "[{\"driver_id\": 1002.5}]");
        assertThat(fails(1, inRepo("get", "--features", "driver_hourly_stats:avg_daily_trips", "--entities-file", tmp.resolve("half.json").toString())).err())
                .isEqualTo("error: Join key 'driver_id' is INT64; the value 1002.5 (BigDecimal) is not a valid INT64\n");
        // Python's json.dumps writes NaN bare; the file is read, the key refused with a message (not BigDecimal's).
        Files.writeString(tmp.resolve("nan.json"), "[{\"driver_id\": NaN}]");
        assertThat(fails(1, inRepo("get", "--features", "driver_hourly_stats:avg_daily_trips", "--entities-file", tmp.resolve("nan.json").toString())).err())
                .isEqualTo("error: " + tmp.resolve("nan.json") + ": entity value of 'driver_id' is NaN; a join key value is a finite number or a string\n");
    }

    @Test
    void entitiesFileInBothForms() throws Exception {
        ok(inRepo("apply"));
        ok(inRepo("materialize", "2024-05-01", "2024-06-01T11:30:00Z"));
        Files.writeString(tmp.resolve("rows.json"), "[{\"driver_id\": 1002}, {\"driver_id\": \"1003\"}]");
        Files.writeString(tmp.resolve("cols.json"), "{\"driver_id\": [1002, 1003]}");
        String a = ok(inRepo("get", "--features", "driver_hourly_stats:avg_daily_trips", "--entities-file", tmp.resolve("rows.json").toString(), "--output", "json")).out();
        String b = ok(inRepo("get", "--features", "driver_hourly_stats:avg_daily_trips", "--entities-file", tmp.resolve("cols.json").toString(), "--output", "json")).out();
        assertThat(a).isEqualTo(b);
        JsonNode trips = JSON.readTree(a).at("/results/1/values");
        assertThat(trips.get(0).longValue()).isEqualTo((Long) latest(repo, 1002, Instant.parse("2024-06-01T11:30:00Z"))[2]);
        assertThat(trips.get(1).longValue()).isEqualTo((Long) latest(repo, 1003, Instant.parse("2024-06-01T11:30:00Z"))[2]);
    }

    @Test
    void materializeIncrementalStartsAtTtlThenAtTheWatermark() throws Exception {
        ok(inRepo("apply"));
        // First run: no watermark, so from END minus ttl (1d): the latest row per driver, at 12:00.
        CliRunner.Result first = ok(inRepo("materialize-incremental", "now"));
        assertThat(first.out()).contains("event time 2024-05-31T12:34:56Z .. 2024-06-01T12:34:56Z").contains("sent 5 rows");
        JsonNode reg = JSON.readTree(Files.readString(repo.resolve("data/registry.json")));
        assertThat(reg.at("/feature_views/0/materialized_intervals").toString())
                .isEqualTo("[{\"start\":\"2024-05-31T12:34:56Z\",\"end\":\"2024-06-01T12:34:56Z\"}]");
        // Second run continues from the watermark.
        CliRunner.Result second = ok(inRepo("materialize-incremental", "2024-06-01T13:00:00Z"));
        assertThat(second.out()).contains("event time 2024-06-01T12:34:56Z .. 2024-06-01T13:00:00Z")
                .contains("no rows with event time in [2024-06-01T12:34:56Z, 2024-06-01T13:00:00Z]")
                // 13:00 is after the clock's now: the watermark stops at now, so rows that arrive until 13:00 still load later.
                .contains("Note: END 2024-06-01T13:00:00Z is in the future: watermarks are recorded up to now (2024-06-01T12:34:56Z)");
        CliRunner.Result third = ok(inRepo("materialize-incremental", "2024-06-01T10:00:00Z"));
        assertThat(third.out()).contains("already materialized up to 2024-06-01T12:34:56Z");
        assertThat(sqliteCount(repo.resolve("data/online.db"), "SELECT count(*) FROM driver_repo_driver_hourly_stats")).isEqualTo(15);
    }

    @Test
    void failureMidWayKeepsTheWatermarkAndARerunCompletesTheWork() throws Exception {
        Path r = tmp.resolve("lists");
        Files.createDirectories(r.resolve("data"));
        Files.writeString(r.resolve("feature_store.yaml"), "project: lists\nmaterialization: {batch_size: 10}\n");
        Files.writeString(r.resolve("features.yaml"), """
                entities: [{name: item, join_keys: [item_id], value_type: INT64}]
                feature_views:
                  - name: item_lists
                    entities: [item]
                    schema: [{name: scores, dtype: Array(Int64)}, {name: rank, dtype: Int32}]
                    source: {path: data/items.parquet, timestamp_field: ts}
                """);
        // Item 255 sorts last (its serialized key's first value byte is 0xFF) and holds a list with a null.
        writeItems(r, true);
        repo = r;
        ok(inRepo("apply"));
        CliRunner.Result failed = fails(1, inRepo("materialize", "2024-01-01", "2024-01-02"));
        assertThat(failed.err()).contains("column 'scores' holds a list with a null element");
        Path db = r.resolve("data/online.db");
        long partial = sqliteCount(db, "SELECT count(*) FROM lists_item_lists");
        assertThat(partial).as("some batches were written before the failure").isPositive().isLessThan(256 * 2);
        assertThat(JSON.readTree(Files.readString(r.resolve("data/registry.json"))).at("/feature_views/0/materialized_intervals").size())
                .as("watermark unchanged").isZero();

        writeItems(r, false);
        CliRunner.Result rerun = ok(inRepo("materialize", "2024-01-01", "2024-01-02"));
        assertThat(rerun.out()).contains("sent 256 rows");
        assertThat(sqliteCount(db, "SELECT count(*) FROM lists_item_lists")).isEqualTo(256 * 2);
        assertThat(sqliteCount(db, "SELECT count(DISTINCT entity_key) FROM lists_item_lists")).isEqualTo(256);
        JsonNode got = JSON.readTree(ok(inRepo("get", "--features", "item_lists:scores,item_lists:rank", "--entity", "item_id=0",
                "--entity", "item_id=254", "--entity", "item_id=255", "--output", "json")).out());
        assertThat(got.at("/results/1/values").toString()).isEqualTo("[[0,1],[254,255],[255,256]]");
        assertThat(got.at("/results/2/values").toString()).isEqualTo("[0,254,255]");
        assertThat(JSON.readTree(Files.readString(r.resolve("data/registry.json"))).at("/feature_views/0/materialized_intervals").toString())
                .isEqualTo("[{\"start\":\"2024-01-01T00:00:00Z\",\"end\":\"2024-01-02T00:00:00Z\"}]");
    }

    @Test
    void bulkMaterializationStoresEveryRowInFeastsLayout() throws Exception {
        Path r = tmp.resolve("bulk");
        Files.createDirectories(r.resolve("data"));
        Files.writeString(r.resolve("feature_store.yaml"), "project: bulk\n");
        Files.writeString(r.resolve("features.yaml"), """
                entities: [{name: item, join_keys: [item_id], value_type: INT64}]
                feature_views:
                  - name: items
                    entities: [item]
                    schema: [{name: score, dtype: Float32}, {name: label, dtype: String}, {name: n, dtype: Int64}]
                    source: {path: data/items.parquet, timestamp_field: ts, created_timestamp_column: created}
                """);
        // 2,000 entities: most go through the multi-entity statements, the last few one stored row at a time.
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT i AS item_id, TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL 1 SECOND AS ts,"
                    + " TIMESTAMP '2024-02-01 00:00:00.5' AS created, CAST(i / 4 AS FLOAT) AS score,"
                    + " CASE WHEN i % 7 = 0 THEN NULL ELSE 'label-' || i END AS label, i * 1000 AS n FROM range(0, 2000) t(i))"
                    + " TO '" + r.resolve("data/items.parquet") + "' (FORMAT PARQUET)");
        }
        repo = r;
        ok(inRepo("apply"));
        assertThat(ok(inRepo("materialize", "2024-01-01", "2024-01-02")).out()).contains("sent 2,000 rows");
        Path db = r.resolve("data/online.db");
        assertThat(sqliteCount(db, "SELECT count(*) FROM bulk_items")).isEqualTo(6000);
        assertThat(sqliteCount(db, "SELECT count(*) FROM bulk_items WHERE feature_name = 'label' AND value_text IS NOT NULL")).isEqualTo(2000 - 286);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            for (long i : new long[] {0, 1, 999, 1985, 1999}) {
                byte[] key = dev.larder.spi.codec.EntityKeyCodec.serialize(dev.larder.spi.EntityKey.of("item_id", dev.larder.spi.Value.ofInt64(i)));
                try (ResultSet rs = st.executeQuery("SELECT feature_name, value, value_text, event_ts, created_ts, vector_value FROM bulk_items"
                        + " WHERE entity_key = x'" + java.util.HexFormat.of().formatHex(key) + "' ORDER BY feature_name")) {
                    List<String> seen = new ArrayList<>();
                    while (rs.next()) {
                        String f = rs.getString(1);
                        seen.add(f);
                        dev.larder.spi.Value expected = switch (f) {
                            case "score" -> dev.larder.spi.Value.ofFloat(i / 4f);
                            case "label" -> i % 7 == 0 ? dev.larder.spi.Value.UNSET : dev.larder.spi.Value.ofString("label-" + i);
                            default -> dev.larder.spi.Value.ofInt64(i * 1000);
                        };
                        assertThat(rs.getBytes(2)).as("item %d %s", i, f).isEqualTo(dev.larder.spi.codec.ValueCodec.encode(expected));
                        // value_text as Feast 0.66 fills it: strings, and Python's str() of numbers (quarters print alike in Java).
                        String text = switch (f) {
                            case "score" -> Double.toString((double) (i / 4f));
                            case "label" -> i % 7 == 0 ? null : "label-" + i;
                            default -> Long.toString(i * 1000);
                        };
                        assertThat(rs.getString(3)).as("value_text of item %d %s", i, f).isEqualTo(text);
                        // Timestamps as Feast >= 0.42 writes them: INTEGER epoch seconds, the fraction dropped.
                        assertThat(rs.getLong(4)).isEqualTo(Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i).getEpochSecond());
                        assertThat(rs.getLong(5)).isEqualTo(Instant.parse("2024-02-01T00:00:00Z").getEpochSecond());
                        assertThat(rs.getBytes(6)).isNull();
                    }
                    assertThat(seen).containsExactly("label", "n", "score");
                }
            }
        }
    }

    @Test
    void entitylessViewFromCsv() throws Exception {
        Path r = tmp.resolve("global");
        Files.createDirectories(r.resolve("data"));
        Files.writeString(r.resolve("feature_store.yaml"), "project: global\n");
        Files.writeString(r.resolve("features.yaml"), """
                feature_views:
                  - name: totals
                    entities: []
                    schema: [{name: drivers_online, dtype: Int32}, {name: note, dtype: String}]
                    source: {path: data/totals.csv, timestamp_field: ts}
                """);
        Files.writeString(r.resolve("data/totals.csv"), "ts,drivers_online,note\n2024-05-01T10:00:00Z,41,early\n2024-05-01T11:00:00Z,42,late\n");
        repo = r;
        ok(inRepo("apply"));
        assertThat(ok(inRepo("materialize", "2024-05-01", "2024-05-02")).out()).contains("sent 1 rows");
        JsonNode got = JSON.readTree(ok(inRepo("get", "--features", "totals:drivers_online,totals:note", "--output", "json")).out());
        assertThat(got.at("/metadata/feature_names").toString()).isEqualTo("[\"drivers_online\",\"note\"]");
        assertThat(got.at("/results/0/values").toString()).isEqualTo("[42]");
        assertThat(got.at("/results/1/values").toString()).isEqualTo("[\"late\"]");
        assertThat(got.at("/results/1/event_timestamps").toString()).isEqualTo("[\"2024-05-01T11:00:00Z\"]");
    }

    private static void writeItems(Path r, boolean withNull) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT i AS item_id, TIMESTAMP '2024-01-01 12:00:00' AS ts, CASE WHEN i = 255 AND " + withNull
                    + " THEN [i, NULL] ELSE [i, i + 1] END AS scores, CAST(i AS INTEGER) AS rank FROM range(0, 256) t(i))"
                    + " TO '" + r.resolve("data/items.parquet") + "' (FORMAT PARQUET)");
        }
    }

    @Test
    void planReportsARenameBeforeApplyDropsAnything() throws Exception {
        ok(inRepo("apply"));
        ok(inRepo("materialize", "2024-05-01", "2024-06-01T11:30:00Z"));
        Path features = repo.resolve("features.yaml");
        Files.writeString(features, Files.readString(features).replace("name: driver_hourly_stats", "name: driver_stats"));
        String registryBefore = Files.readString(repo.resolve("data/registry.json"));
        CliRunner.Result plan = ok(inRepo("plan"));
        assertThat(plan.out()).contains("+ create feature view driver_stats").contains("- drop   feature view driver_hourly_stats")
                .contains("WARNING: Feature view 'driver_hourly_stats' is gone and 'driver_stats' is new with the same keys and features: a rename?")
                .contains("DELETE table driver_repo_driver_hourly_stats").contains("CREATE table driver_repo_driver_stats")
                .contains("Run 'larder apply' to make these changes.");
        assertThat(Files.readString(repo.resolve("data/registry.json"))).as("plan changes nothing").isEqualTo(registryBefore);
        Path db = repo.resolve("data/online.db");
        assertThat(sqliteCount(db, "SELECT count(*) FROM sqlite_master WHERE name = 'driver_repo_driver_hourly_stats'")).isOne();

        CliRunner.Result apply = ok(inRepo("apply"));
        String out = apply.out();
        assertThat(out.indexOf("a rename?")).isPositive().isLessThan(out.indexOf("Applied."));
        assertThat(sqliteCount(db, "SELECT count(*) FROM sqlite_master WHERE name = 'driver_repo_driver_hourly_stats'")).isZero();
        assertThat(sqliteCount(db, "SELECT count(*) FROM sqlite_master WHERE name = 'driver_repo_driver_stats'")).isOne();
        assertThat(ok(inRepo("plan")).out()).contains("= keep   feature view driver_stats").contains("No changes.");

        CliRunner.Result teardown = ok(inRepo("teardown"));
        assertThat(teardown.out()).contains("Removed the online data of [driver_stats]");
        assertThat(sqliteCount(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'")).isZero();
        assertThat(repo.resolve("data/registry.json")).doesNotExist();
        assertThat(fails(1, inRepo("get", "--features", "driver_stats:conv_rate", "--entity", "driver_id=1")).err())
                .contains("no registry yet; run 'larder apply' first");
    }

    @Test
    void storesListsEveryBackendWithItsMatrix() throws Exception {
        CliRunner.Result table = ok("stores");
        List<String> lines = table.out().lines().toList();
        // The CLI carries every first-party backend; columns are sorted by type.
        assertThat(lines.get(0)).matches("capability\\s+bigtable\\s+cassandra\\s+dynamodb\\s+redis\\s+sqlite");
        assertThat(lines).hasSize(dev.larder.spi.Capability.values().length + dev.larder.LarderFeatures.values().length + 3);
        assertThat(table.out()).containsPattern("write to the online store(\\s+yes){4}\\s+with `read_only` false").containsPattern("support on-demand transforms \\(Larder\\)(\\s+no){5}");
        JsonNode json = JSON.readTree(ok("stores", "--output", "json").out());
        java.util.Map<String, dev.larder.spi.OnlineStoreProvider> installed = dev.larder.OnlineStores.installed().all();
        assertThat(json.get("stores")).hasSize(installed.size());
        for (JsonNode s : json.get("stores")) {
            // Every cell is the provider's own declaration.
            java.util.Map<dev.larder.spi.Capability, dev.larder.spi.CapabilitySupport> declared = installed.get(s.get("type").asText()).capabilities();
            for (dev.larder.spi.Capability c : dev.larder.spi.Capability.values()) {
                JsonNode cell = s.at("/capabilities/" + c.name());
                dev.larder.spi.CapabilitySupport support = declared.get(c);
                if (support == null) assertThat(cell.asBoolean()).as("%s %s", s.get("type").asText(), c).isFalse();
                else if (!support.isConditional()) assertThat(cell.asBoolean()).as("%s %s", s.get("type").asText(), c).isTrue();
                else assertThat(cell.asText()).as("%s %s", s.get("type").asText(), c).isEqualTo("with option " + support.option().orElseThrow());
            }
        }
    }

    @Test
    void quickstartPrintsDriverFeaturesReadBackFromSqlite() throws Exception {
        Path dir = tmp.resolve("qs");
        CliRunner.Result r = ok("quickstart", dir.toString());
        assertThat(r.out()).contains("$ larder init " + dir).contains("$ larder apply").contains("$ larder materialize-incremental now")
                .contains("sent 5 rows").containsPattern("driver_id\\s+conv_rate\\s+acc_rate\\s+avg_daily_trips")
                .contains("Try next:").contains(dir + "/data/online.db");
        Instant end = NOW;
        for (long d : new long[] {1001, 1002, 1003}) {
            Object[] e = latest(dir, d, end);
            assertThat(r.out()).containsPattern(d + "\\s+" + java.util.regex.Pattern.quote(String.valueOf(e[0])) + "\\s+"
                    + java.util.regex.Pattern.quote(String.valueOf(e[1])) + "\\s+" + e[2]);
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void featureReferenceWithoutView() {
        assertThat(fails(1, inRepo("get", "--features", "conv_rate", "--entity", "driver_id=1001")).err())
                .isEqualTo("error: Feature reference 'conv_rate' must have the form view:feature, e.g. driver_hourly_stats:conv_rate\n");
    }

    @Test
    void entityValueThatIsNotTheJoinKeyType() {
        ok(inRepo("apply"));
        assertThat(fails(1, inRepo("get", "--features", "driver_hourly_stats:conv_rate", "--entity", "driver_id=abc")).err())
                .isEqualTo("error: Join key 'driver_id' is INT64; the value 'abc' (String) is not a valid INT64\n");
    }

    @Test
    void endBeforeStartAndUnparseableDates() {
        ok(inRepo("apply"));
        assertThat(fails(1, inRepo("materialize", "2024-06-01", "2024-05-01")).err())
                .isEqualTo("error: END 2024-05-01T00:00:00Z is before START 2024-06-01T00:00:00Z; give START first, then a later END\n");
        assertThat(fails(1, inRepo("materialize", "yesterday", "2024-05-01")).err())
                .startsWith("error: START 'yesterday' is not a date; use 2024-01-31");
        assertThat(fails(1, inRepo("materialize-incremental", "2024-02-30")).err()).startsWith("error: END '2024-02-30' is not a date");
    }

    @Test
    void unknownViewInViewsOption() {
        ok(inRepo("apply"));
        assertThat(fails(1, inRepo("materialize", "2024-05-01", "2024-06-01", "--views", "nope")).err())
                .contains("Unknown feature view 'nope' in --views; applied views: [driver_hourly_stats]");
    }

    @Test
    void malformedYamlGivesFileLineAndColumn() throws Exception {
        Files.writeString(repo.resolve("features.yaml"), "entities:\n  - name: driver\n    join_keys: [driver_id\n");
        CliRunner.Result r = fails(1, inRepo("apply"));
        assertThat(r.err()).startsWith("error: " + repo.resolve("features.yaml") + ": line ").contains("column").contains("malformed YAML");
        assertThat(r.err().lines().count()).isOne();
    }

    @Test
    void missingSourceFile() throws Exception {
        ok(inRepo("apply"));
        Files.delete(repo.resolve("data/driver_stats.parquet"));
        assertThat(fails(1, inRepo("materialize", "2024-05-01", "2024-06-01")).err())
                .contains("feature view 'driver_hourly_stats': source file " + repo.resolve("data/driver_stats.parquet") + " not found");
        assertThat(JSON.readTree(Files.readString(repo.resolve("data/registry.json"))).at("/feature_views/0/materialized_intervals").size()).isZero();
    }

    @Test
    void emptySourceFileMaterializesNothingAndSaysSo() throws Exception {
        ok(inRepo("apply"));
        Files.writeString(repo.resolve("data/driver_stats.parquet"), "");
        CliRunner.Result r = ok(inRepo("materialize", "2024-05-01", "2024-06-01"));
        assertThat(r.out()).contains("source file " + repo.resolve("data/driver_stats.parquet") + " is empty; nothing to materialize")
                .contains("0 rows sent to the online store");
    }

    @Test
    void usageErrorsExit2WithTheCommandsHelp() {
        CliRunner.Result r = fails(2, inRepo("materialize", "2024-05-01"));
        assertThat(r.err()).contains("Missing required parameter: 'END'").contains("Usage: larder materialize");
        assertThat(fails(2, "frobnicate").err()).contains("Unmatched argument").contains("Usage: larder");
        assertThat(fails(2, inRepo("get", "--entity", "driver_id=1")).err()).contains("Missing required option: '--features").contains("Usage: larder get");
    }

    @Test
    void verboseShowsTheStackTrace() {
        CliRunner.Result r = cli.run(inRepo("--verbose", "get", "--features", "conv_rate", "--entity", "driver_id=1"));
        assertThat(r.code()).isOne();
        assertThat(r.err()).contains("LarderException").contains("\tat dev.larder.");
    }

    @Test
    void initRefusesANonEmptyDirectory() {
        assertThat(fails(1, "init", repo.toString()).err()).contains("already exists and is not empty");
    }

    @Test
    void badOnlineStoreConfigIsReported() throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), "project: p\nonline_store: {type: sqlite, pth: x.db}\n");
        assertThat(fails(1, inRepo("apply")).err()).contains("online_store.pth").contains("unknown option");
    }

    static List<String> lines(String s) {
        return new ArrayList<>(s.lines().toList());
    }
}
