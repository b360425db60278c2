package dev.larder.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.larder.FeatureStore;
import dev.larder.OnlineResponse;
import dev.larder.json.FeastJson;
import dev.larder.json.JsonValues;
import dev.larder.LarderException;
import dev.larder.spi.Field;
import dev.larder.spi.Value;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code POST /get-online-features}, Feast's request and response:
 * {@code {"features": ["view:feature", ...] | "feature_service": "name", "entities": {"driver_id": [1001, 1002]},
 * "full_feature_names": false}} answered column-major in {@link FeastJson}'s encoding.
 */
final class OnlineFeaturesHandler implements JsonEndpoint.NonBlocking {
    static final String PATH = "/get-online-features";
    private static final Set<String> FIELDS = Set.of("features", "feature_service", "entities", "full_feature_names");

    private final FeatureStore store;
    private final OnlineRequests requests;

    OnlineFeaturesHandler(FeatureStore store, OnlineRequests requests) {
        this.store = store;
        this.requests = requests;
    }

    /** Parses and starts the read on the event loop; the JSON answer is written on {@code replyExecutor}. */
    @Override
    public CompletableFuture<JsonEndpoint.JsonReply> handle(byte[] body, Executor replyExecutor) {
        JsonBody req = JsonBody.parse("POST " + PATH, body, FIELDS);
        OnlineRequests.Features features = requests.features(req.strings("features"), req.string("feature_service", null),
                "features", "feature_service");
        ObjectNode entities = req.requiredObject("entities", "{\"driver_id\": [1001, 1002]}");
        Map<String, Integer> lengths = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entities.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray()) {
                throw JsonBody.wrongType("entities." + e.getKey(), e.getValue(), "a list of values, one per entity row");
            }
            lengths.put(e.getKey(), e.getValue().size());
        }
        int rows = requests.rowCount(features, lengths, "entities");
        Map<String, List<Value>> columns = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> c : lengths.entrySet()) {
            Field joinKey = features.columns().get(c.getKey());
            JsonNode values = entities.get(c.getKey());
            List<Value> converted = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                String where = "entities." + c.getKey() + "[" + r + "]";
                JsonNode v = values.get(r);
                if (v == null || v.isNull()) {
                    throw ApiException.badRequest("invalid join key value", where + ": null is not a valid " + joinKey.type()
                            + "; every entity row needs a value for join key '" + joinKey.name() + "'");
                }
                try {
                    converted.add(JsonValues.read(v, joinKey.type(), where));
                } catch (LarderException e) {
                    throw ApiException.badRequest("invalid join key value", e.getMessage());
                }
            }
            columns.put(c.getKey(), converted);
        }
        OnlineRequests.Call call = requests.call(features, columns, rows, req.bool("full_feature_names", false));
        return call.runAsync(store).thenApplyAsync(
                response -> new JsonEndpoint.JsonReply(HttpStatus.OK, MediaType.JSON_UTF_8, FeastJson.toBytes(response)), replyExecutor);
    }
}
