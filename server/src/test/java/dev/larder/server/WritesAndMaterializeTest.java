package dev.larder.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /push, /write-to-online-store, /materialize and /materialize-incremental against SQLite, read back over HTTP. */
class WritesAndMaterializeTest {
    @TempDir
    static Path dir;
    static FeatureServer server;
    static Http http;
    static TestRepo repo;

    @BeforeAll
    static void start() throws IOException {
        repo = TestRepo.sqlite(dir);
        // driver_stats_push_source's batch source: drivers 2001-2003, hourly on 2021-01-01, the latest row wins
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("data/driver_stats.csv"))) {
            w.write("driver_id,event_timestamp,created,conv_rate,acc_rate,avg_daily_trips\n");
            for (int h = 0; h < 24; h++) {
                for (int d = 2001; d <= 2003; d++) {
                    w.write(d + ",2021-01-01 " + String.format("%02d", h) + ":00:00,2021-01-02 00:00:00," + (h / 100.0) + ",0.5," + (d + h) + "\n");
                }
            }
        }
        server = repo.serve(ServerOptions.defaults().withLimits(ServerOptions.DEFAULT_MAX_REQUEST_BYTES, 1000, Duration.ofSeconds(60)));
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Http.Reply read(String features, String entities) {
        Http.Reply r = http.post("/get-online-features", "{\"features\": " + features + ", \"entities\": " + entities + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    /** Feast's documented Python push example (docs/reference/feature-servers/python-feature-server.md), as json.dumps sends it. */
    @Test
    void feastsDocumentedPushExampleWritesOnline() {
        Http.Reply r = http.post("/push", "{\"push_source_name\": \"driver_stats_push_source\", \"df\": {\"driver_id\": [1001],"
                + " \"event_timestamp\": [\"2021-05-13 10:59:42\"], \"created\": [\"2021-05-13 10:59:42\"], \"conv_rate\": [1.0],"
                + " \"acc_rate\": [1.0], \"avg_daily_trips\": [1000], \"string_feature\": \"test2\"}, \"to\": \"online\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("written").toString()).isEqualTo("{\"driver_hourly_stats\":1}");
        assertThat(r.json().get("ignored_columns").toString()).isEqualTo("[\"string_feature\"]");
        JsonNode got = read("[\"driver_hourly_stats:conv_rate\", \"driver_hourly_stats:avg_daily_trips\"]", "{\"driver_id\": [1001]}").json();
        assertThat(got.at("/results/1/values").toString()).isEqualTo("[1.0]");
        assertThat(got.at("/results/2/values").toString()).isEqualTo("[1000]");
        assertThat(got.at("/results/2/event_timestamps/0").asText()).isEqualTo("2021-05-13T10:59:42Z");
    }

    /** Feast's documented curl push example asks for the offline store too: 422, nothing written. */
    @Test
    void feastsDocumentedCurlPushToOnlineAndOfflineIs422() {
        Http.Reply r = http.post("/push", """
                {
                    "push_source_name": "driver_stats_push_source",
                    "df": {
                            "driver_id": [1009],
                            "event_timestamp": ["2022-05-13 10:59:42+00:00"],
                            "created": ["2022-05-13 10:59:42"],
                            "conv_rate": [1.0],
                            "acc_rate": [1.0],
                            "avg_daily_trips": [1000]
                    },
                    "to": "online_and_offline"
                  }""");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.error()).isEqualTo("no offline store");
        assertThat(r.detail()).contains("'online_and_offline'", "no offline store", "\"to\": \"online\"");
        assertThat(http.post("/push", "{\"push_source_name\": \"driver_stats_push_source\", \"df\": {}, \"to\": \"offline\"}").status()).isEqualTo(422);
        assertThat(read("[\"driver_hourly_stats:conv_rate\"]", "{\"driver_id\": [1009]}").json().at("/results/1/statuses/0").asText())
                .isEqualTo("NOT_FOUND");
    }

    @Test
    void writeToOnlineStoreEveryTypeRoundTrips() {
        Http.Reply w = http.post("/write-to-online-store", """
                {"feature_view_name": "customer_profile", "df": {
                  "customer_id": ["W-1", "W-2"], "event_timestamp": ["2024-03-01T12:00:00Z", 1709294400],
                  "name": ["Bo", null], "age": [41, 7], "balance": [10.25, -1], "vip": [false, true],
                  "avatar": ["AAEC", "/w=="], "signup": ["2024-01-01 00:00:00", 1700000000],
                  "tags": [["x"], []], "scores": [[0.5, 2], [1.5]], "visits": [[9007199254740993], [0]]}}""");
        assertThat(w.status()).as(w.body()).isEqualTo(200);
        assertThat(w.json().get("written").toString()).isEqualTo("{\"customer_profile\":2}");
        JsonNode got = read("[\"customer_profile:name\", \"customer_profile:age\", \"customer_profile:balance\", \"customer_profile:vip\","
                + " \"customer_profile:avatar\", \"customer_profile:signup\", \"customer_profile:tags\", \"customer_profile:scores\","
                + " \"customer_profile:visits\"]", "{\"customer_id\": [\"W-1\", \"W-2\"]}").json().get("results");
        assertThat(got.get(1).get("values").toString()).isEqualTo("[\"Bo\",null]");
        assertThat(got.get(1).get("statuses").toString()).isEqualTo("[\"PRESENT\",\"NULL_VALUE\"]");
        assertThat(got.get(2).get("values").toString()).isEqualTo("[41,7]");
        assertThat(got.get(3).get("values").toString()).isEqualTo("[10.25,-1.0]");
        assertThat(got.get(4).get("values").toString()).isEqualTo("[false,true]");
        assertThat(got.get(5).get("values").toString()).isEqualTo("[\"AAEC\",\"/w==\"]");
        assertThat(got.get(6).get("values").toString()).isEqualTo("[\"2024-01-01T00:00:00Z\",\"2023-11-14T22:13:20Z\"]");
        assertThat(got.get(7).get("values").toString()).isEqualTo("[[\"x\"],[]]");
        assertThat(got.get(8).get("values").toString()).isEqualTo("[[0.5,2.0],[1.5]]");
        assertThat(got.get(9).get("values").toString()).isEqualTo("[[9007199254740993],[0]]");
        assertThat(got.get(1).get("event_timestamps").toString()).isEqualTo("[\"2024-03-01T12:00:00Z\",\"2024-03-01T12:00:00Z\"]");
    }

    /** A customer_profile frame of one row with the given name, balance and scores cells (JSON text, as sent). */
    static String customer(String id, String name, String balance, String scores) {
        return "{\"feature_view_name\": \"customer_profile\", \"df\": {\"customer_id\": [" + id + "], \"event_timestamp\": [\"2024-03-01T12:00:00Z\"],"
                + " \"name\": [" + name + "], \"age\": [1], \"balance\": [" + balance + "], \"vip\": [true], \"avatar\": [\"AA==\"],"
                + " \"signup\": [1700000000], \"tags\": [[\"t\"]], \"scores\": [" + scores + "], \"visits\": [[1]]}}";
    }

    /**
     * Issue 13 item 15: NaN and ±Infinity are answered as protobuf's JSON mapping strings (Feast 0.66 answers 500 for them),
     * finite values stay numbers; the strings and the bare tokens Python's json.dumps writes are both accepted on write.
     */
    @Test
    void nonFiniteFloatsAreWrittenAndAnsweredAsStringsFiniteOnesAsNumbers() {
        assertThat(http.post("/write-to-online-store", customer("\"N-1\"", "\"a\"", "NaN", "[NaN, 1.5, -Infinity]")).status()).isEqualTo(200);
        assertThat(http.post("/write-to-online-store", customer("\"N-2\"", "\"b\"", "\"Infinity\"", "[\"Infinity\", \"-Infinity\", \"NaN\"]")).status())
                .isEqualTo(200);
        assertThat(http.post("/write-to-online-store", customer("\"N-3\"", "\"c\"", "-Infinity", "[0.25]")).status()).isEqualTo(200);
        Http.Reply r = read("[\"customer_profile:balance\", \"customer_profile:scores\"]", "{\"customer_id\": [\"N-1\", \"N-2\", \"N-3\"]}");
        JsonNode got = r.json().get("results");
        assertThat(got.get(1).get("values").toString()).isEqualTo("[\"NaN\",\"Infinity\",\"-Infinity\"]");
        assertThat(got.get(1).get("statuses").toString()).isEqualTo("[\"PRESENT\",\"PRESENT\",\"PRESENT\"]");
        assertThat(got.get(2).get("values").toString()).isEqualTo("[[\"NaN\",1.5,\"-Infinity\"],[\"Infinity\",\"-Infinity\",\"NaN\"],[0.25]]");
        assertThat(got.get(2).get("values").get(0).get(1).isNumber()).isTrue();
        // the answer is strict JSON: no bare NaN or Infinity token anywhere
        assertThat(r.body()).doesNotContainPattern("[\\[,]-?(NaN|Infinity)");
        // a text that is not one of the three names is still refused
        expect(http.post("/write-to-online-store", customer("\"N-4\"", "\"d\"", "\"nan\"", "[1]")), 400, "invalid value",
                "df.balance[0]", "\"nan\"", "DOUBLE", "\"NaN\", \"Infinity\" or \"-Infinity\"");
    }

    /** Issue 13 item 15: a lone UTF-16 surrogate would be stored as '?': refused, naming the cell, and nothing is written. */
    @Test
    void aLoneSurrogateIsRefusedAndNothingIsWritten() {
        expect(http.post("/write-to-online-store", customer("\"S-1\"", "\"x\\ud800y\"", "1", "[1]")), 400, "invalid value",
                "df.name[0]", "lone UTF-16 surrogate (\\uD800 at index 1)", "x\\uD800y");
        expect(http.post("/write-to-online-store", customer("\"S-\\udc00\"", "\"ok\"", "1", "[1]")), 400, "invalid value",
                "df.customer_id[0]", "lone UTF-16 surrogate (\\uDC00 at index 2)");
        assertThat(read("[\"customer_profile:name\"]", "{\"customer_id\": [\"S-1\", \"S-?\"]}").json().at("/results/1/statuses").toString())
                .isEqualTo("[\"NOT_FOUND\",\"NOT_FOUND\"]");
        // A key with a lone surrogate would read entity 'S-?': refused on read too.
        Http.Reply badRead = http.post("/get-online-features", "{\"features\": [\"customer_profile:name\"], \"entities\": {\"customer_id\": [\"S-\\udc00\"]}}");
        assertThat(badRead.status()).as(badRead.body()).isEqualTo(400);
        assertThat(badRead.detail()).contains("entities.customer_id[0]", "lone UTF-16 surrogate");
        // An application writing through the facade gets the view, feature and entity; nothing of the batch is written.
        try (dev.larder.FeatureStore fs = repo.openStore()) {
            java.util.List<dev.larder.spi.FeatureRow> rows = java.util.List.of(
                    new dev.larder.spi.FeatureRow(dev.larder.spi.EntityKey.of("customer_id", dev.larder.spi.Value.ofString("S-2")),
                            java.util.Map.of("name", dev.larder.spi.Value.ofString("fine")), TestRepo.NOW),
                    new dev.larder.spi.FeatureRow(dev.larder.spi.EntityKey.of("customer_id", dev.larder.spi.Value.ofString("S-3")),
                            java.util.Map.of("tags", dev.larder.spi.Value.ofStringList(java.util.List.of("a", "b\uDBFF"))), TestRepo.NOW));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> fs.write("customer_profile", rows))
                    .isInstanceOf(dev.larder.LarderException.class)
                    .hasMessageContaining("Feature 'customer_profile:tags' of entity ").hasMessageContaining("S-3")
                    .hasMessageContaining("element [1]: the string \"b\\uDBFF\" holds a lone UTF-16 surrogate (\\uDBFF at index 1)")
                    .hasMessageContaining("nothing was written");
        }
        assertThat(read("[\"customer_profile:name\"]", "{\"customer_id\": [\"S-2\"]}").json().at("/results/1/statuses/0").asText())
                .isEqualTo("NOT_FOUND");
    }

    @Test
    void badFramesNameTheColumnCellAndValueAndWriteNothing() {
        expect(http.post("/push", "{\"push_source_name\": \"driver_push\", \"df\": {\"driver_id\": [1]}}"),
                404, "unknown push source", "'driver_push'", "[driver_stats_push_source]");
        expect(http.post("/push", "{\"push_source_name\": \"driver_stats_push_source\", \"df\": {\"driver_id\": [1]}, \"to\": \"both\"}"),
                400, "invalid push mode", "'both'", "[online, offline, online_and_offline]");
        expect(http.post("/push", "{\"push_source_name\": \"driver_stats_push_source\", \"df\": {\"driver_id\": [1], \"event_timestamp\": [\"2024-01-01\"]}}"),
                400, "missing columns", "'driver_hourly_stats'", "[conv_rate, acc_rate, avg_daily_trips]", "[driver_id, event_timestamp]");
        expect(http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extra\", \"df\": {\"driver_id\": [1, 2],"
                        + " \"event_timestamp\": [\"2024-01-01\"], \"conv_rate\": [0.5, 0.6]}}"),
                400, "columns of unequal length", "'driver_id' has 2", "'event_timestamp' has 1");
        expect(http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extra\", \"df\": {\"driver_id\": [3001, 3002],"
                        + " \"event_timestamp\": [\"2024-01-01\", \"2024-01-01\"], \"conv_rate\": [0.5, \"high\"]}}"),
                400, "invalid value", "df.conv_rate[1]", "\"high\"", "DOUBLE");
        expect(http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extra\", \"df\": {\"driver_id\": [3001],"
                        + " \"event_timestamp\": [\"yesterday\"], \"conv_rate\": [0.5]}}"),
                400, "invalid value", "df.event_timestamp[0]", "'yesterday'", "2024-01-31T10:00:00Z");
        expect(http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extra\", \"df\": {\"driver_id\": [\"3001\"],"
                        + " \"event_timestamp\": [\"2024-01-01\"], \"conv_rate\": [0.5]}}"),
                400, "invalid value", "df.driver_id[0]", "\"3001\"", "INT64");
        expect(http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extra\", \"df\": {\"driver_id\": [null],"
                        + " \"event_timestamp\": [\"2024-01-01\"], \"conv_rate\": [0.5]}}"),
                400, "invalid value", "df.driver_id[0]", "cannot be null");
        expect(http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extras\", \"df\": {}}"),
                404, "unknown feature view", "'driver_extras'", "driver_extra");
        expect(http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extra\", \"df\": [1]}"),
                400, "wrong type", "'df' must be an object of columns");
        expect(http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extra\", \"df\": {\"driver_id\": 1}}"),
                400, "no rows", "no column is a list");
        expect(http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extra\", \"df\": {\"driver_id\": ["
                        + "1,".repeat(1000) + "1], \"event_timestamp\": \"2024-01-01\", \"conv_rate\": 0.5}}"),
                413, "too many rows", "1001 rows", "at most 1000");
        // the rejected frame with 3001 wrote nothing, not even its valid first row
        assertThat(read("[\"driver_extra:conv_rate\"]", "{\"driver_id\": [3001]}").json().at("/results/1/statuses/0").asText()).isEqualTo("NOT_FOUND");
    }

    /** Feast's documented materialize request, unchanged; then incremental; then the documented disable_event_timestamp one. */
    @Test
    void materializeFeastsDocumentedRequestThenIncremental() {
        Http.Reply r = http.post("/materialize", """
                {
                    "start_ts": "2021-01-01T00:00:00",
                    "end_ts": "2021-01-02T00:00:00",
                    "feature_views": ["driver_hourly_stats"]
                }""");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/feature_views/0/name").asText()).isEqualTo("driver_hourly_stats");
        assertThat(r.json().at("/feature_views/0/rows_sent").asLong()).isEqualTo(3);
        JsonNode got = read("[\"driver_hourly_stats:avg_daily_trips\"]", "{\"driver_id\": [2001, 2003]}").json();
        assertThat(got.at("/results/1/values").toString()).isEqualTo("[2024,2026]");
        assertThat(got.at("/results/1/event_timestamps/0").asText()).isEqualTo("2021-01-01T23:00:00Z");
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("larder_materialize_rows_total{view=\"driver_hourly_stats\"} 3.0")
                .contains("larder_materialize_duration_seconds_count{outcome=\"written\",view=\"driver_hourly_stats\"} 1");
        java.util.regex.Matcher lag = java.util.regex.Pattern.compile("larder_materialize_lag_seconds\\{view=\"driver_hourly_stats\"} (\\S+)").matcher(metrics);
        assertThat(lag.find()).as(metrics).isTrue();
        // now minus the watermark 2021-01-02T00:00:00Z
        assertThat(Double.parseDouble(lag.group(1))).isCloseTo(java.time.Duration.between(java.time.Instant.parse("2021-01-02T00:00:00Z"),
                java.time.Instant.now()).toSeconds(), org.assertj.core.data.Offset.offset(120.0));

        Http.Reply inc = http.post("/materialize-incremental", "{\"end_ts\": \"2021-01-03T00:00:00\", \"feature_views\": [\"driver_hourly_stats\"]}");
        assertThat(inc.status()).as(inc.body()).isEqualTo(200);
        assertThat(inc.json().at("/feature_views/0/start").asText()).isEqualTo("2021-01-02T00:00:00Z");
        assertThat(inc.json().at("/feature_views/0/rows_sent").asLong()).isEqualTo(0);

        Http.Reply noTs = http.post("/materialize", "{\n    \"feature_views\": [\"driver_hourly_stats\"],\n    \"disable_event_timestamp\": true\n}");
        expect(noTs, 422, "not supported", "disable_event_timestamp", "start_ts and end_ts");
    }

    @Test
    void materializeBadInputs() {
        expect(http.post("/materialize", "{\"start_ts\": \"2021-01-01\", \"end_ts\": \"2021-01-02\", \"feature_views\": [\"driver_hourly\"]}"),
                404, "unknown feature view", "feature_views[0]", "'driver_hourly'", "driver_hourly_stats");
        expect(http.post("/materialize", "{\"end_ts\": \"2021-01-02\"}"), 400, "missing field", "'start_ts' is required");
        expect(http.post("/materialize", "{\"start_ts\": \"Jan 1\", \"end_ts\": \"2021-01-02\"}"), 400, "invalid timestamp", "start_ts 'Jan 1'");
        expect(http.post("/materialize", "{\"start_ts\": \"2021-01-02\", \"end_ts\": \"2021-01-01\"}"), 400, "invalid interval", "before");
        expect(http.post("/materialize-incremental", "{\"end_ts\": \"2021-01-02\", \"start_ts\": \"2021-01-01\"}"),
                400, "unknown field", "'start_ts'", "[end_ts, feature_views]");
    }

    static final int ROWS = 100_000;

    @Test
    void oneMaterializationAtATime() throws Exception {
        Path big = dir.resolve("data/big.csv");
        try (BufferedWriter w = Files.newBufferedWriter(big)) {
            w.write("driver_id,event_timestamp,conv_rate\n");
            for (int d = 0; d < ROWS; d++) w.write((100_000 + d) + ",2022-06-01 00:00:00," + (d % 97) / 97.0 + "\n");
        }
        // driver_extra reads data/driver_extra.csv
        Files.move(big, dir.resolve("data/driver_extra.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // Two runs sent together, each taking seconds: one runs, the other is refused while it does.
        String body = "{\"start_ts\": \"2022-01-01\", \"end_ts\": \"2022-12-31\", \"feature_views\": [\"driver_extra\"]}";
        CompletableFuture<Http.Reply> a = CompletableFuture.supplyAsync(() -> http.post("/materialize", body));
        CompletableFuture<Http.Reply> b = CompletableFuture.supplyAsync(() -> http.post("/materialize", body));
        java.util.List<Http.Reply> replies = java.util.List.of(a.get(), b.get());
        assertThat(replies).extracting(Http.Reply::status).as(replies.toString()).containsExactlyInAnyOrder(200, 409);
        Http.Reply done = replies.stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
        Http.Reply refused = replies.stream().filter(r -> r.status() == 409).findFirst().orElseThrow();
        assertThat(refused.error()).isEqualTo("materialization running");
        assertThat(refused.detail()).contains("materialize [2022-01-01T00:00:00Z, 2022-12-31T00:00:00Z]", "one runs at a time");
        assertThat(done.json().at("/feature_views/0/rows_sent").asLong()).isEqualTo(ROWS);
        // and the next one runs
        assertThat(http.post("/materialize-incremental", "{\"end_ts\": \"2022-12-31\", \"feature_views\": [\"driver_extra\"]}").status()).isEqualTo(200);
    }

    static void expect(Http.Reply r, int status, String error, String... detailParts) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.error()).as(r.body()).isEqualTo(error);
        assertThat(r.detail()).as(r.body()).contains(detailParts);
    }
}
