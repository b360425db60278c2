package dev.larder.spi.codec;

import dev.larder.spi.Value;
import dev.larder.spi.ValueType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Feast's {@code feast.types.Value} protobuf (proto3, one {@code oneof val}) written and read by
 * hand, byte for byte as protoc's code does, so the SPI needs no protobuf runtime. The oneof
 * member is always written, even for 0, "" and false; numeric lists are packed.
 */
public final class ValueCodec {
    private static final int VARINT = ProtoReader.VARINT, FIXED64 = ProtoReader.FIXED64,
            LEN = ProtoReader.LEN, FIXED32 = ProtoReader.FIXED32;

    private ValueCodec() {
    }

    public static byte[] encode(Value v) {
        ValueType t = v.type();
        int f = t.number();
        ProtoWriter w;
        switch (t) {
            case UNKNOWN:
                return new byte[0];
            case NULL:
                w = new ProtoWriter(3);
                w.tag(f, VARINT);
                w.varint(0);
                break;
            case BYTES:
                w = new ProtoWriter(16);
                w.tag(f, LEN);
                w.bytes(v.asBytes());
                break;
            case STRING:
                w = new ProtoWriter(16);
                w.tag(f, LEN);
                w.bytes(v.asString().getBytes(StandardCharsets.UTF_8));
                break;
            case INT32:
                w = new ProtoWriter(11);
                w.tag(f, VARINT);
                w.varint(v.asInt32()); // int32 is sign-extended to 64 bits on the wire
                break;
            case INT64:
                w = new ProtoWriter(11);
                w.tag(f, VARINT);
                w.varint(v.asInt64());
                break;
            case UNIX_TIMESTAMP:
                w = new ProtoWriter(11);
                w.tag(f, VARINT);
                w.varint(v.asUnixTimestamp());
                break;
            case BOOL:
                w = new ProtoWriter(2);
                w.tag(f, VARINT);
                w.varint(v.asBool() ? 1 : 0);
                break;
            case DOUBLE:
                w = new ProtoWriter(9);
                w.tag(f, FIXED64);
                w.fixed64(Double.doubleToRawLongBits(v.asDouble()));
                break;
            case FLOAT:
                w = new ProtoWriter(5);
                w.tag(f, FIXED32);
                w.fixed32(Float.floatToRawIntBits(v.asFloat()));
                break;
            default:
                w = new ProtoWriter(32);
                w.tag(f, LEN);
                int start = w.position();
                writeListBody(w, v);
                w.insertLength(start);
        }
        return w.toByteArray();
    }

    /** The body of a {@code XxxList} message: {@code repeated <type> val = 1}, packed for numbers. */
    private static void writeListBody(ProtoWriter w, Value v) {
        switch (v.type()) {
            case BYTES_LIST:
                for (byte[] b : v.asBytesList()) {
                    w.tag(1, LEN);
                    w.bytes(b);
                }
                return;
            case STRING_LIST:
                for (String s : v.asStringList()) {
                    w.tag(1, LEN);
                    w.bytes(s.getBytes(StandardCharsets.UTF_8));
                }
                return;
            default:
                break;
        }
        // Packed repeated scalars; proto3 omits the field entirely for an empty list.
        int start;
        switch (v.type()) {
            case INT32_LIST: {
                int[] a = v.asInt32List();
                if (a.length == 0) return;
                w.tag(1, LEN);
                start = w.position();
                for (int x : a) w.varint(x);
                break;
            }
            case INT64_LIST:
            case UNIX_TIMESTAMP_LIST: {
                long[] a = v.type() == ValueType.INT64_LIST ? v.asInt64List() : v.asUnixTimestampList();
                if (a.length == 0) return;
                w.tag(1, LEN);
                start = w.position();
                for (long x : a) w.varint(x);
                break;
            }
            case BOOL_LIST: {
                boolean[] a = v.asBoolList();
                if (a.length == 0) return;
                w.tag(1, LEN);
                start = w.position();
                for (boolean x : a) w.varint(x ? 1 : 0);
                break;
            }
            case DOUBLE_LIST: {
                double[] a = v.asDoubleList();
                if (a.length == 0) return;
                w.tag(1, LEN);
                start = w.position();
                for (double x : a) w.fixed64(Double.doubleToRawLongBits(x));
                break;
            }
            case FLOAT_LIST: {
                float[] a = v.asFloatList();
                if (a.length == 0) return;
                w.tag(1, LEN);
                start = w.position();
                for (float x : a) w.fixed32(Float.floatToRawIntBits(x));
                break;
            }
            default:
                throw new CodecException("Cannot encode a value of type " + v.type());
        }
        w.insertLength(start);
    }

