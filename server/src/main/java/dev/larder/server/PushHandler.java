package dev.larder.server;

import com.linecorp.armeria.common.HttpStatus;
import dev.larder.definitions.FeatureViewDefinition;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code POST /push}: Feast's {@code {"push_source_name": ..., "df": {...}, "to": "online"}} writes the rows
 * to every served feature view whose source is that push source. Larder has no offline store, so
 * {@code "to": "offline"} and {@code "online_and_offline"} are answered 422, with nothing written.
 */
final class PushHandler implements JsonEndpoint {
    static final String PATH = "/push";
    private static final Set<String> FIELDS = Set.of("push_source_name", "df", "to", "allow_registry_cache", "transform_on_write");
    private static final List<String> MODES = List.of("online", "offline", "online_and_offline");

    private final Map<String, FeatureViewDefinition> definitions;
    private final OnlineWrites writes;
    private final int maxRows;

    PushHandler(Map<String, FeatureViewDefinition> definitions, OnlineWrites writes, int maxRows) {
        this.definitions = definitions;
        this.writes = writes;
        this.maxRows = maxRows;
    }

    @Override
    public JsonReply handle(byte[] body) {
        JsonBody req = JsonBody.parse("POST " + PATH, body, FIELDS);
        String name = req.requiredString("push_source_name", "driver_stats_push_source");
        String to = req.string("to", "online");
        if (!MODES.contains(to)) {
            throw ApiException.badRequest("invalid push mode", "'to' is '" + to + "'; use one of " + MODES);
        }
        if (!to.equals("online")) {
            throw ApiException.unprocessable("no offline store", "'to' is '" + to + "', but Larder has no offline store: it pushes"
                    + " to the online store only; send \"to\": \"online\" (nothing was written)");
        }
        List<FeatureViewDefinition> targets = definitions.values().stream()
                .filter(d -> d.pushSourceName().filter(name::equals).isPresent()).toList();
        if (targets.isEmpty()) {
            Set<String> known = new TreeSet<>();
            definitions.values().forEach(d -> d.pushSourceName().ifPresent(known::add));
            throw ApiException.notFound("unknown push source", "push_source_name: no served feature view has push source '" + name
                    + "' as its source. Push sources: " + known);
        }
        DataFrames.Frame frame = DataFrames.frame(req.required("df", "{\"driver_id\": [1001], \"event_timestamp\": [\"2024-01-01 00:00:00\"]}"),
                "df", maxRows);
        return JsonReply.json(HttpStatus.OK, writes.write(frame, targets, "df"));
    }
}
