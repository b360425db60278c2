package dev.larder.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every client mistake gets a 4xx with {@code {"error", "detail"}} naming the field and the value,
 * never a 500 or a stack trace, and the server keeps answering afterwards.
 */
class BadRequestsTest {
    @TempDir
    static Path dir;
    static FeatureServer server;
    static Http http;

    @BeforeAll
    static void start() {
        TestRepo repo = TestRepo.sqlite(dir).fill();
        server = repo.serve(ServerOptions.defaults().withLimits(4096, 5, Duration.ofSeconds(60)));
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Http.Reply get(String body) {
        Http.Reply r = http.post("/get-online-features", body);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.json().fieldNames()).toIterable().containsExactly("error", "detail");
        return r;
    }

    static void expect(Http.Reply r, int status, String error, String... detailParts) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.error()).as(r.body()).isEqualTo(error);
        assertThat(r.detail()).as(r.body()).contains(detailParts);
    }

    @Test
    void malformedJson() {
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\""), 400, "malformed JSON", "not valid JSON", "line 1");
        expect(get("[1, 2]"), 400, "malformed JSON", "must be a JSON object", "a list");
        expect(get(""), 400, "empty body", "empty");
    }

    @Test
    void unknownFieldIsNamedWithTheValidOnes() {
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"driver_id\": [1]}, \"full_feature_name\": true}"),
                400, "unknown field", "'full_feature_name'", "[entities, feature_service, features, full_feature_names]");
    }

    @Test
    void fieldsOfTheWrongType() {
        expect(get("{\"features\": \"driver_hourly_stats:conv_rate\", \"entities\": {\"driver_id\": [1]}}"),
                400, "wrong type", "'features' must be a list of strings", "\"driver_hourly_stats:conv_rate\"");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\", 7], \"entities\": {\"driver_id\": [1]}}"),
                400, "wrong type", "'features[1]' must be a string", "got 7");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": [1001]}"),
                400, "wrong type", "'entities' must be an object", "[1001]");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"driver_id\": 1001}}"),
                400, "wrong type", "'entities.driver_id' must be a list", "got 1001");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"driver_id\": [1]}, \"full_feature_names\": \"yes\"}"),
                400, "wrong type", "'full_feature_names' must be true or false", "\"yes\"");
    }

    @Test
    void missingFields() {
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"]}"), 400, "missing field", "'entities' is required");
        expect(get("{\"entities\": {\"driver_id\": [1]}}"), 400, "invalid request", "Give 'features'", "or 'feature_service'");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"feature_service\": \"svc\", \"entities\": {\"driver_id\": [1]}}"),
                400, "invalid request", "not both", "'svc'");
    }

    @Test
    void unknownViewFeatureOrServiceIsNamed() {
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\", \"driver_hourly:conv_rate\"], \"entities\": {\"driver_id\": [1]}}"),
                404, "unknown feature view", "features[1]", "'driver_hourly'", "Available: [customer_profile, driver_extra, driver_fresh, driver_hourly_stats, totals]");
        expect(get("{\"features\": [\"driver_hourly_stats:conv\"], \"entities\": {\"driver_id\": [1]}}"),
                404, "unknown feature", "features[0]", "has no feature 'conv'", "[conv_rate, acc_rate, avg_daily_trips]");
        expect(get("{\"features\": [\"conv_rate\"], \"entities\": {\"driver_id\": [1]}}"),
                400, "invalid feature reference", "features[0]", "'conv_rate'", "view:feature");
        expect(get("{\"feature_service\": \"driver_activities\", \"entities\": {\"driver_id\": [1]}}"),
                404, "unknown feature service", "feature_service", "'driver_activities'", "Available: [driver_activity, rider_activity]");
    }

    @Test
    void joinKeyProblemsNameTheKeyAndValue() {
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"customer_id\": [\"C-1\"]}}"),
                400, "unknown entity column", "entities.customer_id", "[driver_id]");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\", \"customer_profile:age\"], \"entities\": {\"customer_id\": [\"C-1\"]}}"),
                400, "missing join key", "'driver_id'", "'driver_hourly_stats'", "[customer_id]");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"driver_id\": [1001, \"1002\"]}}"),
                400, "invalid join key value", "entities.driver_id[1]", "\"1002\"", "INT64");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"driver_id\": [1001, 1.5]}}"),
                400, "invalid join key value", "entities.driver_id[1]", "1.5", "INT64");
        expect(get("{\"features\": [\"customer_profile:age\"], \"entities\": {\"customer_id\": [\"C-1\", 7]}}"),
                400, "invalid join key value", "entities.customer_id[1]", "7", "STRING");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"driver_id\": [1001, null]}}"),
                400, "invalid join key value", "entities.driver_id[1]", "null");
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"driver_id\": []}}"),
                400, "no entity rows", "entities");
    }

    @Test
    void entityColumnsOfUnequalLength() {
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\", \"customer_profile:age\"],"
                        + " \"entities\": {\"driver_id\": [1001, 1002], \"customer_id\": [\"C-1\"]}}"),
                400, "entity columns of unequal length", "'driver_id' has 2 values", "'customer_id' has 1");
    }

    @Test
    void tooManyEntityRowsIs413() {
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"driver_id\": [1, 2, 3, 4, 5, 6]}}"),
                413, "too many entity rows", "6 entity rows", "at most 5", "--max-entity-rows");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"features\": [\"driver_hourly_stats:conv_rate\"], \"entities\": {\"driver_id\": [1]}, \"pad\": \"" + "x".repeat(5000) + "\"}";
        Http.Reply r = http.post("/get-online-features", big);
        expect(r, 413, "request body too large", "4096 bytes", "--max-request-bytes");
    }

    @Test
    void nameClashWithoutFullFeatureNames() {
        expect(get("{\"features\": [\"driver_hourly_stats:conv_rate\", \"driver_extra:conv_rate\"], \"entities\": {\"driver_id\": [1]}}"),
                400, "invalid request", "'conv_rate'", "'driver_hourly_stats' and 'driver_extra'", "full feature names");
    }

    @Test
    void unknownPathAndWrongMethod() {
        Http.Reply notFound = http.post("/get-online-feature", "{}");
        expect(notFound, 404, "not found", "/get-online-feature", "/get-online-features");
        Http.Reply wrongMethod = http.get("/get-online-features");
        expect(wrongMethod, 405, "method not allowed", "GET /get-online-features");
    }

    @Test
    void serverKeepsAnsweringAfterBadRequests() {
        for (int i = 0; i < 20; i++) get("{\"features\": 1}");
        Http.Reply ok = http.post("/get-online-features", "{\"features\": [\"driver_hourly_stats:avg_daily_trips\"], \"entities\": {\"driver_id\": [1001]}}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(server.url() + "/health")).GET().build()).status()).isEqualTo(200);
    }
}
