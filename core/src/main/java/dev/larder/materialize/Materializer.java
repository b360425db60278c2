package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.registry.Registry;
import dev.larder.registry.Repository;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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

    public Materializer(Repository repo, OnlineStore store, MaterializationListener listener) {
        this.repo = repo;
        this.store = store;
        this.listener = listener;
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
            long written = writePipelined(sel, view, batchSize);
            repo.recordMaterialized(view.name(), new Registry.Interval(start, end));
            String note = written == 0 ? "no rows with event time in [" + start + ", " + end + "]" : "";
            ViewResult r = new ViewResult(view.name(), start, end, written, Duration.ofNanos(System.nanoTime() - began), note);
            listener.viewFinished(r);
            return r;
        }
    }

    private static final List<FeatureRow> END_OF_ROWS = List.of();

    /**
     * Reads and converts the next batch on a second thread while this one writes the previous
     * batch: reading the source and writing the store overlap instead of taking turns.
     */
    private long writePipelined(DuckDbSource.Selection sel, FeatureView view, int batchSize) {
        BlockingQueue<List<FeatureRow>> queue = new ArrayBlockingQueue<>(2);
        AtomicReference<RuntimeException> readFailure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                sel.forEachBatch(batchSize, batch -> offer(queue, batch, stop));
            } catch (RuntimeException e) {
                if (!stop.get()) readFailure.set(e);
            } finally {
                offer(queue, END_OF_ROWS, stop);
            }
        }, "larder-materialize-read");
        reader.setDaemon(true);
        reader.start();
        long written = 0;
        try {
            while (true) {
                List<FeatureRow> batch = queue.take();
                if (batch == END_OF_ROWS) break;
                store.write(view, batch, n -> { });
                written += batch.size();
                listener.rowsWritten(view.name(), batch.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LarderException("Materialization of '" + view.name() + "' was interrupted", e);
        } finally {
            stop.set(true);
            queue.clear();
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (readFailure.get() != null) throw readFailure.get();
        return written;
    }

    private static void offer(BlockingQueue<List<FeatureRow>> queue, List<FeatureRow> batch, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                if (queue.offer(batch, 100, TimeUnit.MILLISECONDS)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (batch != END_OF_ROWS) throw new CancellationException("writing stopped");
    }
}
