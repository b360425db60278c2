package dev.larder.store.sqlite;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.Timestamps;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.DistinctKeys;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Feast's SQLite layout: one table {@code <project>_<view>} per view, one row per (entity key,
 * feature), timestamps as the naive UTC text Python's sqlite3 adapter writes.
 *
 * <p>WAL mode lets readers run while a writer commits. A write batch is one {@code BEGIN IMMEDIATE}
 * transaction, so it is all or nothing; the upsert keeps the stored row unless the new event time
 * is later, inside the same statement, so concurrent writers (threads or processes) never replace
 * a newer value with an older one. Reads take a connection from a small pool.
 */
public final class SqliteOnlineStore implements OnlineStore {
    @Override
    public java.util.Set<dev.larder.spi.Capability> capabilities() {
        return new SqliteStoreProvider().capabilities().keySet();
    }

    @Override
    public java.time.temporal.ChronoUnit eventTimePrecision() {
        return java.time.temporal.ChronoUnit.MICROS;
    }

    /** Keys per read query: well under SQLite's bound-parameter limit, with room for the feature names. */
    static final int READ_CHUNK = 500;
    /** Page cache of the writing connection, in KiB (SQLite's default is 2 MiB). */
    static final int WRITER_CACHE_KIB = 128 * 1024;
    static final int NEW_FILE_PAGE_SIZE = 16384;

    private final String project;
    private final SqliteStoreConfig config;
    private final String url;
    private final Object writeLock = new Object();
    private Connection writer;
    private final BlockingQueue<Connection> readers;
    private final List<Connection> allReaders = new ArrayList<>();
    private volatile boolean closed;

