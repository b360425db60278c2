package dev.larder.store.sqlite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Supplier;

/**
 * Moves committed pages from the WAL into the database file on a thread of its own, so that the
 * writer does not wait for a checkpoint's two fsyncs after its commits (SQLite's auto-checkpoint
 * runs them on the committing connection). The writer's connection has {@code wal_autocheckpoint=0}
 * and calls {@link #committed} after each commit; this thread then runs a PASSIVE checkpoint on its
 * own connection, which blocks neither readers nor the writer, with {@code synchronous=NORMAL}: the
 * WAL is synced before pages are copied and the database file before the WAL can be reused, the
 * same guarantees as SQLite's own auto-checkpoint. Materializing 10 million rows got about a fifth
 * faster on the benchmark machine (docs/benchmarks/materialization.md).
 *
 * <p>Once the WAL has grown past {@code walLimitBytes} the writer checkpoints itself after its commit,
 * as SQLite's auto-checkpoint would every 1,000 pages, so the WAL stays bounded (see
 * {@link #committed}).
 */
final class SqliteCheckpointer implements AutoCloseable {
    /** The WAL size past which the writer checkpoints on its own connection (SQLite's own default is 1,000 pages). */
    static final long WAL_LIMIT_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(SqliteCheckpointer.class);

    private final Path wal;
    private final long walLimitBytes;
    private final Supplier<Connection> connections;
    private final Thread thread;
    private boolean due;
    private boolean closed;
    private boolean warned;

    /**
     * @param database    the database file (its WAL is the file with {@code -wal} appended)
     * @param connections opens the checkpointing connection (read-write, WAL, synchronous NORMAL)
     */
    SqliteCheckpointer(Path database, long walLimitBytes, Supplier<Connection> connections) {
        this.wal = database.resolveSibling(database.getFileName() + "-wal");
        this.walLimitBytes = walLimitBytes;
        this.connections = connections;
        this.thread = new Thread(this::run, "larder-sqlite-checkpoint-" + database.getFileName());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * After a commit on {@code writer}, outside any transaction: wakes the checkpointing thread and,
     * once the WAL has grown past the limit, checkpoints on the writer's connection. The WAL only
     * starts over when it was fully checkpointed before the writer's next transaction began, which
     * a thread of its own cannot promise while the writer goes on; the writer's checkpoint then has
     * little left to copy and sync, since this thread did most of it meanwhile.
     */
    void committed(Connection writer) {
        synchronized (this) {
            due = true;
            notifyAll();
        }
        if (walBytes() > walLimitBytes) {
            try {
                checkpoint(writer);
            } catch (SQLException e) {
                warnOnce("the writer's checkpoint", e);
            }
        }
    }

    private synchronized void warnOnce(String what, Exception e) {
        if (warned) return;
        warned = true;
        LOG.warn("{} of {} failed ({}); the WAL grows until a checkpoint succeeds (SQLite also checkpoints when the last connection closes)",
                what, wal, e.getMessage());
    }

    private long walBytes() {
        try {
            return Files.size(wal);
        } catch (IOException e) {
            return 0; // no WAL yet, or it was just removed by a closing connection
        }
    }

    private static void checkpoint(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
        }
    }

    private void run() {
        Connection c = null;
        try {
            while (awaitDue()) {
                try {
                    if (c == null) c = connections.get();
                    checkpoint(c);
                } catch (SQLException | RuntimeException e) {
                    // The writer still checkpoints past the WAL limit; say so once, not per commit.
                    warnOnce("Background checkpoints", e);
                }
            }
        } finally {
            SqliteReadPool.closeQuietly(c);
        }
    }

    private synchronized boolean awaitDue() {
        while (!due && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        due = false;
        return !closed;
    }

    /** Stops the thread (a checkpoint under way finishes first); the closing writer checkpoints what is left. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
