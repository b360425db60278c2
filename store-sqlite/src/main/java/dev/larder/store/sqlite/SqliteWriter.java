package dev.larder.store.sqlite;

import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.NewestWins;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one batch into a view's table under {@link NewestWins}, inside the caller's
 * {@code BEGIN IMMEDIATE} transaction (which excludes every other writer, in this process or
 * another, so reading the stored times and then writing cannot race).
 *
 * <p>Feast's layout has one row per (entity key, feature), so the decision is made per entity key:
 * the stored row of a key is the newest (event, created) among its feature rows; a batch row that
 * replaces it overwrites its features and deletes the stored features it does not carry, so a
 * partial row replaces the stored row whole. Rows are written in primary-key order (B-tree
 * appends). When every key of the batch sorts after the largest stored key (a fresh table, or a
 * load in key order, which is how materialization feeds it), nothing can be stored for them and
 * the look-up is skipped and the rows are plain INSERTs (no upsert clause, which costs SQLite about
 * 30% more CPU per row even when nothing conflicts).
 */
final class SqliteWriter {
    /** Keys per look-up query, under SQLite's bound-parameter limit. */
    static final int LOOKUP_CHUNK = 500;
    /** Stored rows (entity x feature) per templated statement. */
    static final int TEMPLATE_STORED_ROWS = 200;
    /** Stored rows per multi-row statement for rows that carry only some features. */
    static final int ROWS_PER_STATEMENT = 64;
    private static final int PARAMS = 6;

    private final NewestWins rule;

    SqliteWriter(NewestWins rule) {
        this.rule = rule;
    }

    /** A batch row with its serialized key. */
    private record Keyed(byte[] key, FeatureRow row) {
    }

    /** A stored feature of a replaced key that the replacing row lacks. */
    private record Extra(byte[] key, String feature) {
    }

    /** The newest time among a key's stored feature rows, and their feature names. */
    private static final class Stored {
        Instant event;
        Instant created;
        final Set<String> features = new HashSet<>();
    }

    /**
     * Writes {@code rows} (one per entity key: the caller ran {@link NewestWins#latestPerKey}) to
     * {@code table}; returns how many replaced or added a stored row.
     */
    int write(Connection c, String table, FeatureView view, List<FeatureRow> rows) throws SQLException {
        Keyed[] batch = new Keyed[rows.size()];
        boolean sorted = true;
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new Keyed(EntityKeyCodec.serialize(rows.get(i).entityKey()), rows.get(i));
            if (i > 0 && Arrays.compareUnsigned(batch[i - 1].key, batch[i].key) > 0) sorted = false;
        }
        // SQLite compares BLOBs with memcmp: unsigned bytes, a prefix first.
        if (!sorted) Arrays.sort(batch, Comparator.comparing(Keyed::key, Arrays::compareUnsigned));

