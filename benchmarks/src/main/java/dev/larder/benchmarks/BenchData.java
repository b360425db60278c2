package dev.larder.benchmarks;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data every benchmark uses: views keyed by {@code driver_id} (INT64) whose features cycle
 * through INT64, DOUBLE, FLOAT and a short STRING (about 20 bytes a feature once encoded, so 10
 * features make an item of ~0.4 KB and 50 of ~2 KB), and deterministic rows for them.
 */
public final class BenchData {
    public static final String JOIN_KEY = "driver_id";
    public static final Instant EVENT_TIME = Instant.parse("2026-01-01T00:00:00Z");
    private static final ValueType[] TYPES = {ValueType.INT64, ValueType.DOUBLE, ValueType.FLOAT, ValueType.STRING};

    private BenchData() {
    }

    /** A view named {@code name} with {@code features} features {@code f000, f001, ...}, no ttl. */
    public static FeatureView view(String name, int features) {
        List<Field> fields = new ArrayList<>(features);
        for (int i = 0; i < features; i++) {
            fields.add(new Field(String.format("f%03d", i), TYPES[i % TYPES.length]));
        }
        return FeatureView.of(name, new Field(JOIN_KEY, ValueType.INT64), fields, Duration.ZERO);
    }

    /** Keys {@code driver_id = 1000 .. 1000 + n - 1}. */
    /** Creates the view's table in {@code store} and writes its first {@code keys} keys at {@link #EVENT_TIME}; returns those keys. */
    public static List<EntityKey> load(dev.larder.spi.OnlineStore store, FeatureView view, int keys) {
        store.update(new dev.larder.spi.InfraChange(List.of(view), List.of()));
        List<EntityKey> all = keys(keys);
        store.write(view, rows(view, all, EVENT_TIME), dev.larder.spi.ProgressListener.NONE);
        return all;
    }

    public static List<EntityKey> keys(int n) {
        List<EntityKey> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(EntityKey.of(JOIN_KEY, Value.ofInt64(1000L + i)));
        }
        return keys;
    }

    /** Entity rows as the facade takes them, for the same keys as {@link #keys}. */
    public static List<Map<String, Object>> entityRows(int n) {
        List<Map<String, Object>> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(Map.of(JOIN_KEY, 1000L + i));
        }
        return rows;
    }

    /** One row per key with every feature of the view set. */
    public static List<FeatureRow> rows(FeatureView view, List<EntityKey> keys, Instant eventTime) {
        List<FeatureRow> rows = new ArrayList<>(keys.size());
        for (int k = 0; k < keys.size(); k++) {
            Map<String, Value> values = new LinkedHashMap<>();
            for (int f = 0; f < view.features().size(); f++) {
                Field field = view.features().get(f);
                values.put(field.name(), value(field.type(), k, f));
            }
            rows.add(new FeatureRow(keys.get(k), values, eventTime, eventTime));
        }
        return rows;
    }

    private static Value value(ValueType type, int k, int f) {
        switch (type) {
            case INT64: return Value.ofInt64(1_000_000L * k + f);
            case DOUBLE: return Value.ofDouble(k + f / 1000.0);
            case FLOAT: return Value.ofFloat(k * 0.5f + f);
            case STRING: return Value.ofString("driver-" + k + "-feature-" + f);
            default: throw new IllegalArgumentException(type.toString());
        }
    }

    /**
     * Fails unless every key came back present with every requested feature: a benchmark must
     * never time empty reads.
     */
    public static void checkComplete(String what, List<OnlineRow> rows, int keys, List<String> features) {
        if (rows.size() != keys) {
            throw new IllegalStateException(what + ": expected " + keys + " results, got " + rows.size());
        }
        for (int i = 0; i < rows.size(); i++) {
            OnlineRow r = rows.get(i);
            if (!r.isPresent() || !r.values().keySet().containsAll(features)) {
                throw new IllegalStateException(what + ": key " + i + " came back incomplete: " + r);
            }
        }
    }
}
