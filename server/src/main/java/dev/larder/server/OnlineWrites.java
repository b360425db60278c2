package dev.larder.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.FeatureStore;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.json.FeastJson;
import dev.larder.spi.FeatureRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a pushed frame to feature views: every view's rows are converted and checked before the
 * first is written, so a bad cell writes nothing; a store failure midway says which views were written.
 */
final class OnlineWrites {
    private final FeatureStore store;
    private final String storeType;

    OnlineWrites(FeatureStore store, String storeType) {
        this.store = store;
        this.storeType = storeType;
    }

    /** Writes and answers {@code {"written": {"view": rows, ...}, "ignored_columns": [...]}}. */
    byte[] write(DataFrames.Frame frame, List<FeatureViewDefinition> defs, String field) {
        Map<String, List<FeatureRow>> byView = new LinkedHashMap<>();
        for (FeatureViewDefinition d : defs) byView.put(d.name(), DataFrames.rows(frame, d, field));
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, List<FeatureRow>> e : byView.entrySet()) {
            try {
                store.write(e.getKey(), e.getValue());
            } catch (RuntimeException ex) {
                ApiException failure = Failures.classify(ex, storeType, "write " + e.getValue().size() + " rows of feature view '" + e.getKey() + "'");
                if (written.isEmpty()) throw failure;
                throw new ApiException(failure.status(), failure.error(), failure.detail() + " (already written: " + written + ")");
            }
            written.add(e.getKey());
        }
        ObjectNode reply = FeastJson.JSON.createObjectNode();
        ObjectNode counts = reply.putObject("written");
        byView.forEach((v, rows) -> counts.put(v, rows.size()));
        ArrayNode ignored = reply.putArray("ignored_columns");
        DataFrames.ignoredColumns(frame, defs).forEach(ignored::add);
        return reply.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
