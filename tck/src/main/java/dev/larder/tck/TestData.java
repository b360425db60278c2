package dev.larder.tck;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Views, keys and rows the kit writes. Event times are whole milliseconds, the coarsest precision a backend keeps. */
public final class TestData {
    private TestData() {
    }

    public static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

    /** One feature of every supported value type, with awkward values (min/max, empty, unicode, NaN-free). */
    public static final Map<String, Value> EVERY_TYPE = everyType();

    private static Map<String, Value> everyType() {
        Map<String, Value> m = new LinkedHashMap<>();
        m.put("f_bytes", Value.ofBytes(new byte[] {0, 1, (byte) 0xff, 'a'}));
        m.put("f_string", Value.ofString("Zürich ✓ 東京"));
        m.put("f_int32", Value.ofInt32(Integer.MIN_VALUE));
        m.put("f_int64", Value.ofInt64(Long.MAX_VALUE));
        m.put("f_double", Value.ofDouble(-1e300));
        m.put("f_float", Value.ofFloat(1.5f));
        m.put("f_bool", Value.ofBool(false));
        m.put("f_unix_ts", Value.ofUnixTimestamp(1_700_000_000L));
        m.put("f_bytes_list", Value.ofBytesList(List.of(new byte[] {1}, new byte[0])));
        m.put("f_string_list", Value.ofStringList(List.of("x", "", "ÿ")));
        m.put("f_int32_list", Value.ofInt32List(1, -1, 300));
        m.put("f_int64_list", Value.ofInt64List());
        m.put("f_double_list", Value.ofDoubleList(1.0, -2.5, Double.POSITIVE_INFINITY));
        m.put("f_float_list", Value.ofFloatList(0.5f, 2f));
        m.put("f_bool_list", Value.ofBoolList(true, false, true));
        m.put("f_unix_ts_list", Value.ofUnixTimestampList(1, 1_700_000_000L));
        m.put("f_null", Value.NULL);
        return Map.copyOf(m);
    }

    public static FeatureView everyTypeView(String name) {
        List<Field> features = EVERY_TYPE.entrySet().stream()
                .map(e -> new Field(e.getKey(), e.getValue().type() == ValueType.NULL ? ValueType.STRING : e.getValue().type()))
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .toList();
        return FeatureView.of(name, new Field("driver_id", ValueType.INT64), features, Duration.ZERO);
    }

    /** A view keyed by {@code driver_id} (INT64) with features {@code conv_rate} (FLOAT), {@code trips} (INT64), {@code note} (STRING). */
    public static FeatureView driverView(String name) {
        return driverView(name, Duration.ZERO);
    }

    public static FeatureView driverView(String name, Duration ttl) {
        return FeatureView.of(name, new Field("driver_id", ValueType.INT64), List.of(
                new Field("conv_rate", ValueType.FLOAT), new Field("trips", ValueType.INT64), new Field("note", ValueType.STRING)), ttl);
    }

    public static EntityKey driver(long id) {
        return EntityKey.of("driver_id", Value.ofInt64(id));
    }

    /** A driver row whose values are derived from the id and a version, so any mix-up shows. */
    public static FeatureRow driverRow(long id, int version, Instant eventTime) {
        Map<String, Value> values = new LinkedHashMap<>();
        values.put("conv_rate", Value.ofFloat(id + version / 1000f));
        values.put("trips", Value.ofInt64(id * 1000 + version));
        values.put("note", Value.ofString("driver " + id + " v" + version));
        return new FeatureRow(driver(id), values, eventTime.truncatedTo(ChronoUnit.MILLIS), eventTime.truncatedTo(ChronoUnit.MILLIS));
    }
}
