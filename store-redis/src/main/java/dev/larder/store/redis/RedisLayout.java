package dev.larder.store.redis;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.Timestamps;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feast's Redis layout for one project: one HASH per entity key (key = serialized entity key ‖
 * project), shared by every view with the same join keys; a field per feature named by murmur3-32
 * of {@code view:feature}; {@code _ts:<view>} holding the event time as a protobuf Timestamp.
 *
 * <p>Larder adds {@code _created_ts:<view>}, the created time, for the newest-wins tie-break.
 * Feast's reader and writer HMGET only the fields they name (the features asked for and
 * {@code _ts:<view>}) and its teardown deletes whole keys, so the extra field is invisible to it.
 * Its value is one byte n, then the n bytes of the {@code _ts:<view>} value it belongs to, then
 * the created time as a protobuf Timestamp: a writer that does not know the field (Feast) can
 * replace {@code _ts:<view>} and leave it behind, and it then no longer counts.
 */
final class RedisLayout {
    /** Larder's registry of applied views of a project (Feast keeps none): a HASH view name → join keys. */
    static final String REGISTRY_PREFIX = "larder:views:";

    private final String project;
    private final byte[] projectBytes;

    RedisLayout(String project) {
        this.project = project;
        this.projectBytes = project.getBytes(StandardCharsets.UTF_8);
    }

    String project() {
        return project;
    }

    byte[] key(EntityKey key) {
        return EntityKeyCodec.redisKey(key, project);
    }

    byte[] registryKey() {
        return (REGISTRY_PREFIX + project).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] tsField(String view) {
        return ("_ts:" + view).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] createdField(String view) {
        return ("_created_ts:" + view).getBytes(StandardCharsets.UTF_8);
    }

    /** The feature fields of a view, by feature name, in the view's order. */
    static Map<String, byte[]> featureFields(FeatureView view) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String f : view.featureNames()) out.put(f, EntityKeyCodec.redisField(view.name(), f));
        return out;
    }

    /** Every field a view owns on a key: its features, {@code _ts} and {@code _created_ts}. */
    static List<byte[]> allFields(FeatureView view) {
        List<byte[]> out = new java.util.ArrayList<>(featureFields(view).values());
        out.add(tsField(view.name()));
        out.add(createdField(view.name()));
        return out;
    }

    /** The {@code _created_ts:<view>} value: the length of the event Timestamp, the event Timestamp, the created Timestamp. */
    static byte[] createdValue(byte[] eventTimestamp, Instant created) {
        byte[] c = Timestamps.encodeProto(created);
        byte[] out = new byte[1 + eventTimestamp.length + c.length];
        out[0] = (byte) eventTimestamp.length;
        System.arraycopy(eventTimestamp, 0, out, 1, eventTimestamp.length);
        System.arraycopy(c, 0, out, 1 + eventTimestamp.length, c.length);
        return out;
    }

    /**
     * {@code <serialized join key names>*<project>}, glob-escaped: the keys of the project whose
     * entity keys have exactly these join keys (values vary).
     */
    byte[] scanPattern(List<String> joinKeys) {
        ByteBuffer head = ByteBuffer.allocate(4 + joinKeys.stream().mapToInt(k -> 8 + k.getBytes(StandardCharsets.UTF_8).length).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(joinKeys.size());
        for (String k : joinKeys) {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            head.putInt(2).putInt(b.length).put(b);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        escapeGlob(head.array(), out);
        out.write('*');
        escapeGlob(projectBytes, out);
        return out.toByteArray();
    }

    private static void escapeGlob(byte[] bytes, ByteArrayOutputStream out) {
        for (byte b : bytes) {
            if (b == '*' || b == '?' || b == '[' || b == ']' || b == '\\') out.write('\\');
            out.write(b);
        }
    }

    /** Whether a key is exactly a serialized entity key followed by this project (the glob also matches longer project names). */
    boolean isProjectKey(byte[] key) {
        int len = entityKeyLength(key);
        return len > 0 && key.length - len == projectBytes.length
                && Arrays.equals(key, len, key.length, projectBytes, 0, projectBytes.length);
    }

    /** The length of the serialized entity key a Redis key starts with; -1 when it does not parse. */
    static int entityKeyLength(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int n = b.getInt();
            if (n <= 0 || n > 1000) return -1;
            for (int i = 0; i < 2 * n; i++) {
                b.getInt();
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) return -1;
                b.position(b.position() + len);
            }
            return b.position();
        } catch (BufferUnderflowException e) {
            return -1;
        }
    }
}
