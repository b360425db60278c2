package dev.larder;

import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Converts the Java values host applications pass as join keys into typed {@link Value}s. */
public final class EntityValues {
    private EntityValues() {
    }

    /**
     * Accepts a {@link Value} of the join key's type, or a plain Java value: a number for INT32 and
     * INT64 (in range), text for STRING, byte[] for BYTES, an Instant or epoch seconds for
     * UNIX_TIMESTAMP; text that parses as the type is accepted too (from command lines and JSON).
     *
     * @throws LarderException naming the join key, its type and the value
     */
    public static Value convert(Field joinKey, Object raw) {
        ValueType type = joinKey.type();
        if (raw instanceof Value) {
            Value v = (Value) raw;
            if (v.type() != type) throw wrong(joinKey, raw);
            String text = WellFormedStrings.problem(v);
            if (text != null) throw new LarderException("Join key '" + joinKey.name() + "': " + text);
            return v;
        }
        if ((raw instanceof Double || raw instanceof Float || raw instanceof java.math.BigDecimal)
                && (type == ValueType.INT64 || type == ValueType.INT32 || type == ValueType.UNIX_TIMESTAMP)) {
            raw = integral(joinKey, (Number) raw); // JSON's 1002.0 is the integer 1002
        }
        try {
            switch (type) {
                case STRING:
                    if (raw instanceof String) {
                        // x, U+D800, y would be encoded as the key x?y: another entity's.
                        String text = WellFormedStrings.problem((String) raw);
                        if (text != null) throw new LarderException("Join key '" + joinKey.name() + "': " + text);
                        return Value.ofString((String) raw);
                    }
                    break;
                case BYTES:
                    if (raw instanceof byte[]) return Value.ofBytes((byte[]) raw);
                    break;
                case INT64:
                    if (raw instanceof Long || raw instanceof Integer || raw instanceof Short) return Value.ofInt64(((Number) raw).longValue());
                    if (raw instanceof String) return Value.ofInt64(Long.parseLong(((String) raw).trim()));
                    break;
                case INT32:
                    if (raw instanceof Integer || raw instanceof Short) return Value.ofInt32(((Number) raw).intValue());
                    if (raw instanceof Long) return Value.ofInt32(Math.toIntExact((Long) raw));
                    if (raw instanceof String) return Value.ofInt32(Integer.parseInt(((String) raw).trim()));
                    break;
                case UNIX_TIMESTAMP:
                    if (raw instanceof Instant) return Value.ofUnixTimestamp((Instant) raw);
                    if (raw instanceof Long || raw instanceof Integer) return Value.ofUnixTimestamp(((Number) raw).longValue());
                    if (raw instanceof String) {
                        String s = ((String) raw).trim();
                        return s.matches("-?\\d+") ? Value.ofUnixTimestamp(Long.parseLong(s)) : Value.ofUnixTimestamp(Instant.parse(s));
                    }
                    break;
                default:
                    throw new LarderException("Join key '" + joinKey.name() + "' has type " + type
                            + ", which cannot be an entity key (use STRING, BYTES, INT32, INT64 or UNIX_TIMESTAMP)");
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw wrong(joinKey, raw);
        }
        throw wrong(joinKey, raw);
    }

    private static Object integral(Field joinKey, Number n) {
        try {
            return new java.math.BigDecimal(n.toString()).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw wrong(joinKey, n);
        }
    }

    private static LarderException wrong(Field joinKey, Object raw) {
        String shown = raw instanceof byte[] ? "bytes" : raw instanceof String ? "'" + raw + "'" : String.valueOf(raw);
        String kind = raw == null ? "null" : raw instanceof Value ? ((Value) raw).type().toString() : raw.getClass().getSimpleName();
        return new LarderException("Join key '" + joinKey.name() + "' is " + joinKey.type() + "; the value " + shown
                + " (" + kind + ") is not a valid " + joinKey.type());
    }
}
