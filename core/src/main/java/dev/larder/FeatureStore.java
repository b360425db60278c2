package dev.larder;

import dev.larder.config.CacheConfig;
import dev.larder.config.RepoConfig;
import dev.larder.config.ServingConfig;
import dev.larder.definitions.FeatureServiceDefinition;
import dev.larder.read.ReadMetrics;
import dev.larder.read.ReadTracing;
import dev.larder.read.RequestPlan;
import dev.larder.read.RowCache;
import dev.larder.read.ResponseAssembler;
import dev.larder.read.ViewReader;
import dev.larder.registry.RegistryStore;
import dev.larder.registry.RegistryStores;
import dev.larder.spi.Capability;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The facade a host application embeds: reads online features for entity rows, with Feast's
 * statuses and max-age rule, and writes rows, over whichever backend the configuration selects.
 * Thread-safe; create one per application and close it at shutdown.
 *
 * <pre>{@code
 * try (FeatureStore store = FeatureStore.open(Path.of("feature_repo"))) {
 *     OnlineResponse r = store.getOnlineFeatures(
 *             List.of("driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate"),
 *             List.of(Map.of("driver_id", 1001L), Map.of("driver_id", 1002L)));
 *     float convRate = r.value(0, "driver_hourly_stats:conv_rate").asFloat();
 * }
 * }</pre>
 */
