package dev.larder.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larder.FeatureStore;
import dev.larder.json.FeastJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /get-online-features and GET /health against a SQLite repository, through a real HTTP client. */
class GetOnlineFeaturesTest {
    @TempDir
    static Path dir;
    static TestRepo repo;
    static FeatureServer server;
    static Http http;

    @BeforeAll
    static void start() {
        repo = TestRepo.sqlite(dir).fill();
        server = repo.serve();
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Feast's documented request (docs/reference/feature-servers/python-feature-server.md), byte for byte. */
    static final String FEAST_DOC_REQUEST = """
            {
                "features": [
                  "driver_hourly_stats:conv_rate",
                  "driver_hourly_stats:acc_rate",
                  "driver_hourly_stats:avg_daily_trips"
                ],
                "entities": {
                  "driver_id": [1001, 1002, 1003]
                }
              }""";

    @Test
    void feastsDocumentedRequestGetsFeastsColumnMajorResponse() {
        Http.Reply r = http.post("/get-online-features", FEAST_DOC_REQUEST);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.at("/metadata/feature_names").toString()).isEqualTo("[\"driver_id\",\"conv_rate\",\"acc_rate\",\"avg_daily_trips\"]");
        JsonNode results = json.get("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("values").toString()).isEqualTo("[1001,1002,1003]");
        assertThat(results.get(0).get("statuses").toString()).isEqualTo("[\"PRESENT\",\"PRESENT\",\"PRESENT\"]");
        assertThat(results.get(0).get("event_timestamps").toString())
                .isEqualTo("[\"1970-01-01T00:00:00Z\",\"1970-01-01T00:00:00Z\",\"1970-01-01T00:00:00Z\"]");
        assertThat(results.get(1).get("values").get(0).floatValue()).isEqualTo(0.1001f);
        assertThat(results.get(3).get("values").toString()).isEqualTo("[1,2,3]");
        assertThat(results.get(3).get("event_timestamps").get(1).asText()).isEqualTo(TestRepo.NOW.minusSeconds(2).toString());
        assertThat(json.fieldNames()).toIterable().containsExactly("metadata", "results");
        assertThat(r.json().get("results").get(1).fieldNames()).toIterable().containsExactly("values", "statuses", "event_timestamps");
    }

    @Test
    void encodingIsLarderGetOutputJson() {
        List<String> refs = List.of("customer_profile:name", "customer_profile:age", "customer_profile:balance", "customer_profile:vip",
                "customer_profile:avatar", "customer_profile:signup", "customer_profile:tags", "customer_profile:scores",
                "customer_profile:visits", "driver_fresh:fresh_rate");
        Http.Reply r = http.post("/get-online-features", "{\"features\": " + asJson(refs)
                + ", \"entities\": {\"customer_id\": [\"C-1\", \"C-2\", \"C-3\"], \"driver_id\": [1001, 1002, 9999]}, \"full_feature_names\": true}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String expected;
        try (FeatureStore fs = repo.openStore()) {
            expected = FeastJson.render(fs.getOnlineFeatures(refs, List.of(
                    Map.of("customer_id", "C-1", "driver_id", 1001L), Map.of("customer_id", "C-2", "driver_id", 1002L),
                    Map.of("customer_id", "C-3", "driver_id", 9999L)), true));
        }
        assertThat(r.body()).isEqualTo(expected);
        JsonNode results = r.json().get("results");
        assertThat(r.json().at("/metadata/feature_names").get(2).asText()).isEqualTo("customer_profile__name");
        // C-1: every type in the shared encoding
        assertThat(column(results, 2).get(0).asText()).isEqualTo("Ada");
        assertThat(column(results, 3).get(0).asInt()).isEqualTo(36);
        assertThat(column(results, 4).get(0).asDouble()).isEqualTo(1234.5);
        assertThat(column(results, 5).get(0).asBoolean()).isTrue();
        assertThat(column(results, 6).get(0).asText()).isEqualTo("AQID/w==");
        assertThat(column(results, 7).get(0).asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(column(results, 8).get(0).toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(column(results, 9).get(0).toString()).isEqualTo("[0.5,1.25]");
        assertThat(column(results, 10).get(0).toString()).isEqualTo("[1,2,3]");
        // statuses: C-2 holds nulls, C-3 does not exist; driver 1002's fresh_rate is older than the 1h ttl
        assertThat(results.get(2).get("statuses").toString()).isEqualTo("[\"PRESENT\",\"NULL_VALUE\",\"NOT_FOUND\"]");
        assertThat(column(results, 2).get(1).isNull()).isTrue();
        assertThat(results.get(11).get("statuses").toString()).isEqualTo("[\"PRESENT\",\"OUTSIDE_MAX_AGE\",\"NOT_FOUND\"]");
        assertThat(column(results, 11).toString()).isEqualTo("[0.25,null,null]");
        assertThat(results.get(11).get("event_timestamps").get(1).asText()).isEqualTo(TestRepo.OLD.toString());
    }

    /** Feast's documented feature-service request, with this repository's service name in the placeholder. */
    @Test
    void featureServiceRequest() {
        Http.Reply r = http.post("/get-online-features", """
                {
                    "feature_service": "driver_activity",
                    "entities": {
                      "driver_id": [1001, 1002, 1003]
                    }
                  }""");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/metadata/feature_names").toString())
                .isEqualTo("[\"driver_id\",\"conv_rate\",\"acc_rate\",\"avg_daily_trips\",\"fresh_rate\"]");
        assertThat(r.json().at("/results/3/values").toString()).isEqualTo("[1,2,3]");
        assertThat(r.json().at("/results/4/statuses").toString()).isEqualTo("[\"PRESENT\",\"OUTSIDE_MAX_AGE\",\"NOT_FOUND\"]");
    }

    @Test
    void featureServiceWithAliasAndJoinKeyMap() {
        Http.Reply r = http.post("/get-online-features",
                "{\"feature_service\": \"rider_activity\", \"entities\": {\"rider_id\": [1002, 1001]}, \"full_feature_names\": true}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/metadata/feature_names").toString()).isEqualTo("[\"rider_id\",\"rider_stats__avg_daily_trips\"]");
        assertThat(r.json().at("/results/1/values").toString()).isEqualTo("[2,1]");
        Http.Reply wrongColumn = http.post("/get-online-features",
                "{\"feature_service\": \"rider_activity\", \"entities\": {\"driver_id\": [1002]}}");
        assertThat(wrongColumn.status()).isEqualTo(400);
        assertThat(wrongColumn.detail()).contains("entities.driver_id", "[rider_id]");
    }

    @Test
    void entitylessViewNeedsNoEntities() {
        Http.Reply r = http.post("/get-online-features", "{\"features\": [\"totals:drivers_online\"], \"entities\": {}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/metadata/feature_names").toString()).isEqualTo("[\"drivers_online\"]");
        assertThat(r.json().at("/results/0/values").toString()).isEqualTo("[42]");
    }

    @Test
    void duplicateAndMissingEntityRowsKeepRequestOrder() {
        Http.Reply r = http.post("/get-online-features",
                "{\"features\": [\"driver_hourly_stats:avg_daily_trips\"], \"entities\": {\"driver_id\": [1003, 9999, 1001, 1003]}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/results/1/values").toString()).isEqualTo("[3,null,1,3]");
        assertThat(r.json().at("/results/1/statuses").toString()).isEqualTo("[\"PRESENT\",\"NOT_FOUND\",\"PRESENT\",\"PRESENT\"]");
    }

    @Test
    void healthAnswers200WhileTheStoreReads() {
        Http.Reply r = http.get("/health");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("SERVING");
        assertThat(r.json().get("store").asText()).isEqualTo("sqlite");
    }

    @Test
    void startupLineNamesAddressAndBackend() {
        assertThat(server.startupLine()).contains(server.url()).contains("sqlite online store").contains("project 'server_test'")
                .doesNotContain("\n");
        assertThat(server.url()).startsWith("http://127.0.0.1:");
    }

    static JsonNode column(JsonNode results, int i) {
        return results.get(i).get("values");
    }

    static String asJson(List<String> strings) {
        return FeastJson.JSON.valueToTree(strings).toString();
    }
}
