package dev.larder.store.sqlite;

import dev.larder.spi.EntityKey;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.Value;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.DistinctKeys;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads features of many entity keys from a view's table: one query per {@link #READ_CHUNK} distinct
 * keys (never one per key), duplicates read once, results in request order.
 */
final class SqliteReader {
    /** Keys per read query: well under SQLite's bound-parameter limit, with room for the feature names. */
    static final int READ_CHUNK = 500;

    private SqliteReader() {
    }

    static List<OnlineRow> read(Connection c, String table, List<EntityKey> keys, List<String> features) throws SQLException {
        DistinctKeys distinct = DistinctKeys.of(keys);
        OnlineRow[] found = new OnlineRow[distinct.size()];
        if (keys.isEmpty() || features.isEmpty()) {
            return distinct.expand(found);
        }
        List<byte[]> serialized = new ArrayList<>(distinct.size());
        Map<ByteBuffer, Integer> index = new HashMap<>(distinct.size() * 2);
        for (EntityKey k : distinct.keys()) {
            byte[] bytes = EntityKeyCodec.serialize(k);
            index.put(ByteBuffer.wrap(bytes), serialized.size());
            serialized.add(bytes);
        }
        for (int from = 0; from < serialized.size(); from += READ_CHUNK) {
            readChunk(c, table, from, serialized.subList(from, Math.min(serialized.size(), from + READ_CHUNK)), features, index, found);
        }
        return distinct.expand(found);
    }

    /** Reads the keys at positions {@code first} to {@code first + chunk.size()} of the request into {@code found}. */
    private static void readChunk(Connection c, String table, int first, List<byte[]> chunk, List<String> features,
                                  Map<ByteBuffer, Integer> index, OnlineRow[] found) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT entity_key, feature_name, value, event_ts FROM ")
                .append(table).append(" WHERE entity_key IN (");
        appendPlaceholders(sql, chunk.size());
        sql.append(") AND feature_name IN (");
        appendPlaceholders(sql, features.size());
        sql.append(')');
        // Indexed by the key's position in the chunk: no boxing, no per-row map lookups.
        @SuppressWarnings("unchecked")
        Map<String, Value>[] values = new Map[chunk.size()];
        Instant[] times = new Instant[chunk.size()];
        int rowCapacity = (int) (features.size() / 0.75f) + 1;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (byte[] k : chunk) ps.setBytes(p++, k);
            for (String f : features) ps.setString(p++, f);
            try (ResultSet rs = ps.executeQuery()) {
                // SQLite returns an entity's rows together (it walks the key index) and they share one
                // event time: look the key up and convert the time only when they change.
                byte[] lastKey = null;
                int key = -1;
                Map<String, Value> row = null;
                Object lastTs = null;
                Instant t = null;
                while (rs.next()) {
                    byte[] k = rs.getBytes(1);
                    if (lastKey == null || !Arrays.equals(k, lastKey)) {
                        lastKey = k;
                        key = index.get(ByteBuffer.wrap(k)) - first;
                        row = values[key];
                        if (row == null) {
                            row = new HashMap<>(rowCapacity);
                            values[key] = row;
                        }
                    }
                    row.put(rs.getString(2), ValueCodec.decode(rs.getBytes(3)));
                    Object ts = rs.getObject(4);
                    if (ts == null) continue; // a row without a time (not written by Feast or Larder) adds no time
                    if (!ts.equals(lastTs)) {
                        lastTs = ts;
                        t = SqliteTime.read(ts);
                    }
                    // Rows Feast wrote feature by feature may carry different times; report the latest.
                    Instant previous = times[key];
                    if (previous == null || (t != previous && t.isAfter(previous))) times[key] = t;
                }
            }
        }
        for (int key = 0; key < values.length; key++) {
            if (values[key] != null) found[first + key] = OnlineRow.of(times[key] == null ? Instant.EPOCH : times[key], values[key]);
        }
    }

    private static void appendPlaceholders(StringBuilder sql, int n) {
        for (int i = 0; i < n; i++) sql.append(i == 0 ? "?" : ", ?");
    }
}
