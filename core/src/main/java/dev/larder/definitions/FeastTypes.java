package dev.larder.definitions;

import dev.larder.spi.ValueType;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Feast's type names as written in {@code features.yaml}: the Python SDK's types ({@code Float32},
 * {@code Array(Int64)}, …) and the {@code ValueType} enum names ({@code DOUBLE}, {@code INT64_LIST}, …).
 */
public final class FeastTypes {
    private static final Map<String, ValueType> SCALARS = new LinkedHashMap<>();
    private static final Pattern ARRAY = Pattern.compile("(?i)array\\s*\\(\\s*(\\w+)\\s*\\)");

    static {
        SCALARS.put("Float32", ValueType.FLOAT);
        SCALARS.put("Float64", ValueType.DOUBLE);
        SCALARS.put("Int32", ValueType.INT32);
        SCALARS.put("Int64", ValueType.INT64);
        SCALARS.put("String", ValueType.STRING);
        SCALARS.put("Bytes", ValueType.BYTES);
        SCALARS.put("Bool", ValueType.BOOL);
        SCALARS.put("UnixTimestamp", ValueType.UNIX_TIMESTAMP);
    }

    /** What the error messages list as accepted. */
    public static final String ACCEPTED = "Float32, Float64, Int32, Int64, String, Bytes, Bool, UnixTimestamp, Array(<one of those>),"
            + " or a Feast ValueType name such as DOUBLE or INT64_LIST";

    private FeastTypes() {
    }

    /** Parses a feature dtype; empty when the name is not a type Larder stores. */
    public static Optional<ValueType> parseDtype(String text) {
        if (text == null) return Optional.empty();
        String s = text.trim();
        Matcher m = ARRAY.matcher(s);
        if (m.matches()) {
            return scalar(m.group(1)).map(ValueType::listType);
        }
        Optional<ValueType> scalar = scalar(s);
        if (scalar.isPresent()) return scalar;
        return valueTypeName(s);
    }

    /** Parses an entity's value_type: a Feast ValueType name (or a scalar Feast type name). */
    public static Optional<ValueType> parseValueType(String text) {
        if (text == null) return Optional.empty();
        Optional<ValueType> t = valueTypeName(text.trim());
        return t.isPresent() ? t : scalar(text.trim());
    }

    private static Optional<ValueType> scalar(String s) {
        for (Map.Entry<String, ValueType> e : SCALARS.entrySet()) {
            if (e.getKey().equalsIgnoreCase(s)) return Optional.of(e.getValue());
        }
        return Optional.empty();
    }

    private static Optional<ValueType> valueTypeName(String s) {
        try {
            ValueType t = ValueType.valueOf(s.toUpperCase(Locale.ROOT));
            // UNKNOWN and NULL are not types a feature can be declared with.
            return t == ValueType.UNKNOWN || t == ValueType.NULL ? Optional.empty() : Optional.of(t);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The Feast SDK name of a type, e.g. {@code Float32}, {@code Array(Int64)}. */
    public static String dtypeName(ValueType type) {
        ValueType element = type.elementType();
        for (Map.Entry<String, ValueType> e : SCALARS.entrySet()) {
            if (e.getValue() == element) {
                return type.isList() ? "Array(" + e.getKey() + ")" : e.getKey();
            }
        }
        return type.name();
    }
}
