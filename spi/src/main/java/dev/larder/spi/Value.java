package dev.larder.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An immutable feature or entity value: one of Feast's scalar types, a list of a scalar type,
 * or null. Arrays passed in or handed out are copied, so a {@code Value} never changes.
 */
public final class Value {
    /** Feast's explicit null ({@code null_val}). */
    public static final Value NULL = new Value(ValueType.NULL, null);
    /** An unset {@code Value} message (zero bytes on the wire); reads as null. */
    public static final Value UNSET = new Value(ValueType.UNKNOWN, null);

    private static final Value TRUE = new Value(ValueType.BOOL, Boolean.TRUE);
    private static final Value FALSE = new Value(ValueType.BOOL, Boolean.FALSE);

    private final ValueType type;
    /**
     * Boxed scalar, byte[] for BYTES, primitive array for numeric and bool lists, an unmodifiable
     * List for string and bytes lists; null for NULL and UNSET.
     */
    private final Object payload;

    private Value(ValueType type, Object payload) {
        this.type = type;
        this.payload = payload;
    }

    public static Value ofBytes(byte[] v) {
        return new Value(ValueType.BYTES, Objects.requireNonNull(v, "bytes").clone());
    }

    public static Value ofString(String v) {
        return new Value(ValueType.STRING, Objects.requireNonNull(v, "string"));
    }

    public static Value ofInt32(int v) {
        return new Value(ValueType.INT32, v);
    }

    public static Value ofInt64(long v) {
        return new Value(ValueType.INT64, v);
    }

    public static Value ofDouble(double v) {
        return new Value(ValueType.DOUBLE, v);
    }

    public static Value ofFloat(float v) {
        return new Value(ValueType.FLOAT, v);
    }

    public static Value ofBool(boolean v) {
        return v ? TRUE : FALSE;
    }

    /** A UNIX_TIMESTAMP value: whole seconds since the epoch, as Feast stores it. */
    public static Value ofUnixTimestamp(long epochSeconds) {
        return new Value(ValueType.UNIX_TIMESTAMP, epochSeconds);
    }

    public static Value ofUnixTimestamp(Instant instant) {
        return ofUnixTimestamp(instant.getEpochSecond());
    }

    public static Value ofBytesList(List<byte[]> v) {
        List<byte[]> copy = new ArrayList<>(v.size());
        for (byte[] b : v) {
            copy.add(Objects.requireNonNull(b, "bytes list element").clone());
        }
        return new Value(ValueType.BYTES_LIST, Collections.unmodifiableList(copy));
    }

    public static Value ofStringList(List<String> v) {
        return new Value(ValueType.STRING_LIST, List.copyOf(v));
    }

    public static Value ofInt32List(int... v) {
        return new Value(ValueType.INT32_LIST, v.clone());
    }

    public static Value ofInt64List(long... v) {
        return new Value(ValueType.INT64_LIST, v.clone());
    }

    public static Value ofDoubleList(double... v) {
        return new Value(ValueType.DOUBLE_LIST, v.clone());
    }

    public static Value ofFloatList(float... v) {
        return new Value(ValueType.FLOAT_LIST, v.clone());
    }

    public static Value ofBoolList(boolean... v) {
        return new Value(ValueType.BOOL_LIST, v.clone());
    }

    public static Value ofUnixTimestampList(long... epochSeconds) {
        return new Value(ValueType.UNIX_TIMESTAMP_LIST, epochSeconds.clone());
    }

    public ValueType type() {
        return type;
    }

    /** True for Feast's explicit null and for an unset value. */
    public boolean isNull() {
        return payload == null;
    }

    public byte[] asBytes() {
        return ((byte[]) expect(ValueType.BYTES)).clone();
    }

    public String asString() {
        return (String) expect(ValueType.STRING);
    }

    public int asInt32() {
        return (Integer) expect(ValueType.INT32);
    }

    public long asInt64() {
        return (Long) expect(ValueType.INT64);
    }

    public double asDouble() {
        return (Double) expect(ValueType.DOUBLE);
    }

    public float asFloat() {
        return (Float) expect(ValueType.FLOAT);
    }

    public boolean asBool() {
        return (Boolean) expect(ValueType.BOOL);
    }

    /** Seconds since the epoch. */
    public long asUnixTimestamp() {
        return (Long) expect(ValueType.UNIX_TIMESTAMP);
    }

