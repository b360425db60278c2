package dev.larder.engine;

/**
 * How a task ended, when it did not throw.
 *
 * @param rows              rows written (the latest row per entity key in the interval)
 * @param advanceWatermark  whether the interval is now loaded; false when the source was empty, which
 *                          is likely a mistake, so the interval is loaded once the data is there
 * @param note              why nothing was written, or empty
 */
public record ViewOutcome(long rows, boolean advanceWatermark, String note) {
    public static ViewOutcome written(long rows) {
        return new ViewOutcome(rows, true, "");
    }

    /** Nothing to load yet (an empty file): the watermark stays. */
    public static ViewOutcome emptySource(String note) {
        return new ViewOutcome(0, false, note);
    }
}
