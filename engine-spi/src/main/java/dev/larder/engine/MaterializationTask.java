package dev.larder.engine;

import dev.larder.spi.FeatureView;

import java.time.Instant;
import java.util.Objects;

/**
 * One view's materialization: its offline source and the interval of event times to load.
 *
 * @param view   the view (join keys, features and their types)
 * @param source where its rows come from
 * @param start  interval start, included
 * @param end    interval end, included
 */
public record MaterializationTask(FeatureView view, OfflineSource source, Instant start, Instant end) {
    public MaterializationTask {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) throw new IllegalArgumentException("end " + end + " is before start " + start);
    }

    /** "feature view 'name': ", the prefix of every message about this task. */
    public String where() {
        return "feature view '" + view.name() + "': ";
    }
}
