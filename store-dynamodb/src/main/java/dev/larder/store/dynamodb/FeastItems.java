package dev.larder.store.dynamodb;

import dev.larder.spi.FeatureRow;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.Value;
import dev.larder.spi.codec.Timestamps;
import dev.larder.spi.codec.ValueCodec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Feast's DynamoDB item: {@code entity_id} (S, the murmur3 id of the serialized entity key),
 * {@code event_ts} (S, Python's {@code str()} of the aware UTC event time) and {@code values}
 * (M, feature name to B, the serialized {@code feast.types.Value}). Feast stores no created time;
 * Larder adds {@code created_ts} (S, the same text form) when a row has one, so the newest-wins
 * rule can break event-time ties: Feast's readers pick {@code entity_id}, {@code event_ts} and
 * {@code values} by name and never look at other attributes, and an item without it (Feast's own)
 * counts as having no created time.
 */
final class FeastItems {
    static final String ENTITY_ID = "entity_id";
    static final String EVENT_TS = "event_ts";
    static final String VALUES = "values";
    static final String CREATED_TS = "created_ts";

    /** DynamoDB's item size limit: 400 KB. */
    static final int MAX_ITEM_BYTES = 400 * 1024;

    private FeastItems() {
    }

    static Map<String, AttributeValue> key(String entityId) {
        return Map.of(ENTITY_ID, AttributeValue.fromS(entityId));
    }

    static Map<String, AttributeValue> item(String entityId, FeatureRow row) {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        for (Map.Entry<String, Value> f : row.values().entrySet()) {
            values.put(f.getKey(), AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(ValueCodec.encode(f.getValue()))));
        }
        Map<String, AttributeValue> item = new HashMap<>(6);
        item.put(ENTITY_ID, AttributeValue.fromS(entityId));
        item.put(EVENT_TS, AttributeValue.fromS(Timestamps.pythonStr(row.eventTime())));
        if (row.createdTime() != null) {
            item.put(CREATED_TS, AttributeValue.fromS(Timestamps.pythonStr(row.createdTime())));
        }
        item.put(VALUES, AttributeValue.fromM(values));
        return item;
    }

    /** The stored event time of an item (fetched with at least {@code event_ts}). */
    static Instant eventTime(Map<String, AttributeValue> item, String table) {
        AttributeValue ts = item.get(EVENT_TS);
        if (ts == null || ts.s() == null) {
            throw new IllegalStateException("DynamoDB table '" + table + "': item " + idOf(item)
                    + " has no text attribute event_ts; it was not written in Feast's layout");
        }
        return Timestamps.parsePython(ts.s());
    }

    private static String idOf(Map<String, AttributeValue> item) {
        AttributeValue id = item.get(ENTITY_ID);
        return id == null ? "(without entity_id)" : id.s();
    }

    /** The stored created time of an item, or null when it has none (Feast writes none). */
    static Instant createdTime(Map<String, AttributeValue> item) {
        AttributeValue ts = item.get(CREATED_TS);
        return ts == null || ts.s() == null ? null : Timestamps.parsePython(ts.s());
    }

    /**
     * The item's size as DynamoDB counts it against the 400 KB limit: per attribute, the UTF-8
     * length of its name plus its value; a map value adds 3 bytes plus 1 per entry. Only the types
     * Feast's layout uses (S, B, M) are counted.
     */
    static long size(Map<String, AttributeValue> item) {
        long n = 0;
        for (Map.Entry<String, AttributeValue> a : item.entrySet()) {
            n += utf8(a.getKey()) + size(a.getValue());
        }
        return n;
    }

    private static long size(AttributeValue v) {
        if (v.s() != null) return utf8(v.s());
        if (v.b() != null) return v.b().asByteArrayUnsafe().length;
        if (v.hasM()) {
            long n = 3;
            for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) n += 1 + utf8(e.getKey()) + size(e.getValue());
            return n;
        }
        return 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The stored row, with the requested features it has.
     *
     * @param features the requested feature names; the item may hold others (when the read fetched the whole map)
     */
    static OnlineRow row(Map<String, AttributeValue> item, Collection<String> features, String table) {
        Instant eventTime = eventTime(item, table);
        AttributeValue values = item.get(VALUES);
        Map<String, Value> out = new HashMap<>(features.size() * 4 / 3 + 1); // no resizing while filling
        if (values != null && values.hasM()) {
            Map<String, AttributeValue> m = values.m();
            for (String f : features) {
                AttributeValue b = m.get(f);
                if (b == null) continue;
                if (b.b() == null) {
                    throw new IllegalStateException("DynamoDB table '" + table + "': feature '" + f + "' of item " + idOf(item)
                            + " is not binary; Feast's layout stores serialized Values as B");
                }
                out.put(f, ValueCodec.decode(b.b().asByteArrayUnsafe()));
            }
        }
        return OnlineRow.of(eventTime, out);
    }
}
