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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Feast's SQLite layout: one table {@code <project>_<view>} per view, one row per (entity key,
 * feature).
 *
 * <p>WAL mode lets readers run while a writer commits. A write batch is one {@code BEGIN IMMEDIATE}
 * transaction, so it is all or nothing and no other writer (thread or process) runs between its
 * look-up of the stored times and its writes ({@link SqliteWriter}). Reads take a connection from a
 * bounded pool ({@link SqliteReadPool}) and retry a statement that a concurrent schema change
 * (an apply) invalidated. Committed pages move from the WAL into the file on a thread of the
 * store's own ({@link SqliteCheckpointer}), not on the writer's. With {@code read_only: true} the
 * file is opened read-only and nothing is ever written, created or dropped.
 */
public final class SqliteOnlineStore implements OnlineStore {
    /** Page cache of the writing connection, in KiB (SQLite's default is 2 MiB). */
    static final int WRITER_CACHE_KIB = 128 * 1024;
    static final int NEW_FILE_PAGE_SIZE = 16384;
    /** Attempts of a read whose statement a concurrent schema change invalidated. */
    static final int SCHEMA_RETRIES = 20;

    private final String project;
    private final SqliteStoreConfig config;
    private final NewestWins rule = new NewestWins(SqliteTime.PRECISION);
    private final SqliteWriter rowWriter = new SqliteWriter(rule);
    private final Set<Capability> capabilities;
    private final Object writeLock = new Object();
    private final Connection writer;
    /** Checkpoints the WAL off the writer's thread; null when read-only. */
    private final SqliteCheckpointer checkpointer;
    private final SqliteReadPool readers;
    /** Tables whose owner this store checked (see {@link SqliteTableOwners}). */
    private final Map<String, Boolean> checkedOwners = new ConcurrentHashMap<>();
    private volatile boolean closed;