    SqliteOnlineStore(String project, SqliteStoreConfig config) {
        this.project = project;
        this.config = config;
        this.url = "jdbc:sqlite:" + config.path();
        this.readers = new ArrayBlockingQueue<>(config.readPoolSize());
        try {
            Files.createDirectories(config.path().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the directory of the SQLite online store " + config.path(), e);
        }
        synchronized (writeLock) {
            writer = open(true);
        }
    }

    private Connection open(boolean forWriting) {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        c.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        c.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.busyTimeout().toMillis()));
        c.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        // Only takes effect when the file is created: 16 KiB pages make bulk loads ~15% cheaper
        // than SQLite's 4 KiB default. Feast reads files of any page size.
        c.setPageSize(NEW_FILE_PAGE_SIZE);
        if (forWriting) {
            // Bulk writes: keep index pages in memory.
            c.setCacheSize(-WRITER_CACHE_KIB);
            c.setTempStore(SQLiteConfig.TempStore.MEMORY);
        }
        try {
            return DriverManager.getConnection(url, c.toProperties());
        } catch (SQLException e) {
            throw failure("open " + config.path(), e);
        }
    }

    /** Feast's {@code _table_id}: {@code <project>_<view>}. */
    String tableName(FeatureView view) {
        return project + "_" + view.name();
    }

    /** Quoted as an SQL identifier, so any view name is safe in SQL text. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    // --------------------------------------------------------------------------------- write

    @Override
    public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        if (rows.isEmpty()) return;
        String table = quote(tableName(view));
        synchronized (writeLock) {
            checkOpen();
            try {
                writer.setAutoCommit(false);
                // Rows carrying exactly the view's features (what materialization writes) go through a
                // statement that binds each entity key and time once; other rows, and the last few, one stored row at a time.
                int perStatement = Math.max(1, TEMPLATE_STORED_ROWS / Math.max(1, view.features().size()));
                int templated = allHaveEveryFeature(view, rows) ? rows.size() - rows.size() % perStatement : 0;
                if (templated > 0) writeTemplated(view, table, rows.subList(0, templated), perStatement);
                if (templated < rows.size()) writeGeneric(table, rows.subList(templated, rows.size()));
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw failure("write " + rows.size() + " rows to " + tableName(view), e);
            } finally {
                try {
                    writer.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the connection is broken; the next call reports it
                }
            }
        }
        progress.rowsWritten(rows.size());
    }

    /** Stored rows (entity x feature) per templated statement. */
    static final int TEMPLATE_STORED_ROWS = 200;

    private static boolean allHaveEveryFeature(FeatureView view, List<FeatureRow> rows) {
        List<Field> features = view.features();
        for (FeatureRow row : rows) {
            if (row.values().size() != features.size()) return false;
            int i = 0;
            for (String name : row.values().keySet()) {
                if (!name.equals(features.get(i++).name())) return false;
            }
        }
        return true;
    }

    /**
     * One statement for {@code perStatement} entities: per entity, the key, event time and created time
     * are bound once (numbered parameters used by each of its feature rows), feature names are SQL
     * literals, and value_text is bound only for STRING features.
     */
    private void writeTemplated(FeatureView view, String table, List<FeatureRow> rows, int perStatement) throws SQLException {
        List<Field> features = view.features();
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table)
                .append(" (entity_key, feature_name, value, value_text, vector_value, event_ts, created_ts) VALUES ");
        int p = 1;
        boolean first = true;
        for (int e = 0; e < perStatement; e++) {
            int key = p++, event = p++, created = p++;
            for (Field f : features) {
                sql.append(first ? "" : ", ").append("(?").append(key).append(", '")
                        .append(f.name().replace("'", "''")).append("', ?").append(p++).append(", ");
                if (f.type() == ValueType.STRING) sql.append('?').append(p++);
                else sql.append("NULL");
                sql.append(", NULL, ?").append(event).append(", ?").append(created).append(')');
                first = false;
            }
        }
        sql.append(upsertTail(table));
        try (PreparedStatement ps = writer.prepareStatement(sql.toString())) {
            int inStatement = 0;
            p = 1;
            String eventText = null;
            Instant lastEvent = null;
            String createdText = null;
            Instant lastCreated = null;
            for (FeatureRow row : rows) {
                // Rows often share their times: format each distinct time once.
                if (!row.eventTime().equals(lastEvent)) {
                    lastEvent = row.eventTime();
                    eventText = Timestamps.sqliteText(lastEvent);
                }
                Instant c = row.createdTime();
                if (c != null && !c.equals(lastCreated)) {
                    lastCreated = c;
                    createdText = Timestamps.sqliteText(c);
                }
                ps.setBytes(p++, EntityKeyCodec.serialize(row.entityKey()));
                ps.setString(p++, eventText);
                ps.setString(p++, c == null ? null : createdText);
                int i = 0;
                for (Value v : row.values().values()) {
                    ps.setBytes(p++, ValueCodec.encode(v));
                    if (features.get(i++).type() == ValueType.STRING) ps.setString(p++, v.type() == ValueType.STRING ? v.asString() : null);
                }
                if (++inStatement == perStatement) {
                    ps.executeUpdate();
                    inStatement = 0;
                    p = 1;
                }
            }
        }
    }

    private void writeGeneric(String table, List<FeatureRow> rows) throws SQLException {
        try (PreparedStatement multi = writer.prepareStatement(upsertSql(table, ROWS_PER_STATEMENT));
             PreparedStatement single = writer.prepareStatement(upsertSql(table, 1))) {
            long total = 0;
            for (FeatureRow row : rows) total += row.values().size();
            // Full multi-row statements first, then the remainder one stored row at a time.
            long inMulti = total - total % ROWS_PER_STATEMENT;
            long index = 0;
            int bound = 0;
            for (FeatureRow row : rows) {
                byte[] key = EntityKeyCodec.serialize(row.entityKey());
                String eventText = Timestamps.sqliteText(row.eventTime());
                String createdTs = row.createdTime() == null ? null : Timestamps.sqliteText(row.createdTime());
                for (Map.Entry<String, Value> f : row.values().entrySet()) {
                    if (index++ < inMulti) {
                        bind(multi, bound * PARAMS, key, f.getKey(), f.getValue(), eventText, createdTs);
                        if (++bound == ROWS_PER_STATEMENT) {
                            multi.executeUpdate();
                            bound = 0;
                        }
                    } else {
                        bind(single, 0, key, f.getKey(), f.getValue(), eventText, createdTs);
                        single.addBatch();
                    }
                }
            }
            if (total > inMulti) single.executeBatch();
        }
    }

    /** Values per stored row, and stored rows per multi-row statement (fewer statement executions, same SQL semantics). */
    private static final int PARAMS = 6;
    static final int ROWS_PER_STATEMENT = 64;

    private static String upsertSql(String table, int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table)
                .append(" (entity_key, feature_name, value, value_text, vector_value, event_ts, created_ts) VALUES ");
        for (int i = 0; i < rows; i++) sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, NULL, ?, ?)");
        return sql.append(upsertTail(table)).toString();
    }

    /** The stored row stays unless the new event time is later: checked in the statement itself, so concurrent writers cannot race. */
    private static String upsertTail(String table) {
        return " ON CONFLICT(entity_key, feature_name) DO UPDATE SET value = excluded.value, value_text = excluded.value_text,"
                + " vector_value = excluded.vector_value, event_ts = excluded.event_ts, created_ts = excluded.created_ts"
                + " WHERE excluded.event_ts > " + table + ".event_ts";
    }

    private static void bind(PreparedStatement ps, int offset, byte[] key, String feature, Value v, String eventTs, String createdTs)
            throws SQLException {
        ps.setBytes(offset + 1, key);
        ps.setString(offset + 2, feature);
        ps.setBytes(offset + 3, ValueCodec.encode(v));
        ps.setString(offset + 4, v.type() == ValueType.STRING ? v.asString() : null);
        ps.setString(offset + 5, eventTs);
        ps.setString(offset + 6, createdTs);
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // nothing more to undo
        }
    }

    // --------------------------------------------------------------------------------- read

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
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
        Connection c = borrow();
        try {
            for (int from = 0; from < serialized.size(); from += READ_CHUNK) {
                readChunk(c, view, from, serialized.subList(from, Math.min(serialized.size(), from + READ_CHUNK)), features, index, found);
            }
        } catch (SQLException e) {
            throw failure("read " + keys.size() + " keys from " + tableName(view), e);
        } finally {
            release(c);
        }
        return distinct.expand(found);
    }

    /** Reads the keys at positions {@code first} to {@code first + chunk.size()} of the request into {@code found}. */
    private void readChunk(Connection c, FeatureView view, int first, List<byte[]> chunk, List<String> features,
                           Map<ByteBuffer, Integer> index, OnlineRow[] found) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT entity_key, feature_name, value, event_ts FROM ")
                .append(quote(tableName(view))).append(" WHERE entity_key IN (");
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
                // SQLite returns an entity's rows together (it walks the key index) and they usually
                // share one event time: look the key up and parse the time only when they change.
                byte[] lastKey = null;
                int key = -1;
                Map<String, Value> row = null;
                String lastTs = null;
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
                    String ts = rs.getString(4);
                    if (!ts.equals(lastTs)) {
                        lastTs = ts;
                        t = Timestamps.parsePython(ts);
                    }
                    // Rows of one entity may carry different event times (per-feature upserts); report the latest.
                    Instant previous = times[key];
                    if (previous == null || (t != previous && t.isAfter(previous))) times[key] = t;
                }
            }
        }
        for (int key = 0; key < values.length; key++) {
            if (values[key] != null) found[first + key] = OnlineRow.of(times[key], values[key]);
        }
    }

    private static void appendPlaceholders(StringBuilder sql, int n) {
        for (int i = 0; i < n; i++) sql.append(i == 0 ? "?" : ", ?");
    }

    private Connection borrow() {
        checkOpen();
        Connection c = readers.poll();
        if (c != null) return c;
        c = open(false);
        synchronized (allReaders) {
            allReaders.add(c);
        }
        return c;
    }

    private void release(Connection c) {
        if (closed || !readers.offer(c)) {
            synchronized (allReaders) {
                allReaders.remove(c);
            }
            closeQuietly(c);
        }
    }

    // --------------------------------------------------------------------------------- infrastructure

    @Override
    public void update(InfraChange change) {
        synchronized (writeLock) {
            checkOpen();
            try (Statement st = writer.createStatement()) {
                for (FeatureView v : change.viewsToKeep()) {
                    String t = tableName(v);
                    st.execute("CREATE TABLE IF NOT EXISTS " + quote(t) + " (entity_key BLOB, feature_name TEXT, value BLOB, value_text TEXT,"
                            + " vector_value BLOB, event_ts timestamp, created_ts timestamp, PRIMARY KEY(entity_key, feature_name))");
                    st.execute("CREATE INDEX IF NOT EXISTS " + quote(t + "_ek") + " ON " + quote(t) + " (entity_key)");
                }
                for (FeatureView v : change.viewsToDelete()) {
                    st.execute("DROP TABLE IF EXISTS " + quote(tableName(v)));
                }
            } catch (SQLException e) {
                throw failure("update tables", e);
            }
        }
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        List<PlannedChange> out = new ArrayList<>();
        for (FeatureView v : change.viewsToKeep()) {
            String t = tableName(v);
            out.add(tableExists(t)
                    ? new PlannedChange(PlannedChange.Action.UNCHANGED, "table " + t, "")
                    : new PlannedChange(PlannedChange.Action.CREATE, "table " + t, "in " + config.path()));
        }
        for (FeatureView v : change.viewsToDelete()) {
            String t = tableName(v);
            if (tableExists(t)) out.add(new PlannedChange(PlannedChange.Action.DELETE, "table " + t, "in " + config.path()));
        }
        return out;
    }

    private boolean tableExists(String table) {
        Connection c = borrow();
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failure("look up table " + table, e);
        } finally {
            release(c);
        }
    }

    @Override
    public void teardown(List<FeatureView> views) {
        update(new InfraChange(List.of(), views));
    }

    // --------------------------------------------------------------------------------- lifecycle

    private void checkOpen() {
        if (closed) throw new IllegalStateException("The SQLite online store " + config.path() + " is closed");
    }

    private IllegalStateException failure(String what, SQLException e) {
        String hint = e.getMessage() != null && e.getMessage().contains("no such table") ? " (run 'larder apply' to create the tables)" : "";
        return new IllegalStateException("SQLite online store " + config.path() + ": cannot " + what + ": " + e.getMessage() + hint, e);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        synchronized (writeLock) {
            closeQuietly(writer);
        }
        synchronized (allReaders) {
            allReaders.forEach(SqliteOnlineStore::closeQuietly);
            allReaders.clear();
        }
        readers.clear();
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) c.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return "SqliteOnlineStore{" + config.path() + ", project=" + project + "}";
    }
}
