package dev.larder.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larder.Dates;
import dev.larder.LarderException;
import dev.larder.WellFormedStrings;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads typed values from JSON, in the encoding {@link FeastJson} writes (so a response's values
 * can be written back): numbers, booleans and strings as themselves (a FLOAT or DOUBLE also as
 * {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}, or as the bare tokens Python's
 * {@code json.dumps} writes; a string with a lone UTF-16 surrogate is refused), BYTES as base64 text,
 * UNIX_TIMESTAMP as a timestamp text or whole epoch seconds, lists as arrays, {@code null} as
 * Feast's null value.
 */
public final class JsonValues {
    private static final String NUMBER = "a JSON number, or \"NaN\", \"Infinity\" or \"-Infinity\"";

    private JsonValues() {
    }

    /**
     * @param where what the value is, for the message (e.g. {@code df.conv_rate[3]})
     * @throws LarderException naming {@code where}, the type and the value
     */
    public static Value read(JsonNode node, ValueType type, String where) {
        if (node == null || node.isNull()) return Value.NULL;
        if (type.isList()) {
            if (!node.isArray()) throw wrong(where, type, node, "a JSON array");
            return readList(node, type, where);
        }
        switch (type) {
            case STRING:
                if (node.isTextual()) {
                    String text = WellFormedStrings.problem(node.textValue());
                    if (text != null) throw new LarderException(where + ": " + text);
                    return Value.ofString(node.textValue());
                }
                throw wrong(where, type, node, "a JSON string");
            case BYTES:
                if (node.isTextual()) {
                    try {
                        return Value.ofBytes(Base64.getDecoder().decode(node.textValue()));
                    } catch (IllegalArgumentException e) {
                        throw wrong(where, type, node, "base64 text");
                    }
                }
                throw wrong(where, type, node, "base64 text");
            case INT32:
                if (node.isIntegralNumber() && node.canConvertToInt()) return Value.ofInt32(node.intValue());
                throw wrong(where, type, node, "a whole number from -2147483648 to 2147483647");
            case INT64:
                if (node.isIntegralNumber() && node.canConvertToLong()) return Value.ofInt64(node.longValue());
                throw wrong(where, type, node, "a whole number from -9223372036854775808 to 9223372036854775807");
            case DOUBLE:
                if (node.isNumber()) return Value.ofDouble(node.doubleValue());
                if (node.isTextual() && FeastJson.nonFinite(node.textValue()) != null) return Value.ofDouble(FeastJson.nonFinite(node.textValue()));
                throw wrong(where, type, node, NUMBER);
            case FLOAT:
                if (node.isNumber()) return Value.ofFloat(node.floatValue());
                if (node.isTextual() && FeastJson.nonFinite(node.textValue()) != null) return Value.ofFloat(FeastJson.nonFinite(node.textValue()).floatValue());
                throw wrong(where, type, node, NUMBER);
            case BOOL:
                if (node.isBoolean()) return Value.ofBool(node.booleanValue());
                throw wrong(where, type, node, "true or false");
            case UNIX_TIMESTAMP:
                if (node.isIntegralNumber() && node.canConvertToLong()) return Value.ofUnixTimestamp(node.longValue());
                if (node.isTextual()) return Value.ofUnixTimestamp(Dates.parseTimestamp(where, node.textValue()));
                throw wrong(where, type, node, "a timestamp text (" + Dates.ACCEPTED_TIMESTAMPS + ") or whole epoch seconds");
            default:
                throw new LarderException(where + ": values of type " + type + " cannot be read from JSON");
        }
    }

    private static Value readList(JsonNode node, ValueType type, String where) {
        ValueType element = type.elementType();
        int n = node.size();
        List<Value> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JsonNode item = node.get(i);
            if (item == null || item.isNull()) {
                throw new LarderException(where + "[" + i + "]: a " + type + " cannot hold null elements");
            }
            items.add(read(item, element, where + "[" + i + "]"));
        }
        switch (type) {
            case STRING_LIST: return Value.ofStringList(items.stream().map(Value::asString).toList());
            case BYTES_LIST: return Value.ofBytesList(items.stream().map(Value::asBytes).toList());
            case INT32_LIST: return Value.ofInt32List(items.stream().mapToInt(Value::asInt32).toArray());
            case INT64_LIST: return Value.ofInt64List(items.stream().mapToLong(Value::asInt64).toArray());
            case DOUBLE_LIST: return Value.ofDoubleList(items.stream().mapToDouble(Value::asDouble).toArray());
            case UNIX_TIMESTAMP_LIST: return Value.ofUnixTimestampList(items.stream().mapToLong(Value::asUnixTimestamp).toArray());
            case FLOAT_LIST: {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) out[i] = items.get(i).asFloat();
                return Value.ofFloatList(out);
            }
            case BOOL_LIST: {
                boolean[] out = new boolean[n];
                for (int i = 0; i < n; i++) out[i] = items.get(i).asBool();
                return Value.ofBoolList(out);
            }
            default:
                throw new LarderException(where + ": values of type " + type + " cannot be read from JSON");
        }
    }

    private static LarderException wrong(String where, ValueType type, JsonNode node, String expected) {
        String shown = node.toString();
        if (shown.length() > 80) shown = shown.substring(0, 77) + "...";
        return new LarderException(where + ": " + shown + " is not a valid " + type + "; expected " + expected);
    }
}
