package dev.larder.spi;

/**
 * Told how many rows a write has stored so far. Backends with asynchronous clients call it from
 * their I/O threads, possibly several at once: implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = rows -> { };

    /** {@code rows} more rows are durably written. */
    void rowsWritten(long rows);
}
