package dev.larder.spi;

/** Told how many rows a write has stored so far; called from the writing thread(s). */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = rows -> { };

    /** {@code rows} more rows are durably written. */
    void rowsWritten(long rows);
}
