package dev.larder.spi;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row to write: an entity key, feature values by name, the event time (which orders rows:
 * the newest event wins), and the optional created time (Feast's tie-breaker, stored where the
 * layout has a column for it).
 */
public record FeatureRow(EntityKey entityKey, Map<String, Value> values, Instant eventTime, Instant createdTime) {
    public FeatureRow {
        Objects.requireNonNull(entityKey, "entityKey");
        Objects.requireNonNull(eventTime, "eventTime");
        for (Map.Entry<String, Value> e : values.entrySet()) {
            Objects.requireNonNull(e.getValue(), () -> "value of feature " + e.getKey());
        }
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public FeatureRow(EntityKey entityKey, Map<String, Value> values, Instant eventTime) {
        this(entityKey, values, eventTime, null);
    }
}
