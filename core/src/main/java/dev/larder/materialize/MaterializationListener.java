package dev.larder.materialize;

import java.time.Instant;

/** Told what a materialization run does, view by view (the CLI draws progress bars or log lines from it). */
public interface MaterializationListener {
    MaterializationListener NONE = new MaterializationListener() { };

    /** A view's rows for [start, end] are read; {@code rows} of them are about to be written. */
    default void viewStarted(String view, Instant start, Instant end, long rows) {
    }

    /** {@code rows} more rows of the view are written. */
    default void rowsWritten(String view, long rows) {
    }

    /** The view is done (written, or skipped with a note saying why). */
    default void viewFinished(ViewResult result) {
    }

    /** Something the user should know about the whole run, e.g. that END was past the current time. */
    default void note(String message) {
    }
}
