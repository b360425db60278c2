package dev.larder.engine;

/**
 * Loads the latest offline row per entity key of one feature view into the online store.
 *
 * <p>The contract every engine keeps (Larder's orchestration relies on it to move watermarks):
 * <ul>
 *   <li>the rows selected are those with event time in [start, end], both ends included, one per
 *       entity key: the latest event time, ties broken by the latest created time (a row without
 *       one loses); rows with a null join key are skipped;</li>
 *   <li>columns are converted to the view's types with Larder's shared rules and messages;</li>
 *   <li>rows reach the store only through {@link dev.larder.spi.OnlineStore#write}, in batches of
 *       at most the context's write batch size, with memory bounded by that batch size, not by the
 *       number of rows;</li>
 *   <li>{@link #materialize} returns only when every selected row is written, and throws otherwise
 *       (any failure, on any thread or executor): the caller then leaves the watermark where it was.
 *       Writes are newest-wins upserts, so running the task again completes it.</li>
 * </ul>
 * An engine serves one materialization run and is closed at its end.
 */
public interface MaterializationEngine extends AutoCloseable {

    /** Runs one view's task to completion, or throws. */
    ViewOutcome materialize(MaterializationTask task, OnlineTarget target, MaterializationProgress progress);

    /** Releases what the engine started (connections, sessions, temporary files). */
    @Override
    void close();
}
