package dev.larder.engine;

/**
 * What an engine reports while it runs a task (the CLI draws progress from it). An engine may call
 * it from a thread of its own (Spark's listener thread, say), but one call at a time.
 */
public interface MaterializationProgress {
    MaterializationProgress NONE = new MaterializationProgress() { };

    /** The rows to write are selected: {@code rows} of them, or -1 when the engine does not count them first. */
    default void selected(long rows) {
    }

    /** {@code rows} more rows are written. */
    default void written(long rows) {
    }
}
