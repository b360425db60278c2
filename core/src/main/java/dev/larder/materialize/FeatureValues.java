package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.definitions.FeastTypes;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Turns the values an engine read into Feast {@link Value}s, the same way for every engine. An
 * engine hands each value over already cast to the field's Java shape ({@link ColumnRules} decided
 * the cast is allowed): a {@link Number} for numeric and timestamp types (UnixTimestamp in epoch
 * seconds; Int32 as any whole number, range-checked here), a {@link Boolean}, a {@link String},
 * {@code byte[]} or {@link ByteBuffer}, and for lists an {@code Object[]} or {@link Iterable} of
 * those. A null value is Feast's unset value; a null list element is an error.
 */
public final class FeatureValues {
    private final String file;
    private final String view;

    /**
     * @param file the source, for messages
     * @param view the view's name, for messages
     */
    public FeatureValues(String file, String view) {
        this.file = file;
        this.view = view;
    }

    /** The field's value, {@link Value#UNSET} for null (as Feast writes a missing value). */
    public Value value(Field f, Object v) {
        if (v == null) return Value.UNSET;
        ValueType t = f.type();
        switch (t) {
            case FLOAT: return Value.ofFloat(((Number) v).floatValue());
            case DOUBLE: return Value.ofDouble(((Number) v).doubleValue());
            case INT32: return Value.ofInt32(int32(f, (Number) v));
            case INT64: return Value.ofInt64(((Number) v).longValue());
            case UNIX_TIMESTAMP: return Value.ofUnixTimestamp(((Number) v).longValue());
            case BOOL: return Value.ofBool((Boolean) v);
            case STRING: return Value.ofString(v.toString());
            case BYTES: return Value.ofBytes(bytes(v));
            default: return list(f, elements(v));
        }
    }

    private Value list(Field f, List<Object> xs) {
        for (Object x : xs) {
            if (x == null) {
                throw new LarderException(file + ": column '" + f.name() + "' holds a list with a null element; Feast lists cannot hold nulls");
            }
        }
        int n = xs.size();
        switch (f.type()) {
            case FLOAT_LIST: { float[] o = new float[n]; for (int i = 0; i < n; i++) o[i] = ((Number) xs.get(i)).floatValue(); return Value.ofFloatList(o); }
            case DOUBLE_LIST: { double[] o = new double[n]; for (int i = 0; i < n; i++) o[i] = ((Number) xs.get(i)).doubleValue(); return Value.ofDoubleList(o); }
            case INT32_LIST: { int[] o = new int[n]; for (int i = 0; i < n; i++) o[i] = int32(f, (Number) xs.get(i)); return Value.ofInt32List(o); }
            case INT64_LIST: { long[] o = new long[n]; for (int i = 0; i < n; i++) o[i] = ((Number) xs.get(i)).longValue(); return Value.ofInt64List(o); }
            case UNIX_TIMESTAMP_LIST: { long[] o = new long[n]; for (int i = 0; i < n; i++) o[i] = ((Number) xs.get(i)).longValue(); return Value.ofUnixTimestampList(o); }
            case BOOL_LIST: { boolean[] o = new boolean[n]; for (int i = 0; i < n; i++) o[i] = (Boolean) xs.get(i); return Value.ofBoolList(o); }
            case STRING_LIST: { List<String> o = new ArrayList<>(n); for (Object x : xs) o.add(x.toString()); return Value.ofStringList(o); }
            case BYTES_LIST: { List<byte[]> o = new ArrayList<>(n); for (Object x : xs) o.add(bytes(x)); return Value.ofBytesList(o); }
            default: throw new IllegalStateException("Unsupported type " + f.type());
        }
    }

    private int int32(Field f, Number n) {
        long x = n.longValue();
        if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
            throw new LarderException(file + ": column '" + f.name() + "' holds " + x + ", out of range for "
                    + FeastTypes.dtypeName(f.type()) + " (feature '" + view + ":" + f.name() + "'); use " + (f.type().isList() ? "Array(Int64)" : "Int64"));
        }
        return (int) x;
    }

    private static List<Object> elements(Object v) {
        List<Object> out = new ArrayList<>();
        if (v instanceof Object[]) {
            for (Object x : (Object[]) v) out.add(x);
        } else if (v instanceof Iterable) {
            for (Iterator<?> it = ((Iterable<?>) v).iterator(); it.hasNext(); ) out.add(it.next());
        } else {
            throw new IllegalStateException("Expected a list, got " + v.getClass().getName());
        }
        return out;
    }

    private static byte[] bytes(Object x) {
        if (x instanceof byte[]) return (byte[]) x;
        if (x instanceof ByteBuffer) {
            ByteBuffer bb = ((ByteBuffer) x).duplicate();
            byte[] o = new byte[bb.remaining()];
            bb.get(o);
            return o;
        }
        throw new IllegalStateException("Expected bytes, got " + x.getClass().getName());
    }
}