        List<Keyed> winners = new ArrayList<>(batch.length);
        List<Extra> extras = new ArrayList<>();
        byte[] largest = largestStoredKey(c, table);
        boolean append = largest == null || Arrays.compareUnsigned(batch[0].key, largest) > 0;
        if (append) {
            winners.addAll(Arrays.asList(batch));
        } else {
            Map<ByteBuffer, Stored> stored = lookUp(c, table, batch);
            for (Keyed k : batch) {
                Stored s = stored.get(ByteBuffer.wrap(k.key));
                if (s == null) {
                    winners.add(k);
                } else if (s.event == null || rule.replaces(k.row.eventTime(), k.row.createdTime(), s.event, s.created)) {
                    winners.add(k);
                    for (String f : s.features) {
                        if (!k.row.values().containsKey(f)) {
                            extras.add(new Extra(k.key, f));
                        }
                    }
                }
            }
        }
        if (winners.isEmpty()) return 0;
        // Appending, no stored row can conflict (keys are unique within a batch), so a plain INSERT
        // does: SQLite's upsert clause costs about 30% more CPU per row even when nothing conflicts.
        String tail = append ? "" : UPSERT_TAIL;
        if (allCarryEveryFeature(view, winners)) writeTemplated(c, table, view, winners, tail);
        else writeGeneric(c, table, winners, tail);
        deleteFeatures(c, table, extras);
        return winners.size();
    }

    /** The largest entity key stored, or null for an empty table (one B-tree descent). */
    private static byte[] largestStoredKey(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT entity_key FROM " + table + " ORDER BY entity_key DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }

    private Map<ByteBuffer, Stored> lookUp(Connection c, String table, Keyed[] batch) throws SQLException {
        Map<ByteBuffer, Stored> out = new HashMap<>();
        for (int from = 0; from < batch.length; from += LOOKUP_CHUNK) {
            int n = Math.min(LOOKUP_CHUNK, batch.length - from);
            StringBuilder sql = new StringBuilder("SELECT entity_key, feature_name, event_ts, created_ts FROM ")
                    .append(table).append(" WHERE entity_key IN (");
            for (int i = 0; i < n; i++) sql.append(i == 0 ? "?" : ", ?");
            sql.append(')');
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < n; i++) ps.setBytes(i + 1, batch[from + i].key);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Stored s = out.computeIfAbsent(ByteBuffer.wrap(rs.getBytes(1)), k -> new Stored());
                        s.features.add(rs.getString(2));
                        Instant event = SqliteTime.read(rs.getObject(3));
                        Instant created = SqliteTime.read(rs.getObject(4));
                        if (event != null && (s.event == null || rule.replaces(event, created, s.event, s.created))) {
                            s.event = event;
                            s.created = created;
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean allCarryEveryFeature(FeatureView view, List<Keyed> rows) {
        List<Field> features = view.features();
        for (Keyed k : rows) {
            Map<String, Value> values = k.row.values();
            if (values.size() != features.size()) return false;
            for (Field f : features) {
                if (!values.containsKey(f.name())) return false;
            }
        }
        return true;
    }

    private static String columns(String table) {
        return "INSERT INTO " + table + " (entity_key, feature_name, value, value_text, vector_value, event_ts, created_ts) VALUES ";
    }

    /** The winner replaces the stored feature row whatever it holds: the decision was made per key above. */
    private static final String UPSERT_TAIL = " ON CONFLICT(entity_key, feature_name) DO UPDATE SET value = excluded.value,"
            + " value_text = excluded.value_text, vector_value = excluded.vector_value, event_ts = excluded.event_ts,"
            + " created_ts = excluded.created_ts";

    /**
     * Rows carrying every feature of the view (what materialization writes): one statement for many
     * entities, binding each key and time once (numbered parameters) with the feature names as SQL
     * literals, in name order so each entity's rows are appended in primary-key order.
     */
    private void writeTemplated(Connection c, String table, FeatureView view, List<Keyed> rows, String tail) throws SQLException {
        List<Field> features = new ArrayList<>(view.features());
        features.sort(Comparator.comparing(Field::name));
        int perStatement = Math.max(1, TEMPLATE_STORED_ROWS / Math.max(1, features.size()));
        int full = rows.size() - rows.size() % perStatement;
        if (full > 0) {
            try (PreparedStatement ps = c.prepareStatement(templateSql(table, features, perStatement, tail))) {
                for (int from = 0; from < full; from += perStatement) {
                    bindTemplate(ps, features, rows.subList(from, from + perStatement));
                    ps.executeUpdate();
                }
            }
        }
        if (full < rows.size()) {
            try (PreparedStatement ps = c.prepareStatement(templateSql(table, features, rows.size() - full, tail))) {
                bindTemplate(ps, features, rows.subList(full, rows.size()));
                ps.executeUpdate();
            }
        }
    }

    private static String templateSql(String table, List<Field> features, int entities, String tail) {
        StringBuilder sql = new StringBuilder(columns(table));
        int p = 1;
        boolean first = true;
        for (int e = 0; e < entities; e++) {
            int key = p++, event = p++, created = p++;
            for (Field f : features) {
                sql.append(first ? "" : ", ").append("(?").append(key).append(", '")
                        .append(f.name().replace("'", "''")).append("', ?").append(p++).append(", ?").append(p++)
                        .append(", NULL, ?").append(event).append(", ?").append(created).append(')');
                first = false;
            }
        }
        return sql.append(tail).toString();
    }

    private static void bindTemplate(PreparedStatement ps, List<Field> features, List<Keyed> rows) throws SQLException {
        int p = 1;
        for (Keyed k : rows) {
            ps.setBytes(p++, k.key);
            SqliteTime.bind(ps, p++, k.row.eventTime());
            SqliteTime.bind(ps, p++, k.row.createdTime());
            Map<String, Value> values = k.row.values();
            for (Field f : features) {
                Value v = values.get(f.name());
                ps.setBytes(p++, ValueCodec.encode(v));
                ps.setString(p++, ValueText.of(v));
            }
        }
    }

    /** Rows with some of the view's features: one stored row per (key, feature), many per statement. */
    private void writeGeneric(Connection c, String table, List<Keyed> rows, String tail) throws SQLException {
        long total = 0;
        for (Keyed k : rows) total += k.row.values().size();
        long inMulti = total - total % ROWS_PER_STATEMENT;
        try (PreparedStatement multi = c.prepareStatement(insertSql(table, ROWS_PER_STATEMENT, tail));
             PreparedStatement single = c.prepareStatement(insertSql(table, 1, tail))) {
            long index = 0;
            int bound = 0;
            for (Keyed k : rows) {
                List<String> names = new ArrayList<>(k.row.values().keySet());
                names.sort(null);
                for (String name : names) {
                    Value v = k.row.values().get(name);
                    if (index++ < inMulti) {
                        bind(multi, bound * PARAMS, k.key, name, v, k.row);
                        if (++bound == ROWS_PER_STATEMENT) {
                            multi.executeUpdate();
                            bound = 0;
                        }
                    } else {
                        bind(single, 0, k.key, name, v, k.row);
                        single.addBatch();
                    }
                }
            }
            if (total > inMulti) single.executeBatch();
        }
    }

    private static String insertSql(String table, int rows, String tail) {
        StringBuilder sql = new StringBuilder(columns(table));
        for (int i = 0; i < rows; i++) sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, NULL, ?, ?)");
        return sql.append(tail).toString();
    }

    private static void bind(PreparedStatement ps, int offset, byte[] key, String feature, Value v, FeatureRow row) throws SQLException {
        ps.setBytes(offset + 1, key);
        ps.setString(offset + 2, feature);
        ps.setBytes(offset + 3, ValueCodec.encode(v));
        ps.setString(offset + 4, ValueText.of(v));
        SqliteTime.bind(ps, offset + 5, row.eventTime());
        SqliteTime.bind(ps, offset + 6, row.createdTime());
    }

    /** Deletes the stored features a replacing row does not carry. */
    private static void deleteFeatures(Connection c, String table, List<Extra> extras) throws SQLException {
        if (extras.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE entity_key = ? AND feature_name = ?")) {
            for (Extra e : extras) {
                ps.setBytes(1, e.key());
                ps.setString(2, e.feature());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
