package dev.larder;

import dev.larder.config.RepoConfig;
import dev.larder.definitions.FeatureServiceDefinition;
import dev.larder.registry.RegistryStore;
import dev.larder.registry.RegistryStores;
import dev.larder.spi.Capability;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.StoreContext;
import dev.larder.spi.Value;
import dev.larder.spi.ViewRead;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final String project;
    private final OnlineStore store;
    private final Set<Capability> capabilities;
    private final Supplier<Catalog> catalog;
    private final Clock clock;
    private final ExecutorService readExecutor;
    private final boolean ownsStore;

    private FeatureStore(Builder b) {
        this.project = b.project;
        this.store = b.store;
        this.capabilities = Set.copyOf(b.capabilities);
        this.clock = b.clock;
        this.catalog = b.registryStore != null
                ? new RefreshingCatalog(b.registryStore, b.project, b.registryTtl, b.clock)
                : fixed(b.catalog != null ? b.catalog : Catalog.of(b.views));
        this.ownsStore = b.ownsStore;
        // Blocking stores are read on this pool so that the views of one request run concurrently.
        AtomicInteger n = new AtomicInteger();
        this.readExecutor = capabilities.contains(Capability.ASYNC_READ) ? null : Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "larder-read-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
        RepoConfig config = RepoConfig.load(repo);
        return builder().config(config).registry(RegistryStores.open(config.registry()), config.registry().cacheTtl()).build();
    }

    public String project() {
        return project;
    }

    public OnlineStore onlineStore() {
        return store;
    }

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

    public FeatureView featureView(String name) {
        return catalog.get().view(name);
    }

    /** Writes rows to a view, after checking that every value matches its feature's type. */
    public void write(String viewName, List<FeatureRow> rows) {
        write(viewName, rows, ProgressListener.NONE);
    }

    public void write(String viewName, List<FeatureRow> rows, ProgressListener progress) {
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
     * round trip where the backend can.
     *
     * @param featureRefs      {@code view:feature} references
     * @param entityRows       join key values by join key name (a row may carry keys of several views)
     * @param fullFeatureNames name feature columns {@code view__feature} instead of {@code feature}
     */
    public OnlineResponse getOnlineFeatures(List<String> featureRefs, List<? extends Map<String, ?>> entityRows, boolean fullFeatureNames) {
        return read(catalog.get(), featureRefs, entityRows, fullFeatureNames);
    }

    /**
     * Reads the features of a feature service for entity rows, as Feast's
     * {@code get_online_features(features=feature_service)}: columns named {@code feature}, or
     * {@code view__feature} (the projection's alias in place of the view) with full feature names.
     */
    public OnlineResponse getOnlineFeatures(String featureService, List<? extends Map<String, ?>> entityRows, boolean fullFeatureNames) {
        Catalog c = catalog.get();
        List<FeatureServiceDefinition.Projection> projections = FeatureServiceResolver.resolve(c, featureService);
        if (FeatureServiceResolver.isPlain(projections)) {
            return read(c, FeatureServiceResolver.featureRefs(projections), entityRows, fullFeatureNames);
        }
        return ProjectedRead.read(projections, entityRows, fullFeatureNames,
                (refs, rows) -> read(c, refs, rows, true));
    }

    private OnlineResponse read(Catalog catalog, List<String> featureRefs, List<? extends Map<String, ?>> entityRows, boolean fullFeatureNames) {
        Instant now = clock.instant();
        if (featureRefs.isEmpty()) {
            throw new LarderException("No features requested; give at least one view:feature reference");
        }
        // Requested features per view, in request order.
        Map<String, List<FeatureRef>> byView = new LinkedHashMap<>();
        List<FeatureRef> refs = new ArrayList<>();
        Map<String, FeatureRef> byName = new HashMap<>();
        for (String s : featureRefs) {
            FeatureRef ref = FeatureRef.parse(s);
            if (refs.contains(ref)) {
                continue; // asked twice: one column
            }
            FeatureView view = catalog.view(ref.view());
            if (view.feature(ref.feature()).isEmpty()) {
                throw new LarderException("Feature view '" + view.name() + "' has no feature '" + ref.feature() + "'. Features: " + view.featureNames());
            }
            FeatureRef clash = fullFeatureNames ? null : byName.putIfAbsent(ref.feature(), ref);
            if (clash != null) {
                throw new LarderException("Feature name '" + ref.feature() + "' is requested from views '" + clash.view() + "' and '"
                        + ref.view() + "'; request full feature names (view__feature) to tell them apart");
            }
            refs.add(ref);
            byView.computeIfAbsent(ref.view(), k -> new ArrayList<>()).add(ref);
        }

        // Join keys: the union over the requested views, in first-seen order; each view's keys per row.
        List<Field> joinKeyColumns = new ArrayList<>();
        Map<String, ViewPlan> plans = new LinkedHashMap<>();
        for (String viewName : byView.keySet()) {
            FeatureView view = catalog.view(viewName);
            for (Field jk : view.joinKeys()) {
                if (!view.isEntityless() && joinKeyColumns.stream().noneMatch(f -> f.name().equals(jk.name()))) {
                    joinKeyColumns.add(jk);
                }
            }
            plans.put(viewName, ViewPlan.of(view, byView.get(viewName), entityRows));
        }

        Map<String, List<OnlineRow>> results = readAll(plans);

        List<OnlineResponse.Column> columns = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        int n = entityRows.size();
        for (Field jk : joinKeyColumns) {
            List<Value> values = new ArrayList<>(n);
            List<FieldStatus> statuses = new ArrayList<>(n);
            List<Instant> times = new ArrayList<>(n);
            for (Map<String, ?> row : entityRows) {
                Object raw = row.get(jk.name());
                values.add(raw == null ? null : EntityValues.convert(jk, raw));
                statuses.add(raw == null ? FieldStatus.NOT_FOUND : FieldStatus.PRESENT);
                times.add(null);
            }
            index.put(jk.name(), columns.size());
            columns.add(new OnlineResponse.Column(jk.name(), values, statuses, times));
        }
        for (FeatureRef ref : refs) {
            ViewPlan plan = plans.get(ref.view());
            List<OnlineRow> viewRows = results.get(ref.view());
            Instant oldestFresh = plan.view.maxAge().map(now::minus).orElse(null);
            List<Value> values = new ArrayList<>(n);
            List<FieldStatus> statuses = new ArrayList<>(n);
            List<Instant> times = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                OnlineRow stored = viewRows.get(plan.rowToKey[r]);
                Value v = stored.values().get(ref.feature());
                if (!stored.isPresent() || v == null) {
                    values.add(null);
                    statuses.add(FieldStatus.NOT_FOUND);
                    times.add(stored.eventTime());
                } else if (oldestFresh != null && stored.eventTime().isBefore(oldestFresh)) {
                    values.add(null);
                    statuses.add(FieldStatus.OUTSIDE_MAX_AGE);
                    times.add(stored.eventTime());
                } else {
                    values.add(v);
                    statuses.add(v.isNull() ? FieldStatus.NULL_VALUE : FieldStatus.PRESENT);
                    times.add(stored.eventTime());
                }
            }
            String name = fullFeatureNames ? ref.fullName() : ref.feature();
            index.put(ref.toString(), columns.size());
            index.putIfAbsent(name, columns.size());
            columns.add(new OnlineResponse.Column(name, values, statuses, times));
        }
        return new OnlineResponse(columns, index, n);
    }

    /** Reads every view's distinct keys: views sharing join keys together, groups concurrently. */
    private Map<String, List<OnlineRow>> readAll(Map<String, ViewPlan> plans) {
        Map<List<String>, List<ViewPlan>> groups = new LinkedHashMap<>();
        for (ViewPlan p : plans.values()) {
            // Only views with identical key lists can share a read; with MULTI_VIEW_READ the store does it in one round trip.
            List<String> groupKey = capabilities.contains(Capability.MULTI_VIEW_READ)
                    ? p.view.joinKeyNames() : List.of(p.view.name());
            groups.computeIfAbsent(groupKey, k -> new ArrayList<>()).add(p);
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        Map<String, List<OnlineRow>> results = new java.util.concurrent.ConcurrentHashMap<>();
        for (List<ViewPlan> group : groups.values()) {
            pending.add(readGroup(group).thenAccept(rows -> {
                for (int i = 0; i < group.size(); i++) {
                    results.put(group.get(i).view.name(), rows.get(i));
                }
            }));
        }
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            throw new LarderException("Online read failed: " + cause.getMessage(), cause);
        }
        return results;
    }

    private CompletableFuture<List<List<OnlineRow>>> readGroup(List<ViewPlan> group) {
        if (group.size() == 1) {
            ViewPlan p = group.get(0);
            if (readExecutor == null) {
                return store.readAsync(p.view, p.keys, p.features).thenApply(List::of);
            }
            return CompletableFuture.supplyAsync(() -> List.of(store.read(p.view, p.keys, p.features)), readExecutor);
        }
        // Views sharing join keys: read the union of their keys once.
        List<EntityKey> keys = unionKeys(group);
        List<ViewRead> reads = new ArrayList<>();
        for (ViewPlan p : group) reads.add(new ViewRead(p.view, p.features));
        CompletableFuture<List<List<OnlineRow>>> all = readExecutor == null
                ? store.readViewsAsync(reads, keys)
                : CompletableFuture.supplyAsync(() -> store.readViews(reads, keys), readExecutor);
        return all.thenApply(rows -> {
            Map<EntityKey, Integer> pos = new HashMap<>();
            for (int i = 0; i < keys.size(); i++) pos.put(keys.get(i), i);
            List<List<OnlineRow>> out = new ArrayList<>();
            for (int g = 0; g < group.size(); g++) {
                List<OnlineRow> viewRows = new ArrayList<>();
                for (EntityKey k : group.get(g).keys) viewRows.add(rows.get(g).get(pos.get(k)));
                out.add(viewRows);
            }
            return out;
        });
    }

    private static List<EntityKey> unionKeys(List<ViewPlan> group) {
        java.util.LinkedHashSet<EntityKey> keys = new java.util.LinkedHashSet<>();
        for (ViewPlan p : group) keys.addAll(p.keys);
        return new ArrayList<>(keys);
    }

    /** One view's part of a request: its distinct keys and, per entity row, which key it uses. */
    private static final class ViewPlan {
        final FeatureView view;
        final List<String> features;
        final List<EntityKey> keys;
        final int[] rowToKey;

        private ViewPlan(FeatureView view, List<String> features, List<EntityKey> keys, int[] rowToKey) {
            this.view = view;
            this.features = features;
            this.keys = keys;
            this.rowToKey = rowToKey;
        }

        static ViewPlan of(FeatureView view, List<FeatureRef> refs, List<? extends Map<String, ?>> entityRows) {
            List<String> features = new ArrayList<>();
            for (FeatureRef r : refs) if (!features.contains(r.feature())) features.add(r.feature());
            Map<EntityKey, Integer> distinct = new LinkedHashMap<>();
            int[] rowToKey = new int[entityRows.size()];
            for (int r = 0; r < entityRows.size(); r++) {
                EntityKey key = keyOf(view, entityRows.get(r), r);
                Integer i = distinct.putIfAbsent(key, distinct.size());
                rowToKey[r] = i == null ? distinct.size() - 1 : i;
            }
            return new ViewPlan(view, features, new ArrayList<>(distinct.keySet()), rowToKey);
        }

        private static EntityKey keyOf(FeatureView view, Map<String, ?> row, int rowIndex) {
            if (view.isEntityless()) {
                return EntityKey.DUMMY;
            }
            Map<String, Value> kv = new HashMap<>();
            for (Field jk : view.joinKeys()) {
                Object raw = row.get(jk.name());
                if (raw == null) {
                    throw new LarderException("Entity row " + rowIndex + " " + row.keySet() + " lacks join key '" + jk.name()
                            + "' needed by feature view '" + view.name() + "'");
                }
                kv.put(jk.name(), EntityValues.convert(jk, raw));
            }
            return EntityKey.of(kv);
        }
    }

    @Override
    public void close() {
        if (readExecutor != null) readExecutor.shutdownNow();
        if (ownsStore) store.close();
    }

    public static final class Builder {
        private String project;
        private OnlineStore store;
        private Set<Capability> capabilities;
        private Collection<FeatureView> views = List.of();
        private Catalog catalog;
        private RegistryStore registryStore;
        private java.time.Duration registryTtl;
        private Clock clock = Clock.systemUTC();
        private boolean ownsStore;

        /** Creates the online store that {@code feature_store.yaml} configures; the facade closes it. */
        public Builder config(RepoConfig config) {
            OnlineStoreProvider provider = OnlineStores.installed().get(config.onlineStoreType(), config.source() + ": online_store.type");
            this.project = config.project();
            this.store = provider.create(new StoreContext(config.project(), config.repoPath(), config.onlineStore()));
            this.capabilities = provider.capabilities();
            this.ownsStore = true;
            return this;
        }

        /** Serves an existing store, which the caller keeps and closes. */
        public Builder store(String project, OnlineStore store, Set<Capability> capabilities) {
            this.project = Objects.requireNonNull(project);
            this.store = Objects.requireNonNull(store);
            this.capabilities = Objects.requireNonNull(capabilities);
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
        public Builder registry(RegistryStore registry, java.time.Duration ttl) {
            this.registryStore = Objects.requireNonNull(registry);
            this.registryTtl = Objects.requireNonNull(ttl);
            return this;
        }

        /** The clock that decides what is outside max age (tests pin it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
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