public final class FeatureStore implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeatureStore.class);
    private final String project;
    private final OnlineStore store;
    private final Set<Capability> capabilities;
    private final Supplier<Catalog> catalog;
    private final Clock clock;
    private final ServingConfig serving;
    private final ViewReader reader;
    private final RowCache cache;
    private final ReadMetrics metrics;
    private final ReadTracing tracing;
    /** Reloads the registry for the asynchronous reads, which never wait for it (null: fixed definitions). */
    private final ExecutorService registryReloader;
    private final boolean ownsStore;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FeatureStore(Builder b) {
        this.project = b.project;
        this.store = b.store;
        this.capabilities = Set.copyOf(b.store.capabilities());
        this.clock = b.clock;
        this.catalog = b.registryStore != null
                ? new RefreshingCatalog(b.registryStore, b.project, b.registryTtl, b.clock)
                : fixed(b.catalog != null ? b.catalog : Catalog.of(b.views));
        this.serving = b.serving;
        this.ownsStore = b.ownsStore;
        String storeType = b.storeType != null ? b.storeType : store.getClass().getSimpleName();
        this.cache = new RowCache(b.cache, b.meters, clock);
        this.metrics = new ReadMetrics(b.meters, storeType);
        this.tracing = new ReadTracing(b.openTelemetry, storeType);
        this.reader = new ViewReader(store, serving.readThreads(), serving.maxConcurrentReads(), cache, metrics, tracing);
        this.registryReloader = catalog instanceof RefreshingCatalog ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "larder-registry-reload");
            t.setDaemon(true);
            return t;
        }) : null;
        LOG.info("Serving project {} from the {} store ({} feature views; capabilities {})", project, storeType,
                catalog.get().views().size(), capabilities);
    }

    private static Supplier<Catalog> fixed(Catalog c) {
        return () -> c;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a feature repository: reads {@code feature_store.yaml}, creates the configured online
     * store and serves the feature views and services of the registry it names (Larder's, or
     * Feast's file or SQL registry), re-reading it every {@code cache_ttl_seconds}.
     */
    public static FeatureStore open(Path repo) {
        return builder().repository(repo).build();
    }

    public String project() {
        return project;
    }

    /** Where this facade's meters go ({@link Builder#meterRegistry}); the server renders it at {@code GET /metrics}. */
    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    public OnlineStore onlineStore() {
        return store;
    }

    /** The capabilities of the configured store ({@link OnlineStore#capabilities()}). */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    public Map<String, FeatureView> featureViews() {
        return catalog.get().views();
    }

    /** The definitions served now (a registry refresh replaces them as a whole). */
    public Catalog catalog() {
        return catalog.get();
    }

    /** When the served definitions were read from the registry; empty when they were given in code. */
    public Optional<Instant> registryLoadedAt() {
        return catalog instanceof RefreshingCatalog r ? Optional.of(r.loadedAt()) : Optional.empty();
    }

    /** Why the latest registry re-read failed (the last good definitions are still served); empty when it succeeded. */
    public Optional<String> registryRefreshFailure() {
        return catalog instanceof RefreshingCatalog r ? r.lastFailure() : Optional.empty();
    }

    public FeatureView featureView(String name) {
        checkOpen();
        return catalog.get().view(name);
    }

    /** Writes rows to a view, after checking that every value matches its feature's type. */
    public void write(String viewName, List<FeatureRow> rows) {
        write(viewName, rows, ProgressListener.NONE);
    }

    public void write(String viewName, List<FeatureRow> rows, ProgressListener progress) {
        checkOpen();
        FeatureView view = featureView(viewName);
        for (FeatureRow row : rows) {
            checkRow(view, row);
        }
        try {
            store.write(view, rows, progress);
        } finally {
            // Whatever the outcome (a failed write may have stored part), cached rows of these keys are stale.
            if (cache.caches(viewName)) cache.invalidate(viewName, rows.stream().map(FeatureRow::entityKey).toList());
        }
    }

    private static void checkRow(FeatureView view, FeatureRow row) {
        if (!row.entityKey().joinKeys().equals(view.joinKeyNames())) {
            throw new LarderException("Row for view '" + view.name() + "' has join keys " + row.entityKey().joinKeys()
                    + "; the view's are " + view.joinKeyNames());
        }
        // A key of the wrong type would be stored where no read can reach it.
        for (Field jk : view.joinKeys()) {
            Value v = row.entityKey().value(jk.name());
            if (v.type() != jk.type()) {
                throw new LarderException("Join key '" + jk.name() + "' of view '" + view.name() + "' is " + jk.type() + "; got a "
                        + v.type() + " value in entity " + row.entityKey() + " (no read could ever find it)");
            }
            String text = WellFormedStrings.problem(v);
            if (text != null) {
                throw new LarderException("Join key '" + jk.name() + "' of view '" + view.name() + "': " + text + " (nothing was written)");
            }
        }
        for (Map.Entry<String, Value> e : row.values().entrySet()) {
            Field f = view.feature(e.getKey()).orElseThrow(() -> new LarderException(
                    "Feature view '" + view.name() + "' has no feature '" + e.getKey() + "'. Features: " + view.featureNames()));
            Value v = e.getValue();
            if (!v.isNull() && v.type() != f.type()) {
                throw new LarderException("Feature '" + view.name() + ":" + f.name() + "' is " + f.type() + "; got a " + v.type()
                        + " value for entity " + row.entityKey());
            }
            String text = WellFormedStrings.problem(v);
            if (text != null) {
                throw new LarderException("Feature '" + view.name() + ":" + f.name() + "' of entity " + row.entityKey() + ": " + text
                        + " (nothing was written)");
            }
        }
    }

    public OnlineResponse getOnlineFeatures(List<String> featureRefs, List<? extends Map<String, ?>> entityRows) {
        return getOnlineFeatures(featureRefs, entityRows, false);
    }

    /**
     * Reads features for entity rows. Each view is read once per request, for the distinct keys
     * of its own join keys; views are read concurrently, and views sharing join keys in one
     * round trip where the backend can. Blocks the caller until the answer is complete; see
     * {@link #getOnlineFeaturesAsync} for a caller that must not block.
     *
     * @param featureRefs      {@code view:feature} references
     * @param entityRows       join key values by join key name (a row may carry keys of several views)
     * @param fullFeatureNames name feature columns {@code view__feature} instead of {@code feature}
     * @throws LarderException for a bad request (unknown view or feature, missing or mistyped join key),
     *                         {@link StoreBusyException} when the read bound stays full until the deadline,
     *                         {@link RequestTimeoutException} past the deadline, or the store's
     *                         {@link dev.larder.spi.OnlineStoreException}
     */
    public OnlineResponse getOnlineFeatures(List<String> featureRefs, List<? extends Map<String, ?>> entityRows, boolean fullFeatureNames) {
        try {
            checkOpen();
            return readAsync(catalog.get(), featureRefs, entityRows, fullFeatureNames).join(); // a due registry reload runs here
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            if (cause instanceof Error) throw (Error) cause;
            throw new LarderException("Online read failed: " + cause, cause);
        }
    }

    /**
     * {@link #getOnlineFeatures} without blocking the calling thread: on stores with asynchronous
     * clients no thread waits at all; on blocking stores the reads run on the facade's bounded
     * pool. A bad request fails the returned future (it does not throw). The future may complete
     * on the store client's I/O thread: chain blocking work with an executor
     * ({@code thenApplyAsync(fn, executor)}), never directly. When the registry is due for a
     * reload ({@code cache_ttl_seconds}), the reload runs on a background thread and this call reads
     * with the definitions loaded so far.
     */
    public CompletableFuture<OnlineResponse> getOnlineFeaturesAsync(List<String> featureRefs, List<? extends Map<String, ?>> entityRows,
                                                                     boolean fullFeatureNames) {
        try {
            checkOpen();
            return readAsync(catalogWithoutWaiting(), featureRefs, entityRows, fullFeatureNames);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Reads the features of a feature service for entity rows, as Feast's
     * {@code get_online_features(features=feature_service)}: columns named {@code feature}, or
     * {@code view__feature} (the projection's alias in place of the view) with full feature names;
     * a feature name two projections share needs full feature names.
     */
    public OnlineResponse getOnlineFeatures(String featureService, List<? extends Map<String, ?>> entityRows, boolean fullFeatureNames) {
        try {
            checkOpen();
            return serviceAsync(catalog.get(), featureService, entityRows, fullFeatureNames).join(); // a due registry reload runs here
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            if (cause instanceof Error) throw (Error) cause;
            throw new LarderException("Online read failed: " + cause, cause);
        }
    }

    /** {@link #getOnlineFeatures(String, List, boolean)} without blocking the calling thread. */
    public CompletableFuture<OnlineResponse> getOnlineFeaturesAsync(String featureService, List<? extends Map<String, ?>> entityRows,
                                                                     boolean fullFeatureNames) {
        try {
            checkOpen();
            return serviceAsync(catalogWithoutWaiting(), featureService, entityRows, fullFeatureNames);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A feature service's read against one catalog; throws for an unknown service or a bad request. */
    private CompletableFuture<OnlineResponse> serviceAsync(Catalog c, String featureService, List<? extends Map<String, ?>> entityRows,
                                                           boolean fullFeatureNames) {
        List<FeatureServiceDefinition.Projection> projections = FeatureServiceResolver.resolve(c, featureService);
        if (FeatureServiceResolver.isPlain(projections)) {
            return readAsync(c, FeatureServiceResolver.featureRefs(projections), entityRows, fullFeatureNames);
        }
        // Aliases and join-key maps: each projection read on its own, then put together.
        List<CompletableFuture<OnlineResponse>> parts = new ArrayList<>();
        for (FeatureServiceDefinition.Projection p : projections) {
            parts.add(readAsync(c, ProjectedRead.refs(p), ProjectedRead.rows(p, entityRows), true));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(done ->
                ProjectedRead.combine(projections, parts.stream().map(CompletableFuture::join).toList(), entityRows.size(), fullFeatureNames));
    }

    /** The catalog being served; a due registry reload runs in the background instead of on the caller's thread. */
    private Catalog catalogWithoutWaiting() {
        return registryReloader != null ? ((RefreshingCatalog) catalog).getWithoutWaiting(registryReloader) : catalog.get();
    }

    /**
     * One request against one catalog (a registry refresh in between cannot mix two versions),
     * timed and traced; a bad request fails the future, counted as an error.
     */
    private CompletableFuture<OnlineResponse> readAsync(Catalog c, List<String> featureRefs, List<? extends Map<String, ?>> entityRows,
                                                        boolean fullFeatureNames) {
        Instant now = clock.instant();
        long started = metrics.start();
        Span span = tracing.startRequest(entityRows.size());
        RequestPlan plan;
        try {
            plan = RequestPlan.of(c.views(), c.selection(featureRefs, fullFeatureNames), entityRows);
        } catch (RuntimeException e) {
            metrics.request(started, null, null, e);
            ReadTracing.end(span, e);
            throw e;
        }
        return reader.read(plan, serving.requestTimeout(), span)
                .thenApply(rows -> ResponseAssembler.assemble(plan, rows, now))
                .whenComplete((response, e) -> {
                    Throwable cause = e == null ? null : dev.larder.spi.support.InFlight.unwrap(e);
                    metrics.request(started, plan, response, cause);
                    ReadTracing.end(span, cause);
                });
    }

    /**
     * Creates what the views need in the online store (tables, hashes' bookkeeping), for views
     * given in code rather than applied with {@code larder apply}. Idempotent; drops nothing.
     * Does nothing on a store without {@link Capability#UPDATE_INFRA}.
     */
    public void updateInfrastructure() {
        checkOpen();
        if (capabilities.contains(Capability.UPDATE_INFRA)) {
            store.update(InfraChange.keep(new ArrayList<>(catalog.get().views().values())));
        }
    }

    /**
     * Forgets every cached row of a view: call after writing to the store other than through
     * {@link #write} (a materialization does). No-op for a view that is not cached.
     */
    public void invalidateCache(String viewName) {
        cache.invalidateAll(viewName);
    }

    /** The in-process cache (for metrics and tests). */
    public RowCache cache() {
        return cache;
    }

    /** The bounds this facade reads with. */
    public ServingConfig servingConfig() {
        return serving;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new LarderException("This FeatureStore is closed; open a new one (FeatureStore.open or FeatureStore.builder())");
        }
    }

    /** Stops the read pool and, when the facade created the store, closes it. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            if (registryReloader != null) registryReloader.shutdownNow();
            reader.close();
        } finally {
            if (ownsStore) store.close();
        }
    }

    public static final class Builder {
        private String project;
        private OnlineStore store;
        private Collection<FeatureView> views = List.of();
        private Catalog catalog;
        private RegistryStore registryStore;
        private Duration registryTtl;
        private Clock clock = Clock.systemUTC();
        private ServingConfig serving = ServingConfig.DEFAULTS;
        private CacheConfig cache = CacheConfig.OFF;
        private MeterRegistry meters = Metrics.globalRegistry;
        private OpenTelemetry openTelemetry; // null: GlobalOpenTelemetry, looked up at the first request
        private String storeType;
        private boolean ownsStore;

        /** Creates the online store that {@code feature_store.yaml} configures; the facade closes it. */
        public Builder config(RepoConfig config) {
            this.project = config.project();
            this.serving = config.serving();
            this.cache = config.cache();
            this.storeType = config.onlineStoreType();
            this.store = OnlineStores.installed().open(config, clock);
            this.ownsStore = true;
            return this;
        }

        /**
         * A feature repository, as {@link FeatureStore#open(Path)} reads it: {@code feature_store.yaml}'s
         * online store and the registry it names (re-read every {@code cache_ttl_seconds}); the
         * other builder methods (meters, traces) still apply.
         */
        public Builder repository(Path repo) {
            RepoConfig config = RepoConfig.load(repo);
            config(config);
            return registry(RegistryStores.open(config.registry()), config.registry().cacheTtl());
        }

        /** Serves an existing store, which the caller keeps and closes. */
        public Builder store(String project, OnlineStore store) {
            this.project = Objects.requireNonNull(project);
            this.store = Objects.requireNonNull(store);
            this.ownsStore = false;
            return this;
        }

        public Builder views(Collection<FeatureView> views) {
            this.views = List.copyOf(views);
            return this;
        }

        /** Fixed definitions: feature views and feature services. */
        public Builder catalog(Catalog catalog) {
            this.catalog = Objects.requireNonNull(catalog);
            return this;
        }

        /**
         * Serves the project's definitions from a registry, re-read every {@code ttl} (zero: never);
         * a failed re-read keeps the last good definitions. The project comes from {@link #config} or {@link #store}.
         */
        public Builder registry(RegistryStore registry, Duration ttl) {
            this.registryStore = Objects.requireNonNull(registry);
            this.registryTtl = Objects.requireNonNull(ttl);
            return this;
        }

        /** The clock that decides what is outside max age and when cached rows expire (tests pin it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Threads that read blocking stores (feature_store.yaml: serving.read_threads). */
        public Builder readThreads(int n) {
            this.serving = serving.withReadThreads(n);
            return this;
        }

        /** View reads in flight at most (serving.max_concurrent_reads). */
        public Builder maxConcurrentReads(int n) {
            this.serving = serving.withMaxConcurrentReads(n);
            return this;
        }

        /** The deadline of one online read (serving.request_timeout). */
        public Builder requestTimeout(Duration d) {
            this.serving = serving.withRequestTimeout(d);
            return this;
        }

        /** Where Larder's meters go (default: Micrometer's global registry, a no-op until something is added to it). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = Objects.requireNonNull(registry);
            return this;
        }

        /** Where Larder's spans go (default: GlobalOpenTelemetry at the first request, a no-op without an SDK). */
        public Builder openTelemetry(OpenTelemetry otel) {
            this.openTelemetry = Objects.requireNonNull(otel);
            return this;
        }

        /** The in-process cache (feature_store.yaml: online_cache); off by default. */
        public Builder cache(CacheConfig cache) {
            this.cache = Objects.requireNonNull(cache);
            return this;
        }

        public FeatureStore build() {
            if (store == null) {
                throw new IllegalStateException("Set config(...) or store(...) before build()");
            }
            try {
                return new FeatureStore(this);
            } catch (RuntimeException | Error e) {
                // No registry, a view twice, ...: the store config(...) opened (connections, files, threads) is released.
                if (ownsStore) {
                    try {
                        store.close();
                    } catch (RuntimeException closing) {
                        e.addSuppressed(closing);
                    }
                }
                throw e;
            }
        }
    }
}
