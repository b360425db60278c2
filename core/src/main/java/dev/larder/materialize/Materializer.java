package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.config.RepoConfig;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.engine.MaterializationEngine;
import dev.larder.engine.MaterializationProgress;
import dev.larder.engine.MaterializationTask;
import dev.larder.engine.OfflineSource;
import dev.larder.engine.OnlineTarget;
import dev.larder.engine.StoreSpec;
import dev.larder.engine.ViewOutcome;
import dev.larder.registry.Registry;
import dev.larder.registry.Repository;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Loads the latest offline rows of applied views into the online store, through the engine that
 * {@code batch_engine.type} selects. A view's watermark (its materialized interval in the
 * registry) is recorded only after the engine reports all its rows written, so a failure leaves
 * it where it was; writes are newest-wins upserts, so running the same command again completes
 * the work with nothing lost or duplicated. Watermarks of finished views are recorded together,
 * at most every {@link #DEFAULT_WATERMARK_INTERVAL} and when the run ends or fails, so that many
 * small views do not rewrite the registry once each. A watermark is never recorded past the
 * repository clock's current time.
 */
public final class Materializer {
    /** How long finished views' watermarks may wait to be recorded together (a killed run redoes at most this much work). */
    public static final Duration DEFAULT_WATERMARK_INTERVAL = Duration.ofSeconds(2);

    private final Repository repo;
    private final OnlineStore store;
    private final MaterializationListener listener;
    private final Supplier<MaterializationEngine> engines;
    private final boolean closeEngine;
    private final Duration watermarkInterval;

    /** With the engine feature_store.yaml selects, created for each run and closed after it. */
    public Materializer(Repository repo, OnlineStore store, MaterializationListener listener) {
        this(repo, store, listener, () -> MaterializationEngines.installed().create(repo.config()), true);
    }

    /** With an engine the caller created and closes (e.g. around a Spark session it owns). */
    public Materializer(Repository repo, OnlineStore store, MaterializationListener listener, MaterializationEngine engine) {
        this(repo, store, listener, () -> engine, false);
    }

    private Materializer(Repository repo, OnlineStore store, MaterializationListener listener,
                         Supplier<MaterializationEngine> engines, boolean closeEngine, Duration watermarkInterval) {
        this.repo = repo;
        this.store = store;
        this.listener = listener;
        this.engines = engines;
        this.closeEngine = closeEngine;
        this.watermarkInterval = watermarkInterval;
    }

    private Materializer(Repository repo, OnlineStore store, MaterializationListener listener,
                         Supplier<MaterializationEngine> engines, boolean closeEngine) {
        this(repo, store, listener, engines, closeEngine, DEFAULT_WATERMARK_INTERVAL);
    }

    /** This materializer recording finished views' watermarks at most every {@code interval} (zero: after each view). */
    public Materializer withWatermarkInterval(Duration interval) {
        return new Materializer(repo, store, listener, engines, closeEngine, interval);
    }

    /** Materializes [start, end] (both included) for the named views, or all applied views when none are named. */
    public List<ViewResult> materialize(Collection<String> viewNames, Instant start, Instant end) {
        if (end.isBefore(start)) {
            throw new LarderException("END " + end + " is before START " + start + "; give START first, then a later END");
        }
        List<Registry.ViewEntry> views = selected(repo.appliedRegistry(), viewNames);
        Instant recordEnd = watermarkEnd(end);
        List<ViewResult> results = new ArrayList<>();
        MaterializationEngine engine = engines.get();
        Watermarks watermarks = new Watermarks();
        try {
            for (Registry.ViewEntry e : views) {
                results.add(materializeView(engine, e.definition(), start, end, recordEnd, watermarks));
            }
        } catch (RuntimeException | Error e) {
            watermarks.recordAfterFailure(e);
            throw e;
        } finally {
            if (closeEngine) engine.close();
        }
        watermarks.record();
        return results;
    }

    /** END, or now when END is in the future: rows up to END are loaded, but later ones may still arrive. */
    private Instant watermarkEnd(Instant end) {
        Instant now = repo.clock().instant();
        if (!end.isAfter(now)) return end;
        listener.note("END " + end + " is in the future: watermarks are recorded up to now (" + now
                + "), so that materialize-incremental loads rows that arrive later");
        return now;
    }

    /**
     * Materializes each view from its watermark (the end of its last materialized interval) to
     * {@code end}; a view never materialized starts at end minus its ttl (or the epoch without ttl).
     */
    public List<ViewResult> materializeIncremental(Collection<String> viewNames, Instant end) {
        List<Registry.ViewEntry> views = selected(repo.appliedRegistry(), viewNames);
        Instant recordEnd = watermarkEnd(end);
        String storeIdentity = repo.registryStore().config().isFeast() ? null : repo.storeIdentity();
        List<ViewResult> results = new ArrayList<>();
        MaterializationEngine engine = null;
        Watermarks watermarks = new Watermarks();
        try {
            for (Registry.ViewEntry e : views) {
                FeatureView v = e.view();
                // A watermark recorded for another online store says nothing of this one: start as for a new view.
                Optional<Instant> watermark = storeIdentity == null ? e.watermark() : e.watermark(storeIdentity);
                Instant start = watermark.orElse(v.ttl().isZero() ? Instant.EPOCH : end.minus(v.ttl()));
                if (start.isAfter(end)) {
                    ViewResult r = new ViewResult(v.name(), start, end, 0, Duration.ZERO,
                            "already materialized up to " + start + ", after END " + end);
                    listener.viewFinished(r);
                    results.add(r);
                    continue;
                }
                if (engine == null) engine = engines.get();
                results.add(materializeView(engine, e.definition(), start, end, recordEnd, watermarks));
            }
        } catch (RuntimeException | Error e) {
            watermarks.recordAfterFailure(e);
            throw e;
        } finally {
            if (closeEngine && engine != null) engine.close();
        }
        watermarks.record();
        return results;
    }

    /** Watermarks of views whose rows are all written, waiting to be recorded in one registry update. */
    private final class Watermarks {
        private final Map<String, Registry.Interval> pending = new LinkedHashMap<>();
        private long lastRecorded = System.nanoTime();

        void add(String view, Registry.Interval interval) {
            pending.put(view, interval);
            if (System.nanoTime() - lastRecorded >= watermarkInterval.toNanos()) record();
        }

        void record() {
            if (pending.isEmpty()) return;
            repo.recordMaterialized(new LinkedHashMap<>(pending));
            pending.clear();
            lastRecorded = System.nanoTime();
        }

        /** The views finished before a failure keep their progress; the failure stays what the caller sees. */
        void recordAfterFailure(Throwable failure) {
            try {
                record();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
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

    private ViewResult materializeView(MaterializationEngine engine, FeatureViewDefinition def, Instant start, Instant end,
                                       Instant recordEnd, Watermarks watermarks) {
        long began = System.nanoTime();
        FeatureView view = def.view();
        RepoConfig config = repo.config();
        MaterializationTask task = new MaterializationTask(view, offlineSource(def.source(), config.repoPath()), start, end);
        Optional<String> nothing = SourceFiles.check(task);
        ViewOutcome outcome = nothing.isPresent() ? ViewOutcome.emptySource(nothing.get())
                : engine.materialize(task, new OnlineTarget(store, storeSpec(config)), progressOf(view.name(), start, end));
        if (!outcome.advanceWatermark()) {
            // An empty file is likely a mistake: the watermark stays so the interval is loaded once the data is there.
            ViewResult r = new ViewResult(view.name(), start, end, 0, Duration.ofNanos(System.nanoTime() - began), outcome.note());
            listener.viewFinished(r);
            return r;
        }
        String note = outcome.rows() == 0 ? "no rows with event time in [" + start + ", " + end + "]" : outcome.note();
        Instant recorded = recordEnd;
        if (start.isAfter(recordEnd)) {
            // The whole interval is in the future: nothing can be recorded without claiming time that has not come.
            recorded = end;
            note = (note.isEmpty() ? "sent " + outcome.rows() + " rows" : note) + "; START " + start
                    + " is in the future, so no watermark is recorded";
        } else {
            watermarks.add(view.name(), new Registry.Interval(start, recordEnd));
        }
        ViewResult r = new ViewResult(view.name(), start, recorded, outcome.rows(), Duration.ofNanos(System.nanoTime() - began), note);
        listener.viewFinished(r);
        return r;
    }

    private MaterializationProgress progressOf(String view, Instant start, Instant end) {
        return new MaterializationProgress() {
            @Override
            public void selected(long rows) {
                listener.viewStarted(view, start, end, rows);
            }

            @Override
            public void written(long rows) {
                listener.rowsWritten(view, rows);
            }
        };
    }

    /** Where a view's rows come from: a path relative to the repository, an absolute path, or a URI. */
    public static OfflineSource offlineSource(SourceDefinition src, Path repoPath) {
        String location = OfflineSource.hasScheme(src.path()) ? src.path() : src.resolve(repoPath).toString();
        OfflineSource.Format format = src.format() == SourceDefinition.Format.CSV ? OfflineSource.Format.CSV : OfflineSource.Format.PARQUET;
        return new OfflineSource(location, src.path(), format, src.timestampField(), src.createdTimestampColumn());
    }

    /** The online store's configuration, for engines that open it in other processes. */
    public static StoreSpec storeSpec(RepoConfig config) {
        return new StoreSpec(config.project(), config.repoPath().toAbsolutePath().toString(), config.onlineStoreType(),
                config.onlineStore().raw());
    }
}
