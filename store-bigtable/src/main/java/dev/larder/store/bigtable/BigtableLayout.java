package dev.larder.store.bigtable;

import com.google.protobuf.ByteString;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.Timestamps;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Feast's Bigtable layout ({@code sdk/python/feast/infra/online_stores/bigtable.py}): a table per
 * project and entity set, row key {@code <entity_id>#<view>}, family {@code features}, one qualifier
 * per feature holding the serialized Value plus {@code event_ts} holding Python's {@code isoformat()}.
 * Larder adds the cell timestamps (the event time, for expiry by age) and, in a family of its own
 * that Feast's readers never look at, each row's {@link #ORDER_QUALIFIER order cell}: its event and
 * created time, which conditional writes compare so that the newest row wins exactly.
 */
public final class BigtableLayout {
    public static final String FAMILY = "features";
    public static final String EVENT_TS = "event_ts";
    public static final ByteString EVENT_TS_QUALIFIER = ByteString.copyFromUtf8(EVENT_TS);
    /**
     * Larder's family: Feast reads only family {@code features} ({@code row.cells["features"]}), so
     * cells here are invisible to it, whatever features a Feast read requests.
     */
    public static final String LARDER_FAMILY = "larder";
    /** The order cell's qualifier in {@link #LARDER_FAMILY}: see {@link #orderValue}. */
    public static final String ORDER_QUALIFIER = "event_created";
    /** Feast's {@code DUMMY_ENTITY_NAME}: the entities part of an entityless view's table. */
    public static final String DUMMY_ENTITY_NAME = "__dummy";

    static final int TABLE_MAX_LENGTH = 50;
    static final int ENTITIES_PART_MAX_LENGTH = 24;
    static final int HUMAN_READABLE_PART_LENGTH = 10;

    private BigtableLayout() {
    }

    /**
     * Feast's {@code _get_table_name}: {@code <project>.<sorted entities joined by "-">}, within
     * Bigtable's 50 characters: an entities part over 24 characters becomes the first 24 hex digits
     * of its md5; a project that does not fit in the rest becomes its first 10 characters, "_" and
     * as many md5 hex digits as fit.
     */
    public static String tableName(String project, FeatureView view) {
        return tableName(project, view.entities());
    }

    public static String tableName(String project, List<String> entities) {
        String entitiesPart;
        if (entities.isEmpty()) {
            entitiesPart = DUMMY_ENTITY_NAME;
        } else {
            List<String> sorted = new ArrayList<>(entities);
            Collections.sort(sorted);
            entitiesPart = String.join("-", sorted);
        }
        if (length(entitiesPart) > ENTITIES_PART_MAX_LENGTH) {
            entitiesPart = md5Hex(entitiesPart).substring(0, ENTITIES_PART_MAX_LENGTH);
        }
        int remaining = TABLE_MAX_LENGTH - length(entitiesPart) - 1;
        String projectPart = project;
        if (length(project) > remaining) {
            int hashLength = remaining - HUMAN_READABLE_PART_LENGTH - 1;
            projectPart = prefix(project, HUMAN_READABLE_PART_LENGTH) + "_" + md5Hex(project).substring(0, hashLength);
        }
        return projectPart + "." + entitiesPart;
    }

    /** Feast's {@code _compute_row_key}: utf8 of {@code <entity_id>#<view>}. */
    public static ByteString rowKey(EntityKey key, String view) {
        return ByteString.copyFromUtf8(EntityKeyCodec.entityId(key) + "#" + view);
    }

    /** The view a row key belongs to (the text after the entity id and '#'), or null for a foreign key. */
    static String viewOf(ByteString rowKey) {
        String k = rowKey.toStringUtf8();
        int hash = k.indexOf('#');
        return hash < 0 ? null : k.substring(hash + 1);
    }

    /** The {@code event_ts} cell value: Python {@code isoformat()} of the aware UTC event time. */
    public static ByteString eventTsValue(Instant eventTime) {
        return ByteString.copyFromUtf8(Timestamps.pythonIso(eventTime));
    }

    /**
     * The order cell's value: 16 bytes, the event time in microseconds since the epoch, then the
     * created time in microseconds plus one (0 without a created time), both big-endian. Times
     * are in [1970, 9999] (NewestWins' range), so the bytes compare (unsigned, as Bigtable's value
     * range filter compares) exactly as NewestWins orders rows: event first, then created, a
     * missing created time older than any.
     */
    public static ByteString orderValue(Instant eventTime, Instant createdTime) {
        long created = createdTime == null ? 0 : Timestamps.toMicros(createdTime) + 1;
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(Timestamps.toMicros(eventTime)).putLong(created).array());
    }

    /**
     * The cell timestamp of an event: microseconds since the epoch at millisecond granularity (the
     * granularity Bigtable tables have by default), so sub-millisecond parts are dropped.
     */
    public static long cellTimestamp(Instant eventTime) {
        long micros = Timestamps.toMicros(eventTime);
        return Math.floorDiv(micros, 1000L) * 1000L;
    }

    /** Rejects a view with a feature named {@code event_ts}: the layout keeps the event time in that column. */
    static void checkView(FeatureView view) {
        if (view.feature(EVENT_TS).isPresent()) {
            throw new IllegalArgumentException("Feature view '" + view.name() + "' has a feature named '" + EVENT_TS
                    + "'; Feast's Bigtable layout reserves that column for the event time: rename the feature");
        }
    }

    /** An RE2 regex matching exactly these qualifiers (Bigtable matches regexes against raw bytes). */
    static String qualifierRegex(Iterable<String> qualifiers) {
        StringBuilder sb = new StringBuilder("^(?:");
        boolean first = true;
        for (String q : qualifiers) {
            if (!first) sb.append('|');
            first = false;
            sb.append(literal(q));
        }
        return sb.append(")$").toString();
    }

    /** Escapes RE2 metacharacters; letters, digits, '_' and non-ASCII characters stand for themselves. */
    static String literal(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                sb.append("\\x00");
            } else if (c < 128 && !Character.isLetterOrDigit(c) && c != '_') {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The first n characters as Python counts them (code points). */
    private static String prefix(String s, int n) {
        return s.substring(0, s.offsetByCodePoints(0, Math.min(n, length(s))));
    }

    static String md5Hex(String text) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            return EntityKeyCodec.hex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }
}
