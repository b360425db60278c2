package dev.larder;

import dev.larder.config.RepoConfig;
import dev.larder.config.ServingConfig;
import dev.larder.read.RequestPlan;
import dev.larder.read.ResponseAssembler;
import dev.larder.read.ViewReader;
import dev.larder.spi.Capability;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;

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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private final Map<String, FeatureView> views;
    private final Clock clock;
    private final ServingConfig serving;
    private final ViewReader reader;
    private final boolean ownsStore;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FeatureStore(Builder b) {
        this.project = b.project;
        this.store = b.store;
        this.capabilities = Set.copyOf(b.store.capabilities());
        Map<String, FeatureView> byName = new LinkedHashMap<>();
        for (FeatureView v : b.views) {
            if (byName.put(v.name(), v) != null) {
                throw new LarderException("Feature view '" + v.name() + "' is defined twice");
            }
        }
        this.views = Map.copyOf(byName);
        this.clock = b.clock;
        this.serving = b.serving;
        this.ownsStore = b.ownsStore;
        this.reader = new ViewReader(store, serving.readThreads(), serving.maxConcurrentReads());
        LOG.info("Serving project {} from {} ({} feature views; capabilities {})", project, store.getClass().getSimpleName(),
                views.size(), capabilities);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a feature repository: reads {@code feature_store.yaml}, creates the configured online
     * store and serves the feature views recorded in the registry by {@code apply}.
     */
    public static FeatureStore open(Path repo) {
        RepoConfig config = RepoConfig.load(repo);
        return builder().config(config).views(RepositoryViews.applied(config)).build();
    }

    public String project() {
        return project;
    }

    public OnlineStore onlineStore() {
        return store;
    }

    /** The capabilities of the configured store ({@link OnlineStore#capabilities()}). */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    public Map<String, FeatureView> featureViews() {
        return views;
    }

    public FeatureView featureView(String name) {
        checkOpen();
        FeatureView v = views.get(name);
        if (v == null) {
            throw new LarderException("Unknown feature view '" + name + "'. Available: " + new java.util.TreeSet<>(views.keySet()));
        }
        return v;
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
        store.write(view, rows, progress);
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
        }
        for (Map.Entry<String, Value> e : row.values().entrySet()) {
            Field f = view.feature(e.getKey()).orElseThrow(() -> new LarderException(
                    "Feature view '" + view.name() + "' has no feature '" + e.getKey() + "'. Features: " + view.featureNames()));
            Value v = e.getValue();
            if (!v.isNull() && v.type() != f.type()) {
                throw new LarderException("Feature '" + view.name() + ":" + f.name() + "' is " + f.type() + "; got a " + v.type()
                        + " value for entity " + row.entityKey());
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
            return getOnlineFeaturesAsync(featureRefs, entityRows, fullFeatureNames).join();
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
     * pool. A bad request fails the returned future (it does not throw).
     */
    public CompletableFuture<OnlineResponse> getOnlineFeaturesAsync(List<String> featureRefs, List<? extends Map<String, ?>> entityRows,
                                                                     boolean fullFeatureNames) {
        Instant now = clock.instant();
        RequestPlan plan;
        try {
            checkOpen();
            plan = RequestPlan.of(views, featureRefs, entityRows, fullFeatureNames);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return reader.read(plan, serving.requestTimeout()).thenApply(rows -> ResponseAssembler.assemble(plan, rows, now));
    }

    /**
     * Creates what the views need in the online store (tables, hashes' bookkeeping), for views
     * given in code rather than applied with {@code larder apply}. Idempotent; drops nothing.
     * Does nothing on a store without {@link Capability#UPDATE_INFRA}.
     */
    public void updateInfrastructure() {
        checkOpen();
        if (capabilities.contains(Capability.UPDATE_INFRA)) {
            store.update(InfraChange.keep(new ArrayList<>(views.values())));
        }
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
            reader.close();
        } finally {
            if (ownsStore) store.close();
        }
    }

    public static final class Builder {
        private String project;
        private OnlineStore store;
        private Collection<FeatureView> views = List.of();
        private Clock clock = Clock.systemUTC();
        private ServingConfig serving = ServingConfig.DEFAULTS;
        private boolean ownsStore;

        /** Creates the online store that {@code feature_store.yaml} configures; the facade closes it. */
        public Builder config(RepoConfig config) {
            this.project = config.project();
            this.serving = config.serving();
            this.store = OnlineStores.installed().open(config, clock);
            this.ownsStore = true;
            return this;
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

        /** The clock that decides what is outside max age (tests pin it). */
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

        public FeatureStore build() {
            if (store == null) {
                throw new IllegalStateException("Set config(...) or store(...) before build()");
            }
            return new FeatureStore(this);
        }
    }
}
