package dev.larder.spi.codec;

import dev.larder.spi.EntityKey;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Feast's {@code serialize_entity_key} at entity_key_serialization_version 3, and the ids derived
 * from it: Redis keys (key ‖ project) and the murmur3 entity id DynamoDB and Bigtable use.
 */
public final class EntityKeyCodec {
    /** The only serialization version Larder writes and reads. */
    public static final int SERIALIZATION_VERSION = 3;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private EntityKeyCodec() {
    }

    /**
     * u32 count; per join key: u32 STRING(2), u32 length, utf8; then per value: u32 type,
     * u32 length, bytes. Integers little-endian.
     */
    public static byte[] serialize(EntityKey key) {
        int n = key.joinKeys().size();
        byte[][] names = new byte[n][];
        byte[][] values = new byte[n][];
        int size = 4;
        for (int i = 0; i < n; i++) {
            names[i] = key.joinKeys().get(i).getBytes(StandardCharsets.UTF_8);
            values[i] = valueBytes(key.joinKeys().get(i), key.values().get(i));
            size += 8 + names[i].length + 8 + values[i].length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n);
        for (int i = 0; i < n; i++) {
            b.putInt(ValueType.STRING.number()).putInt(names[i].length).put(names[i]);
        }
        for (int i = 0; i < n; i++) {
            b.putInt(key.values().get(i).type().number()).putInt(values[i].length).put(values[i]);
        }
        return b.array();
    }

    private static byte[] valueBytes(String joinKey, Value v) {
        switch (v.type()) {
            case STRING:
                return v.asString().getBytes(StandardCharsets.UTF_8);
            case BYTES:
                return v.asBytes();
            case INT32:
                return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v.asInt32()).array();
            case INT64:
                return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.asInt64()).array();
            case UNIX_TIMESTAMP:
                return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.asUnixTimestamp()).array();
            default:
                throw new CodecException("Join key '" + joinKey + "' has a " + v.type() + " value; Feast's entity key serialization supports STRING, BYTES, INT32, INT64 and UNIX_TIMESTAMP");
        }
    }

    /** The inverse of {@link #serialize}; malformed bytes throw {@link CodecException}. */
    public static EntityKey deserialize(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int n = b.getInt();
            if (n <= 0 || n > 1000) throw new CodecException("Malformed entity key: " + n + " join keys");
            String[] names = new String[n];
            for (int i = 0; i < n; i++) {
                int type = b.getInt();
                if (type != ValueType.STRING.number()) {
                    throw new CodecException("Malformed entity key: join key name has type " + type + ", expected 2 (STRING)");
                }
                byte[] name = new byte[b.getInt()];
                b.get(name);
                names[i] = new String(name, StandardCharsets.UTF_8);
            }
            Map<String, Value> kv = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                int type = b.getInt();
                byte[] raw = new byte[b.getInt()];
                b.get(raw);
                ByteBuffer rb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                Value v;
                switch (type) {
                    case 1: v = Value.ofBytes(raw); break;
                    case 2: v = Value.ofString(new String(raw, StandardCharsets.UTF_8)); break;
                    case 3: v = Value.ofInt32(rb.getInt()); break;
                    case 4: v = Value.ofInt64(rb.getLong()); break;
                    case 8: v = Value.ofUnixTimestamp(rb.getLong()); break;
                    default:
                        throw new CodecException("Unsupported value type number " + type + " for join key '" + names[i] + "' in an entity key");
                }
                kv.put(names[i], v);
            }
            if (b.hasRemaining()) throw new CodecException("Malformed entity key: " + b.remaining() + " trailing bytes");
            return EntityKey.of(kv);
        } catch (java.nio.BufferUnderflowException | java.nio.BufferOverflowException | NegativeArraySizeException e) {
            throw new CodecException("Malformed entity key: truncated");
        }
    }

    /** Feast's Redis key: the serialized entity key followed by the utf8 project name. */
    public static byte[] redisKey(EntityKey key, String project) {
        return concat(serialize(key), project.getBytes(StandardCharsets.UTF_8));
    }

    /** Feast's {@code compute_entity_id}: murmur3 x64-128 (seed 0) of the serialized key, h1-LE ‖ h2-LE, lowercase hex. */
    public static String entityId(EntityKey key) {
        return entityId(serialize(key));
    }

    public static String entityId(byte[] serializedKey) {
        long[] h = Murmur3.hash128x64(serializedKey, 0);
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (h[0] >>> (8 * i));
            out[8 + i] = (byte) (h[1] >>> (8 * i));
        }
        return hex(out);
    }

    /** Feast's Redis hash field of a feature: murmur3_32(utf8("view:feature"), seed 0), 4 bytes little-endian. */
    public static byte[] redisField(String featureView, String feature) {
        int h = Murmur3.hash32((featureView + ":" + feature).getBytes(StandardCharsets.UTF_8), 0);
        return new byte[] {(byte) h, (byte) (h >>> 8), (byte) (h >>> 16), (byte) (h >>> 24)};
    }

    public static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    public static byte[] unhex(String hex) {
        if (hex.length() % 2 != 0) throw new CodecException("Odd-length hex string");
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) throw new CodecException("Not a hex string: '" + hex + "'");
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
