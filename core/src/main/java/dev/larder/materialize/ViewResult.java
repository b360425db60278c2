package dev.larder.materialize;

import java.time.Duration;
import java.time.Instant;

/**
 * What materialization did for one view.
 *
 * @param view    the view
 * @param start   interval start (included)
 * @param end     interval end (included)
 * @param rows    rows written (latest row per entity key in the interval)
 * @param elapsed wall time from reading the source to the last write
 * @param note    why nothing was written, or empty
 */
public record ViewResult(String view, Instant start, Instant end, long rows, Duration elapsed, String note) {
    public double rowsPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : rows / s;
    }

    public boolean skipped() {
        return !note.isEmpty();
    }
}
