package dev.larder.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Feast 0.66's {@code sqlite.py} does to a table, in plain JDBC (facts from feast-dev/feast at
 * f0bc0700b): its DDL, its upsert (every column, last write wins), INTEGER epoch-second times
 * (Python's sqlite3 adapter {@code int(dt.timestamp())} under TZ=UTC), and its {@code online_read}:
 * the query it runs and the conversion of the declared type {@code timestamp},
 * {@code datetime.fromtimestamp(int(val))}, applied to the column's text.
 */
final class FeastSqlite {
    private FeastSqlite() {
    }

    /** Feast's update(): CREATE TABLE / INDEX IF NOT EXISTS. */
    static void createTable(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS \"" + table + "\" (entity_key BLOB, feature_name TEXT, value BLOB, value_text TEXT, "
                    + " vector_value BLOB, event_ts timestamp, created_ts timestamp,  PRIMARY KEY(entity_key, feature_name))");
            st.execute("CREATE INDEX IF NOT EXISTS \"" + table + "_ek\" ON \"" + table + "\" (entity_key);");
        }
    }

    /** Feast's online_write_batch() for one entity: one upsert per feature; values as {value bytes, value_text}. */
    static void write(Connection c, String table, byte[] key, Map<String, Object[]> values, Object eventTs, Object createdTs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO \"" + table + "\" (entity_key, feature_name, value, value_text, event_ts, created_ts) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(entity_key, feature_name) DO UPDATE SET value = excluded.value, "
                + "value_text = excluded.value_text, event_ts = excluded.event_ts, created_ts = excluded.created_ts;")) {
            for (Map.Entry<String, Object[]> f : values.entrySet()) {
                ps.setBytes(1, key);
                ps.setString(2, f.getKey());
                ps.setBytes(3, (byte[]) f.getValue()[0]);
                ps.setString(4, (String) f.getValue()[1]);
                ps.setObject(5, eventTs);
                ps.setObject(6, createdTs);
                ps.executeUpdate();
            }
        }
    }

    /** One entity as Feast's online_read returns it: its time and feature -> value bytes; null time when absent. */
    record Read(Instant eventTime, Map<String, byte[]> values) {
    }

    /**
     * Feast's online_read: {@code SELECT entity_key, feature_name, value, event_ts … WHERE entity_key IN (…)
     * ORDER BY entity_key}, the last row's converted event_ts per entity. Throws NumberFormatException
     * where Python's {@code int(val)} raises ValueError (a text timestamp).
     */
    static List<Read> onlineRead(Connection c, String table, List<byte[]> keys) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT entity_key, feature_name, value, event_ts FROM \"" + table + "\" WHERE entity_key IN (");
        for (int i = 0; i < keys.size(); i++) sql.append(i == 0 ? "?" : ",?");
        sql.append(") ORDER BY entity_key");
        Map<String, Read> byKey = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < keys.size(); i++) ps.setBytes(i + 1, keys.get(i));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String k = java.util.HexFormat.of().formatHex(rs.getBytes(1));
                    Read prev = byKey.getOrDefault(k, new Read(null, new LinkedHashMap<>()));
                    prev.values().put(rs.getString(2), rs.getBytes(3));
                    // The sqlite3 module hands a converter the column's text (b"1772600767"); int() of it.
                    byKey.put(k, new Read(Instant.ofEpochSecond(Long.parseLong(rs.getString(4))), prev.values()));
                }
            }
        }
        List<Read> out = new ArrayList<>();
        for (byte[] k : keys) out.add(byKey.getOrDefault(java.util.HexFormat.of().formatHex(k), new Read(null, Map.of())));
        return out;
    }
}
