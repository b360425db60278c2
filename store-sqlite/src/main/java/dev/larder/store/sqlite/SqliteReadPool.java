package dev.larder.store.sqlite;

import dev.larder.spi.OnlineStoreException;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most {@code size} reading connections, opened on demand and kept: a read beyond the bound
 * waits for one to be returned, up to a deadline, then fails with a retryable
 * {@link OnlineStoreException} that names the bound (N concurrent requests never mean N connections).
 */
final class SqliteReadPool implements AutoCloseable {
    private final int size;
    private final Duration timeout;
    private final Supplier<Connection> opener;
    private final String resource;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean closed;

    SqliteReadPool(int size, Duration timeout, Supplier<Connection> opener, String resource) {
        this.size = size;
        this.timeout = timeout;
        this.opener = opener;
        this.resource = resource;
        this.permits = new Semaphore(size, true);
    }

    Connection borrow() {
        try {
            if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new OnlineStoreException(SqliteFailures.TYPE, OnlineStoreException.Operation.READ, resource, true,
                        "all " + size + " read connections stayed busy for " + timeout.toMillis() + " ms"
                                + " (online_store.read_pool_size " + size + ", read_pool_timeout " + timeout.toMillis() + "ms)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OnlineStoreException(SqliteFailures.TYPE, OnlineStoreException.Operation.READ, resource, true,
                    "interrupted while waiting for a read connection", e);
        }
        if (closed) {
            permits.release();
            throw new IllegalStateException("The SQLite online store " + resource + " is closed");
        }
        Connection c = idle.pollFirst();
        if (c != null) return c;
        try {
            c = opener.get();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
        opened.incrementAndGet();
        return c;
    }

    void release(Connection c) {
        if (closed) {
            closeQuietly(c);
        } else {
            idle.offerFirst(c);
            if (closed && idle.remove(c)) closeQuietly(c); // closed meanwhile
        }
        permits.release();
    }

    /** Connections opened so far (they stay open until {@link #close}). */
    int opened() {
        return opened.get();
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.pollFirst()) != null) closeQuietly(c);
    }

    static void closeQuietly(Connection c) {
        try {
            if (c != null) c.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