    public static Value decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes a serialized Value. Zero bytes decode to {@link Value#UNSET}. A oneof member Larder
     * does not support (map, set, json, struct, uuid, decimal, …) or an unknown field number is a
     * {@link CodecException} naming the field number; nothing is silently dropped.
     */
    public static Value decode(byte[] bytes, int offset, int length) {
        ProtoReader r = new ProtoReader(bytes, offset, length, "Feast Value");
        Value result = Value.UNSET;
        while (r.hasMore()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            result = decodeField(r, field, wire); // a oneof: the last member on the wire wins
        }
        return result;
    }

    private static Value decodeField(ProtoReader r, int field, int wire) {
        ValueType t;
        try {
            t = ValueType.ofNumber(field);
        } catch (IllegalArgumentException e) {
            throw unsupported(field);
        }
        if (t == ValueType.UNKNOWN) throw unsupported(field);
        switch (t) {
            case BYTES:
                expectWire(r, field, wire, LEN);
                return Value.ofBytes(r.bytes());
            case STRING:
                expectWire(r, field, wire, LEN);
                return Value.ofString(r.string());
            case INT32:
                expectWire(r, field, wire, VARINT);
                return Value.ofInt32((int) r.varint());
            case INT64:
                expectWire(r, field, wire, VARINT);
                return Value.ofInt64(r.varint());
            case UNIX_TIMESTAMP:
                expectWire(r, field, wire, VARINT);
                return Value.ofUnixTimestamp(r.varint());
            case BOOL:
                expectWire(r, field, wire, VARINT);
                return Value.ofBool(r.varint() != 0);
            case DOUBLE:
                expectWire(r, field, wire, FIXED64);
                return Value.ofDouble(Double.longBitsToDouble(r.fixed64()));
            case FLOAT:
                expectWire(r, field, wire, FIXED32);
                return Value.ofFloat(Float.intBitsToFloat(r.fixed32()));
            case NULL:
                expectWire(r, field, wire, VARINT);
                r.varint();
                return Value.NULL;
            default:
                expectWire(r, field, wire, LEN);
                return decodeList(r.sub(r.lengthDelimitedEnd()), t);
        }
    }

    private static Value decodeList(ProtoReader r, ValueType t) {
        List<byte[]> blobs = new ArrayList<>();
        long[] longs = new long[8];
        int n = 0;
        while (r.hasMore()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field != 1) {
                throw new CodecException("Unknown field number " + field + " inside Feast " + t + " value (only field 1 'val' exists)");
            }
            if (t == ValueType.BYTES_LIST || t == ValueType.STRING_LIST) {
                expectWire(r, 1, wire, LEN);
                blobs.add(r.bytes());
                continue;
            }
            // Numbers may come packed (LEN) or one per tag; parsers must accept both.
            int elementWire = (t == ValueType.DOUBLE_LIST) ? FIXED64 : (t == ValueType.FLOAT_LIST) ? FIXED32 : VARINT;
            if (wire == LEN) {
                ProtoReader packed = r.sub(r.lengthDelimitedEnd());
                while (packed.hasMore()) {
                    if (n == longs.length) longs = Arrays.copyOf(longs, n * 2);
                    longs[n++] = readElement(packed, elementWire);
                }
            } else {
                expectWire(r, 1, wire, elementWire);
                if (n == longs.length) longs = Arrays.copyOf(longs, n * 2);
                longs[n++] = readElement(r, elementWire);
            }
        }
        switch (t) {
            case BYTES_LIST:
                return Value.ofBytesList(blobs);
            case STRING_LIST: {
                List<String> strings = new ArrayList<>(blobs.size());
                for (byte[] b : blobs) strings.add(new String(b, StandardCharsets.UTF_8));
                return Value.ofStringList(strings);
            }
            case INT32_LIST: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = (int) longs[i];
                return Value.ofInt32List(a);
            }
            case INT64_LIST:
                return Value.ofInt64List(Arrays.copyOf(longs, n));
            case UNIX_TIMESTAMP_LIST:
                return Value.ofUnixTimestampList(Arrays.copyOf(longs, n));
            case BOOL_LIST: {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = longs[i] != 0;
                return Value.ofBoolList(a);
            }
            case DOUBLE_LIST: {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = Double.longBitsToDouble(longs[i]);
                return Value.ofDoubleList(a);
            }
            case FLOAT_LIST: {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = Float.intBitsToFloat((int) longs[i]);
                return Value.ofFloatList(a);
            }
            default:
                throw new CodecException("Cannot decode Feast value type " + t);
        }
    }

    private static long readElement(ProtoReader r, int wire) {
        switch (wire) {
            case FIXED64: return r.fixed64();
            case FIXED32: return r.fixed32() & 0xFFFFFFFFL;
            default: return r.varint();
        }
    }

    private static void expectWire(ProtoReader r, int field, int wire, int expected) {
        if (wire != expected) {
            throw r.malformed("field " + field + " has wire type " + wire + ", expected " + expected);
        }
    }

    private static CodecException unsupported(int field) {
        String name = UNSUPPORTED_NAMES.length > field && field >= 0 ? UNSUPPORTED_NAMES[field] : null;
        if (name != null) {
            return new CodecException("Unsupported Feast value field " + field + " (" + name
                    + "): Larder reads scalars, scalar lists and null (fields 1-8, 11-19)");
        }
        return new CodecException("Unknown Feast value field number " + field);
    }

    /** The kind of feast.types.Value oneof member Larder knows of but does not support, by field number. */
    private static final String[] UNSUPPORTED_NAMES = new String[49];

    static {
        UNSUPPORTED_NAMES[20] = "map";
        UNSUPPORTED_NAMES[21] = "map list";
        for (int f = 22; f <= 29; f++) UNSUPPORTED_NAMES[f] = "set";
        UNSUPPORTED_NAMES[32] = "json";
        UNSUPPORTED_NAMES[33] = "json list";
        UNSUPPORTED_NAMES[34] = "struct";
        UNSUPPORTED_NAMES[35] = "struct list";
        for (int f = 36; f <= 41; f++) UNSUPPORTED_NAMES[f] = "uuid";
        UNSUPPORTED_NAMES[42] = "nested list";
        UNSUPPORTED_NAMES[43] = "nested set";
        for (int f = 44; f <= 46; f++) UNSUPPORTED_NAMES[f] = "decimal";
        UNSUPPORTED_NAMES[47] = "scalar map";
        UNSUPPORTED_NAMES[48] = "zoned timestamp";
    }
}
