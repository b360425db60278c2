package dev.larder.server;

import com.linecorp.armeria.common.HttpStatus;
import dev.larder.definitions.FeatureViewDefinition;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code POST /write-to-online-store}: Feast's {@code {"feature_view_name": ..., "df": {...}}} written to that view. */
final class WriteToOnlineStoreHandler implements JsonEndpoint {
    static final String PATH = "/write-to-online-store";
    private static final Set<String> FIELDS = Set.of("feature_view_name", "df", "allow_registry_cache", "transform_on_write");

    private final Map<String, FeatureViewDefinition> definitions;
    private final OnlineWrites writes;
    private final int maxRows;

    WriteToOnlineStoreHandler(Map<String, FeatureViewDefinition> definitions, OnlineWrites writes, int maxRows) {
        this.definitions = definitions;
        this.writes = writes;
        this.maxRows = maxRows;
    }

    @Override
    public JsonReply handle(byte[] body) {
        JsonBody req = JsonBody.parse("POST " + PATH, body, FIELDS);
        String name = req.requiredString("feature_view_name", "driver_hourly_stats");
        FeatureViewDefinition def = definitions.get(name);
        if (def == null) {
            throw ApiException.notFound("unknown feature view", "feature_view_name: no feature view named '" + name + "'. Available: "
                    + new TreeSet<>(definitions.keySet()));
        }
        DataFrames.Frame frame = DataFrames.frame(req.required("df", "{\"driver_id\": [1001], \"event_timestamp\": [\"2024-01-01 00:00:00\"]}"),
                "df", maxRows);
        return JsonReply.json(HttpStatus.OK, writes.write(frame, List.of(def), "df"));
    }
}
