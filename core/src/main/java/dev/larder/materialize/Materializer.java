package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.registry.Registry;
import dev.larder.registry.Repository;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Loads the latest offline rows of applied views into the online store. A view's watermark (its
 * materialized interval in the registry) is recorded only after all its rows are written, so a
 * failure leaves it where it was; writes are newest-wins upserts, so running the same command
 * again completes the work with nothing lost or duplicated.
 */
public final class Materializer {
    private final Repository repo;
    private final OnlineStore store;
    private final MaterializationListener listener;
    private final Clock clock;

    public Materializer(Repository repo, OnlineStore store, MaterializationListener listener, Clock clock) {
        this.repo = repo;
        this.store = store;
        this.listener = listener;
        this.clock = clock;
    }

    /** Materializes [start, end] (both included) for the named views, or all applied views when none are named. */
    public List<ViewResult> materialize(Collection<String> viewNames, Instant start, Instant end) {
        if (end.isBefore(start)) {
            throw new LarderException("END " + end + " is before START " + start + "; give START first, then a later END");
        }
        Registry registry = repo.appliedRegistry();
        List<ViewResult> results = new ArrayList<>();
        try (DuckDbSource source = new DuckDbSource()) {
            for (Registry.ViewEntry e : selected(registry, viewNames)) {
                results.add(materializeView(source, e.definition(), start, end));
            }
        }
        return results;
    }

    /**
     * Materializes each view from its watermark (the end of its last materialized interval) to
     * {@code end}; a view never materialized starts at end minus its ttl (or the epoch without ttl).
     */
    public List<ViewResult> materializeIncremental(Collection<String> viewNames, Instant end) {
        Registry registry = repo.appliedRegistry();
        List<ViewResult> results = new ArrayList<>();
        try (DuckDbSource source = new DuckDbSource()) {
            for (Registry.ViewEntry e : selected(registry, viewNames)) {
                FeatureView v = e.view();
                Instant start = e.watermark().orElse(v.ttl().isZero() ? Instant.EPOCH : end.minus(v.ttl()));
                if (start.isAfter(end)) {
                    ViewResult r = new ViewResult(v.name(), start, end, 0, Duration.ZERO,
                            "already materialized up to " + start + ", after END " + end);
                    listener.viewFinished(r);
                    results.add(r);
                    continue;
                }
                results.add(materializeView(source, e.definition(), start, end));
            }
        }
        return results;
    }

    private List<Registry.ViewEntry> selected(Registry registry, Collection<String> names) {
        if (registry.views().isEmpty()) {
            throw new LarderException("No feature views are applied; add some to features.yaml and run 'larder apply'");
        }
        if (names == null || names.isEmpty()) return new ArrayList<>(registry.views().values());
        List<Registry.ViewEntry> out = new ArrayList<>();
        for (String n : names) {
            out.add(registry.view(n).orElseThrow(() -> new LarderException("Unknown feature view '" + n
                    + "' in --views; applied views: " + new TreeSet<>(registry.views().keySet()))));
        }
        return out;
    }

    private ViewResult materializeView(DuckDbSource source, FeatureViewDefinition def, Instant start, Instant end) {
        long began = System.nanoTime();
        FeatureView view = def.view();
        int batchSize = repo.config().materializationBatchSize();
        try (DuckDbSource.Selection sel = source.select(def, repo.config().repoPath(), start, end)) {
            if (!sel.note().isEmpty()) {
                // An empty file is likely a mistake: the watermark stays so the interval is loaded once the data is there.
                ViewResult r = new ViewResult(view.name(), start, end, 0, Duration.ofNanos(System.nanoTime() - began), sel.note());
                listener.viewFinished(r);
                return r;
            }
            listener.viewStarted(view.name(), start, end, sel.count());
            long[] written = {0};
            sel.forEachBatch(batchSize, batch -> {
                store.write(view, batch, n -> { });
                written[0] += batch.size();
                listener.rowsWritten(view.name(), batch.size());
            });
            repo.recordMaterialized(view.name(), new Registry.Interval(start, end));
            String note = written[0] == 0 ? "no rows with event time in [" + start + ", " + end + "]" : "";
            ViewResult r = new ViewResult(view.name(), start, end, written[0], Duration.ofNanos(System.nanoTime() - began), note);
            listener.viewFinished(r);
            return r;
        }
    }

    public Clock clock() {
        return clock;
    }
}
