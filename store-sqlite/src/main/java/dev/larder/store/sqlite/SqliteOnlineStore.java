package dev.larder.store.sqlite;

import dev.larder.spi.Capability;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.support.NewestWins;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Feast's SQLite layout: one table {@code <project>_<view>} per view, one row per (entity key,
 * feature).
 *
 * <p>WAL mode lets readers run while a writer commits. A write batch is one {@code BEGIN IMMEDIATE}
 * transaction, so it is all or nothing and no other writer (thread or process) runs between its
 * look-up of the stored times and its writes ({@link SqliteWriter}). Reads take a connection from a
 * small pool.
 */
public final class SqliteOnlineStore implements OnlineStore {
    /** Page cache of the writing connection, in KiB (SQLite's default is 2 MiB). */
    static final int WRITER_CACHE_KIB = 128 * 1024;
    static final int NEW_FILE_PAGE_SIZE = 16384;

    private final String project;
    private final SqliteStoreConfig config;
    private final String url;
    private final NewestWins rule = new NewestWins(SqliteTime.PRECISION);
    private final SqliteWriter rowWriter = new SqliteWriter(rule);
    private final Set<Capability> capabilities;
    private final Object writeLock = new Object();
    private Connection writer;
    private final BlockingQueue<Connection> readers;
    private final List<Connection> allReaders = new ArrayList<>();
    private volatile boolean closed;

    SqliteOnlineStore(String project, SqliteStoreConfig config, Set<Capability> capabilities) {
        this.project = project;
        this.config = config;
        this.capabilities = Set.copyOf(capabilities);
        this.url = "jdbc:sqlite:" + config.path();
        this.readers = new ArrayBlockingQueue<>(config.readPoolSize());
        try {
            Files.createDirectories(config.path().getParent());
        } catch (IOException e) {
            throw new OnlineStoreException(SqliteFailures.TYPE, Operation.CONNECT, config.path().toString(), false,
                    "cannot create the directory of the database file: " + e, e);
        }
        synchronized (writeLock) {
            writer = open(true);
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /** Feast's SQLite layout keeps what its timestamp column holds (see {@link SqliteTime}). */
    @Override
    public ChronoUnit eventTimePrecision() {
        return SqliteTime.PRECISION;
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
            throw SqliteFailures.of(Operation.CONNECT, config.path(), null, "open the database", e);
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
        List<FeatureRow> latest = rule.latestPerKey(view, rows);
        if (latest.isEmpty()) return;
        synchronized (writeLock) {
            checkOpen();
            try {
                writer.setAutoCommit(false);
                rowWriter.write(writer, quote(tableName(view)), view, latest);
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw SqliteFailures.of(Operation.WRITE, config.path(), tableName(view), "write " + rows.size() + " rows", e);
            } catch (RuntimeException e) {
                rollbackQuietly();
                throw e;
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
        Connection c = borrow();
        try {
            return SqliteReader.read(c, quote(tableName(view)), keys, features);
        } catch (SQLException e) {
            throw SqliteFailures.of(Operation.READ, config.path(), tableName(view), "read " + keys.size() + " keys", e);
        } finally {
            release(c);
        }
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
                    String t = quote(tableName(v));
                    // Feast's columns and key. WITHOUT ROWID stores the rows in the primary key's B-tree instead of a
                    // rowid table plus a key index: one B-tree less per stored row. Feast creates its tables with
                    // CREATE TABLE IF NOT EXISTS, so it keeps such a table and reads and writes it unchanged.
                    st.execute("CREATE TABLE IF NOT EXISTS " + t + " (entity_key BLOB, feature_name TEXT, value BLOB, value_text TEXT,"
                            + " vector_value BLOB, event_ts timestamp, created_ts timestamp, PRIMARY KEY(entity_key, feature_name)) WITHOUT ROWID");
                    st.execute("CREATE INDEX IF NOT EXISTS " + quote(tableName(v) + "_ek") + " ON " + t + " (entity_key)");
                    // Tables of older Feast releases lack the newer columns; Feast's own update() adds value_text the same way.
                    addMissingColumns(st, tableName(v));
                    // Rows of the text generation (Feast <= 0.41, Larder before it followed Feast 0.42) become
                    // epoch seconds, so current Feast can read every row.
                    st.executeUpdate(SqliteTime.migrationSql(t, "event_ts"));
                    st.executeUpdate(SqliteTime.migrationSql(t, "created_ts"));
                }
                for (FeatureView v : change.viewsToDelete()) {
                    st.execute("DROP TABLE IF EXISTS " + quote(tableName(v)));
                }
            } catch (SQLException e) {
                throw SqliteFailures.of(Operation.UPDATE, config.path(), null, "update tables", e);
            }
        }
    }

    private static void addMissingColumns(Statement st, String table) throws SQLException {
        java.util.Set<String> columns = new java.util.HashSet<>();
        try (ResultSet rs = st.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (rs.next()) columns.add(rs.getString("name"));
        }
        for (String column : List.of("value_text TEXT", "vector_value BLOB")) {
            if (!columns.contains(column.substring(0, column.indexOf(' ')))) {
                st.execute("ALTER TABLE " + quote(table) + " ADD COLUMN " + column);
            }
        }
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        List<PlannedChange> out = new ArrayList<>();
        for (FeatureView v : change.viewsToKeep()) {
            String t = tableName(v);
            if (!tableExists(t)) {
                out.add(new PlannedChange(PlannedChange.Action.CREATE, "table " + t, "in " + config.path()));
            } else {
                out.add(new PlannedChange(PlannedChange.Action.UNCHANGED, "table " + t,
                        hasTextTimestamps(t) ? "its text timestamps (Feast <= 0.41) will be converted to epoch seconds" : ""));
            }
        }
        for (FeatureView v : change.viewsToDelete()) {
            String t = tableName(v);
            if (tableExists(t)) out.add(new PlannedChange(PlannedChange.Action.DELETE, "table " + t, "in " + config.path()));
        }
        return out;
    }

    private boolean tableExists(String table) {
        return queryAnswers(table, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table);
    }

    private boolean hasTextTimestamps(String table) {
        return queryAnswers(table, "SELECT 1 FROM " + quote(table) + " WHERE typeof(event_ts) = 'text' OR typeof(created_ts) = 'text' LIMIT 1");
    }

    private boolean queryAnswers(String table, String sql, String... params) {
        Connection c = borrow();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw SqliteFailures.of(Operation.PLAN, config.path(), table, "look up the table", e);
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