    SqliteOnlineStore(String project, SqliteStoreConfig config, Set<Capability> capabilities) {
        this.project = project;
        this.config = config;
        this.capabilities = Set.copyOf(capabilities);
        this.readers = new SqliteReadPool(config.readPoolSize(), config.readPoolTimeout(), () -> open(false), config.path().toString());
        if (config.readOnly()) {
            if (!Files.isRegularFile(config.path())) {
                throw new OnlineStoreException(SqliteFailures.TYPE, Operation.CONNECT, config.path().toString(), false,
                        "read_only is set and the database file does not exist");
            }
            writer = null;
            checkpointer = null;
            return;
        }
        try {
            Files.createDirectories(config.path().getParent());
        } catch (IOException e) {
            throw new OnlineStoreException(SqliteFailures.TYPE, Operation.CONNECT, config.path().toString(), false,
                    "cannot create the directory of the database file: " + e, e);
        }
        writer = open(true);
        checkpointer = new SqliteCheckpointer(config.path(), SqliteCheckpointer.WAL_LIMIT_BYTES, () -> open(false));
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
        c.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.busyTimeout().toMillis()));
        String url;
        if (config.readOnly()) {
            c.setReadOnly(true);
            // A read-only directory cannot hold WAL's -shm file; there the file cannot change either,
            // so SQLite may treat it as immutable (no locks, no WAL index).
            boolean dirWritable = Files.isWritable(config.path().getParent());
            url = "jdbc:sqlite:" + config.path().toUri() + (dirWritable ? "?mode=ro" : "?immutable=1");
        } else {
            c.setJournalMode(SQLiteConfig.JournalMode.WAL);
            c.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            c.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            // Only takes effect when the file is created: 16 KiB pages make bulk loads ~15% cheaper
            // than SQLite's 4 KiB default. Feast reads files of any page size.
            c.setPageSize(NEW_FILE_PAGE_SIZE);
            url = "jdbc:sqlite:" + config.path();
        }
        if (forWriting) {
            // Bulk writes: keep index pages in memory.
            c.setCacheSize(-WRITER_CACHE_KIB);
            c.setTempStore(SQLiteConfig.TempStore.MEMORY);
        }
        try {
            Connection connection = DriverManager.getConnection(url, c.toProperties());
            if (forWriting) {
                // Its commits never checkpoint: SqliteCheckpointer does, on a thread of its own.
                try (Statement st = connection.createStatement()) {
                    st.execute("PRAGMA wal_autocheckpoint=0");
                    // When the WAL restarts, its file shrinks back to the limit past which the writer checkpoints.
                    st.execute("PRAGMA journal_size_limit=" + SqliteCheckpointer.WAL_LIMIT_BYTES);
                } catch (SQLException e) {
                    SqliteReadPool.closeQuietly(connection);
                    throw e;
                }
            }
            return connection;
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
        checkWritable("write");
        List<FeatureRow> latest = rule.latestPerKey(view, rows);
        if (latest.isEmpty()) return;
        synchronized (writeLock) {
            checkOpen();
            try {
                writer.setAutoCommit(false);
                checkOwner(writer, Operation.WRITE, view);
                rowWriter.write(writer, quote(tableName(view)), view, latest);
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw SqliteFailures.of(Operation.WRITE, config.path(), tableName(view), "write " + rows.size() + " rows", e);
            } catch (RuntimeException e) {
                rollbackQuietly();
                throw e;
            } finally {
                autoCommitQuietly();
            }
            // Outside the transaction: a checkpoint cannot run on a connection inside one.
            checkpointer.committed(writer);
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

    private void autoCommitQuietly() {
        try {
            writer.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is broken; the next call reports it
        }
    }

    private void checkWritable(String what) {
        if (writer == null) {
            throw new UnsupportedOperationException("The SQLite online store " + config.path() + " is read-only (online_store.read_only: true): cannot " + what);
        }
    }

    /**
     * Refuses a table recorded as another project's or view's. Checked once per table and store
     * (reads stay one statement per chunk); update() checks again whenever it runs.
     */
    private void checkOwner(Connection c, Operation op, FeatureView view) throws SQLException {
        String table = tableName(view);
        if (checkedOwners.containsKey(table)) return;
        SqliteTableOwners.Owner owner = SqliteTableOwners.ownerOf(c, table);
        if (!SqliteTableOwners.allows(owner, project, view.name())) {
            throw SqliteTableOwners.conflict(op, config.path(), table, owner, project, view.name());
        }
        checkedOwners.put(table, Boolean.TRUE);
    }

    // --------------------------------------------------------------------------------- read

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        checkOpen();
        Connection c = readers.borrow();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    checkOwner(c, Operation.READ, view);
                    return SqliteReader.read(c, quote(tableName(view)), keys, features);
                } catch (SQLException e) {
                    // An apply changed the schema under the prepared statement: prepare it again.
                    if (!SqliteFailures.isSchemaChanged(e) || attempt >= SCHEMA_RETRIES) throw e;
                    Thread.sleep(Math.min(50, attempt * 5L));
                }
            }
        } catch (SQLException e) {
            throw SqliteFailures.of(Operation.READ, config.path(), tableName(view), "read " + keys.size() + " keys", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OnlineStoreException(SqliteFailures.TYPE, Operation.READ, tableName(view), true, "interrupted", e);
        } finally {
            readers.release(c);
        }
    }

    /** The read pool, for tests of its bound. */
    SqliteReadPool readPool() {
        return readers;
    }

    // --------------------------------------------------------------------------------- infrastructure

    /**
     * All of a change in one transaction: readers see one schema change (their statements are
     * prepared again once, not once per table), and a refused change leaves nothing half done.
     */
    @Override
    public void update(InfraChange change) {
        checkWritable("create or drop tables");
        synchronized (writeLock) {
            checkOpen();
            try {
                writer.setAutoCommit(false);
                try (Statement st = writer.createStatement()) {
                    SqliteTableOwners.ensure(st);
                    for (FeatureView v : change.viewsToKeep()) {
                        String name = tableName(v);
                        SqliteTableOwners.Owner owner = SqliteTableOwners.ownerOf(writer, name);
                        if (!SqliteTableOwners.allows(owner, project, v.name())) {
                            throw SqliteTableOwners.conflict(Operation.UPDATE, config.path(), name, owner, project, v.name());
                        }
                        createTable(st, name, config.fullEkIndex());
                        SqliteTableOwners.claim(writer, name, project, v.name());
                    }
                    for (FeatureView v : change.viewsToDelete()) {
                        String name = tableName(v);
                        SqliteTableOwners.Owner owner = SqliteTableOwners.ownerOf(writer, name);
                        if (!SqliteTableOwners.allows(owner, project, v.name())) {
                            throw SqliteTableOwners.conflict(Operation.TEARDOWN, config.path(), name, owner, project, v.name());
                        }
                        st.execute("DROP TABLE IF EXISTS " + quote(name));
                        SqliteTableOwners.forget(writer, name);
                        checkedOwners.remove(name);
                    }
                    SqliteTableOwners.dropIfEmpty(st);
                }
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw SqliteFailures.of(Operation.UPDATE, config.path(), null, "update tables", e);
            } catch (RuntimeException e) {
                rollbackQuietly();
                throw e;
            } finally {
                autoCommitQuietly();
            }
        }
    }

    private static void createTable(Statement st, String name, boolean fullEkIndex) throws SQLException {
        String t = quote(name);
        // Feast's columns and key. WITHOUT ROWID stores the rows in the primary key's B-tree instead of a
        // rowid table plus a key index: one B-tree less per stored row. Feast creates its tables with
        // CREATE TABLE IF NOT EXISTS, so it keeps such a table and reads and writes it unchanged.
        st.execute("CREATE TABLE IF NOT EXISTS " + t + " (entity_key BLOB, feature_name TEXT, value BLOB, value_text TEXT,"
                + " vector_value BLOB, event_ts timestamp, created_ts timestamp, PRIMARY KEY(entity_key, feature_name)) WITHOUT ROWID");
        // Feast's <table>_ek index duplicates the primary key's first column. By default it is created as a
        // partial index holding no row: the name Feast's CREATE INDEX IF NOT EXISTS looks for exists, every
        // lookup by entity key uses the primary key, and no stored row pays for a second B-tree.
        st.execute("CREATE INDEX IF NOT EXISTS " + quote(name + "_ek") + " ON " + t + " (entity_key)" + (fullEkIndex ? "" : " WHERE 0"));
        // Tables of older Feast releases lack the newer columns; Feast's own update() adds value_text the same way.
        addMissingColumns(st, name);
        // Rows of the text generation (Feast <= 0.41, Larder before it followed Feast 0.42) become
        // epoch seconds, so current Feast can read every row.
        st.executeUpdate(SqliteTime.migrationSql(t, "event_ts"));
        st.executeUpdate(SqliteTime.migrationSql(t, "created_ts"));
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
            checkPlannedOwner(v);
            if (!tableExists(t)) {
                out.add(new PlannedChange(PlannedChange.Action.CREATE, "table " + t, "in " + config.path()));
            } else {
                out.add(new PlannedChange(PlannedChange.Action.UNCHANGED, "table " + t,
                        hasTextTimestamps(t) ? "its text timestamps (Feast <= 0.41) will be converted to epoch seconds" : ""));
            }
        }
        for (FeatureView v : change.viewsToDelete()) {
            String t = tableName(v);
            checkPlannedOwner(v);
            if (tableExists(t)) out.add(new PlannedChange(PlannedChange.Action.DELETE, "table " + t, "in " + config.path()));
        }
        return out;
    }

    private void checkPlannedOwner(FeatureView v) {
        Connection c = readers.borrow();
        try {
            SqliteTableOwners.Owner owner = SqliteTableOwners.ownerOf(c, tableName(v));
            if (!SqliteTableOwners.allows(owner, project, v.name())) {
                throw SqliteTableOwners.conflict(Operation.PLAN, config.path(), tableName(v), owner, project, v.name());
            }
        } catch (SQLException e) {
            throw SqliteFailures.of(Operation.PLAN, config.path(), tableName(v), "look up the table's owner", e);
        } finally {
            readers.release(c);
        }
    }

    private boolean tableExists(String table) {
        return queryAnswers(table, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table);
    }

    private boolean hasTextTimestamps(String table) {
        return queryAnswers(table, "SELECT 1 FROM " + quote(table) + " WHERE typeof(event_ts) = 'text' OR typeof(created_ts) = 'text' LIMIT 1");
    }

    private boolean queryAnswers(String table, String sql, String... params) {
        Connection c = readers.borrow();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw SqliteFailures.of(Operation.PLAN, config.path(), table, "look up the table", e);
        } finally {
            readers.release(c);
        }
    }

    @Override
    public void teardown(List<FeatureView> views) {
        checkWritable("drop tables");
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
        if (writer != null) {
            checkpointer.close();
            synchronized (writeLock) {
                SqliteReadPool.closeQuietly(writer);
            }
        }
        readers.close();
    }

    @Override
    public String toString() {
        return "SqliteOnlineStore{" + config.path() + ", project=" + project + "}";
    }
}