    @SuppressWarnings("unchecked")
    public List<byte[]> asBytesList() {
        List<byte[]> list = (List<byte[]>) expect(ValueType.BYTES_LIST);
        List<byte[]> copy = new ArrayList<>(list.size());
        for (byte[] b : list) {
            copy.add(b.clone());
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    public List<String> asStringList() {
        return (List<String>) expect(ValueType.STRING_LIST);
    }

    public int[] asInt32List() {
        return ((int[]) expect(ValueType.INT32_LIST)).clone();
    }

    public long[] asInt64List() {
        return ((long[]) expect(ValueType.INT64_LIST)).clone();
    }

    public double[] asDoubleList() {
        return ((double[]) expect(ValueType.DOUBLE_LIST)).clone();
    }

    public float[] asFloatList() {
        return ((float[]) expect(ValueType.FLOAT_LIST)).clone();
    }

    public boolean[] asBoolList() {
        return ((boolean[]) expect(ValueType.BOOL_LIST)).clone();
    }

    public long[] asUnixTimestampList() {
        return ((long[]) expect(ValueType.UNIX_TIMESTAMP_LIST)).clone();
    }

    /**
     * A plain Java view for serializers: null, Integer, Long, Float, Double, Boolean, String,
     * byte[], or a List of those. UNIX_TIMESTAMP values become {@link Instant}s.
     */
    public Object toJava() {
        switch (type) {
            case BYTES:
                return asBytes();
            case UNIX_TIMESTAMP:
                return Instant.ofEpochSecond((Long) payload);
            case BYTES_LIST:
                return asBytesList();
            case INT32_LIST: {
                List<Object> out = new ArrayList<>();
                for (int x : (int[]) payload) out.add(x);
                return out;
            }
            case INT64_LIST: {
                List<Object> out = new ArrayList<>();
                for (long x : (long[]) payload) out.add(x);
                return out;
            }
            case UNIX_TIMESTAMP_LIST: {
                List<Object> out = new ArrayList<>();
                for (long x : (long[]) payload) out.add(Instant.ofEpochSecond(x));
                return out;
            }
            case DOUBLE_LIST: {
                List<Object> out = new ArrayList<>();
                for (double x : (double[]) payload) out.add(x);
                return out;
            }
            case FLOAT_LIST: {
                List<Object> out = new ArrayList<>();
                for (float x : (float[]) payload) out.add(x);
                return out;
            }
            case BOOL_LIST: {
                List<Object> out = new ArrayList<>();
                for (boolean x : (boolean[]) payload) out.add(x);
                return out;
            }
            default:
                return payload;
        }
    }

    private Object expect(ValueType expected) {
        if (type != expected) {
            throw new IllegalStateException("Value is " + type + ", not " + expected);
        }
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Value)) return false;
        Value other = (Value) o;
        return type == other.type && payloadEquals(payload, other.payload);
    }

    private static boolean payloadEquals(Object a, Object b) {
        if (a == null || b == null) return a == b;
        if (a instanceof byte[]) return Arrays.equals((byte[]) a, (byte[]) b);
        if (a instanceof int[]) return Arrays.equals((int[]) a, (int[]) b);
        if (a instanceof long[]) return Arrays.equals((long[]) a, (long[]) b);
        if (a instanceof double[]) return Arrays.equals((double[]) a, (double[]) b);
        if (a instanceof float[]) return Arrays.equals((float[]) a, (float[]) b);
        if (a instanceof boolean[]) return Arrays.equals((boolean[]) a, (boolean[]) b);
        if (a instanceof List && ((List<?>) a).size() > 0 && ((List<?>) a).get(0) instanceof byte[]) {
            List<?> la = (List<?>) a, lb = (List<?>) b;
            if (la.size() != lb.size()) return false;
            for (int i = 0; i < la.size(); i++) {
                if (!Arrays.equals((byte[]) la.get(i), (byte[]) lb.get(i))) return false;
            }
            return true;
        }
        return a.equals(b); // Double/Float equals compare bits, so NaN equals NaN and 0.0 != -0.0.
    }

    @Override
    public int hashCode() {
        Object p = payload;
        int h;
        if (p == null) h = 0;
        else if (p instanceof byte[]) h = Arrays.hashCode((byte[]) p);
        else if (p instanceof int[]) h = Arrays.hashCode((int[]) p);
        else if (p instanceof long[]) h = Arrays.hashCode((long[]) p);
        else if (p instanceof double[]) h = Arrays.hashCode((double[]) p);
        else if (p instanceof float[]) h = Arrays.hashCode((float[]) p);
        else if (p instanceof boolean[]) h = Arrays.hashCode((boolean[]) p);
        else if (type == ValueType.BYTES_LIST) {
            h = 1;
            for (Object b : (List<?>) p) h = 31 * h + Arrays.hashCode((byte[]) b);
        } else h = p.hashCode();
        return 31 * type.hashCode() + h;
    }

    @Override
    public String toString() {
        Object p = payload;
        String s;
        if (p == null) s = "null";
        else if (p instanceof byte[]) s = "base64:" + Base64.getEncoder().encodeToString((byte[]) p);
        else if (p instanceof int[]) s = Arrays.toString((int[]) p);
        else if (p instanceof long[]) s = Arrays.toString((long[]) p);
        else if (p instanceof double[]) s = Arrays.toString((double[]) p);
        else if (p instanceof float[]) s = Arrays.toString((float[]) p);
        else if (p instanceof boolean[]) s = Arrays.toString((boolean[]) p);
        else if (type == ValueType.BYTES_LIST) {
            List<String> parts = new ArrayList<>();
            for (Object b : (List<?>) p) parts.add("base64:" + Base64.getEncoder().encodeToString((byte[]) b));
            s = parts.toString();
        } else if (p instanceof String) s = "\"" + p + "\"";
        else s = String.valueOf(p);
        return type + "(" + s + ")";
    }
}
