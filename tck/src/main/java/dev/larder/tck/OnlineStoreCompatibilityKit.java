package dev.larder.tck;

import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.OnlineStores;
import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.ViewRead;
import dev.larder.spi.support.NewestWins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.larder.tck.TestData.T0;
import static dev.larder.tck.TestData.driver;
import static dev.larder.tck.TestData.driverRow;
import static dev.larder.tck.TestData.driverView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The compatibility kit: the contract every online store must meet, run against a real backend.
 *
 * <p>A backend's test extends this class, reaches or starts its server, and says how to
 * configure the store:
 * <pre>{@code
 * class RedisStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
 *     static final RedisServer SERVER = RedisServer.shared();
 *     protected String storeType() { return "redis"; }
 *     protected Map<String, Object> storeOptions() { return Map.of("connection_string", SERVER.address()); }
 * }
 * }</pre>
 * The provider is found through {@link java.util.ServiceLoader} by type, so the backend's
 * services file is tested too. Each test gets a fresh project name, so tests do not see each
 * other's data. The capabilities the created store reports ({@link OnlineStore#capabilities()})
 * are proven; for each one it does not report, the kit asserts that the operation throws
 * {@link UnsupportedOperationException} and reports the behavioural tests as skipped, naming the
 * capability. A missing server is a failure, never a skip. Every test has a time limit, so a
 * hung backend fails the build instead of hanging it.
 *
 * <p>Layout capabilities ({@code COLLOCATED_BY_*}) describe where a backend puts data; each
 * backend's Feast-layout test checks its layout byte for byte, and the kit checks here only
 * that views sharing join keys do not disturb each other.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class OnlineStoreCompatibilityKit {

    /** The {@code online_store.type} of the backend under test. */
    protected abstract String storeType();

    /** The {@code online_store} options that reach the test server. */
    protected abstract Map<String, Object> storeOptions();

    /**
     * Options under which stored rows expire {@code ttl} after they are written, for backends
     * whose provider lists {@link Capability#DELETE_EXPIRED_DATA}. The kit also gives the view that
     * ttl, for backends that expire by the view's ttl. Default: {@link #storeOptions()}.
     */
    protected Map<String, Object> expiringStoreOptions(Duration ttl) {
        return storeOptions();
    }

    /** How long expired data may take to disappear (a backend's expiry sweep). */
    protected Duration expiryGrace() {
        return Duration.ofSeconds(10);
    }

    /**
     * How the kit counts the store's requests, for stores reporting {@link Capability#BATCHED_READ}
     * or {@link Capability#MULTI_VIEW_READ}; null (the default) makes those tests fail, since a
     * claim the kit cannot check is not proven.
     */
    protected RequestCounting requestCounting() {
        return null;
    }

    /** The most keys the store reads in one request with {@link #storeOptions()} (DynamoDB's batch_size, say). */
    protected int readBatchSize() {
        return Integer.MAX_VALUE;
    }

    @TempDir
    protected Path repoDir;

    /** The clock handed to every store the kit creates. */
    protected final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    protected OnlineStoreProvider provider;
    protected OnlineStore store;
    protected String project;
    protected NewestWins rule;
    private final List<OnlineStore> extraStores = new ArrayList<>();
    private final Map<String, FeatureView> usedViews = new LinkedHashMap<>();

    @BeforeEach
    void openStore() {
        provider = OnlineStores.installed().get(storeType(), "compatibility kit");
        project = "tck_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        store = newStore(storeOptions());
        rule = new NewestWins(store.eventTimePrecision());
    }

    @AfterEach
    void closeStore() {
        try {
            if (has(Capability.TEARDOWN) && !usedViews.isEmpty()) {
                store.teardown(new ArrayList<>(usedViews.values()));
            }
        } finally {
            store.close();
            extraStores.forEach(OnlineStore::close);
        }
    }

    /** Another store on the same project, e.g. for a second writer or different options. */
    protected OnlineStore newStore(Map<String, Object> options) {
        StoreOptions typed = StoreOptions.of(storeType(), options).withSensitive(provider.sensitiveOptions());
        OnlineStore s = provider.create(new StoreContext(project, repoDir, typed, clock));
        if (store != null) extraStores.add(s);
        return s;
    }

    /** Whether the store under test reports the capability. */
    protected boolean has(Capability c) {
        return store.capabilities().contains(c);
    }

    /** Skips the calling test, naming the capability, when the store does not report it. */
    protected void assumeCapability(Capability c) {
        assumeTrue(has(c), () -> storeType() + " with these options does not declare capability " + c
                + " (" + c.description() + "); the kit checks that its operations throw UnsupportedOperationException instead");
    }

    /** Creates a view's infrastructure (when the backend manages any) and remembers it for teardown. */
    protected FeatureView apply(FeatureView view) {
        usedViews.put(view.name(), view);
        if (has(Capability.UPDATE_INFRA)) {
            store.update(InfraChange.keep(new ArrayList<>(usedViews.values())));
        }
        return view;
    }

    protected static List<FeatureRow> driverRows(int from, int count, int version, Instant t) {
        List<FeatureRow> rows = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) rows.add(driverRow(i, version, t));
        return rows;
    }

    /** The row holds the expected row's values, and its event time as the store keeps it. */
    protected void assertRow(OnlineRow row, FeatureRow expected) {
        assertThat(row.isPresent()).as("row for %s present", expected.entityKey()).isTrue();
        assertThat(row.eventTime()).as("event time of %s", expected.entityKey()).isEqualTo(rule.truncate(expected.eventTime()));
        assertThat(row.values()).as("values of %s", expected.entityKey()).isEqualTo(expected.values());
    }

    protected static final List<String> DRIVER_FEATURES = List.of("conv_rate", "trips", "note");

    // ================================================================================ capabilities

    @Nested
    @DisplayName("declared capabilities")
    class Capabilities {
        @Test
        @DisplayName("the store reports what its provider lists for its options: every unconditional capability, nothing unlisted")
        void reportedWithinProviderMatrix() {
            Map<Capability, CapabilitySupport> matrix = provider.capabilities();
            assertThat(provider.type()).isEqualTo(storeType()).matches("[a-z0-9_]+");
            assertThat(store.capabilities()).contains(Capability.WRITE, Capability.READ);
            assertThat(matrix.keySet()).as("the provider's matrix").containsAll(store.capabilities());
            for (Map.Entry<Capability, CapabilitySupport> e : matrix.entrySet()) {
                if (!e.getValue().isConditional()) {
                    assertThat(store.capabilities()).as("%s is listed unconditionally", e.getKey()).contains(e.getKey());
                }
            }
            assertThat(NewestWins.MIN).isBefore(NewestWins.MAX);
            assertThat(EnumSet.of(ChronoUnit.SECONDS, ChronoUnit.MILLIS, ChronoUnit.MICROS, ChronoUnit.NANOS))
                    .as("event time precision").contains(store.eventTimePrecision());
        }

        @Test
        @DisplayName("operations behind capabilities the store does not report throw UnsupportedOperationException")
        void undeclaredOperationsThrow() {
            FeatureView view = driverView("fv_unsup");
            InfraChange change = InfraChange.keep(List.of(view));
            int checked = 0;
            for (Capability c : EnumSet.of(Capability.UPDATE_INFRA, Capability.PLAN, Capability.TEARDOWN, Capability.ASYNC_READ)) {
                if (has(c)) continue;
                Runnable op;
                switch (c) {
                    case UPDATE_INFRA: op = () -> store.update(change); break;
                    case PLAN: op = () -> store.plan(change); break;
                    case TEARDOWN: op = () -> store.teardown(List.of(view)); break;
                    default: op = () -> store.readAsync(view, List.of(driver(1)), DRIVER_FEATURES).join(); break;
                }
                assertThatThrownBy(op::run).as("%s is not declared", c).isInstanceOf(UnsupportedOperationException.class);
                checked++;
            }
            if (!has(Capability.ENTITYLESS_FEATURE_VIEWS)) {
                FeatureView entityless = new FeatureView("fv_nokey", List.of(), List.of(), List.of(new Field("f", ValueType.INT64)), Duration.ZERO);
                assertThatThrownBy(() -> store.write(entityless, List.of(new FeatureRow(EntityKey.DUMMY, Map.of("f", Value.ofInt64(1)), T0)), rows -> { }))
                        .isInstanceOf(UnsupportedOperationException.class);
                checked++;
            }
            assumeTrue(checked > 0, () -> storeType() + " declares every capability with an operation of its own; nothing to check");
        }
    }

    // ================================================================================ round trips

    @Nested
    @DisplayName("write then read")
    class RoundTrip {
        @Test
        @DisplayName("every value type, null and empty lists come back equal, with the event time")
        void everyValueType() {
            FeatureView view = apply(TestData.everyTypeView("fv_types"));
            FeatureRow row = new FeatureRow(driver(7), TestData.EVERY_TYPE, T0, T0.plusSeconds(1));
            store.write(view, List.of(row), rows -> { });
            List<OnlineRow> got = store.read(view, List.of(driver(7)), view.featureNames());
            assertThat(got).hasSize(1);
            assertRow(got.get(0), row);
            assertThat(got.get(0).values().get("f_null").isNull()).isTrue();
        }

        @Test
        @DisplayName("a key that was never written reads as absent, not an exception")
        void missingKeys() {
            FeatureView view = apply(driverView("fv_missing"));
            store.write(view, driverRows(1, 3, 1, T0), rows -> { });
            List<OnlineRow> got = store.read(view, List.of(driver(99), driver(2), driver(-5)), DRIVER_FEATURES);
            assertThat(got).hasSize(3);
            assertThat(got.get(0).isPresent()).isFalse();
            assertRow(got.get(1), driverRow(2, 1, T0));
            assertThat(got.get(2)).isEqualTo(OnlineRow.ABSENT);
            assertThat(store.read(view, List.of(), DRIVER_FEATURES)).isEmpty();
        }

        @Test
        @DisplayName("results come back in request order, duplicates included")
        void requestOrderWithDuplicates() {
            FeatureView view = apply(driverView("fv_order"));
            store.write(view, driverRows(0, 50, 1, T0), rows -> { });
            List<EntityKey> keys = new ArrayList<>();
            for (int i = 49; i >= 0; i -= 3) keys.add(driver(i));
            keys.add(driver(49));
            keys.add(driver(1000));
            keys.add(driver(10));
            keys.add(driver(49));
            List<OnlineRow> got = store.read(view, keys, DRIVER_FEATURES);
            assertThat(got).hasSize(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                long id = keys.get(i).value("driver_id").asInt64();
                if (id == 1000) assertThat(got.get(i).isPresent()).isFalse();
                else assertRow(got.get(i), driverRow(id, 1, T0));
            }
        }

        @Test
        @DisplayName("a subset of features returns exactly that subset")
        void featureSubset() {
            FeatureView view = apply(driverView("fv_subset"));
            store.write(view, driverRows(1, 2, 1, T0), rows -> { });
            OnlineRow got = store.read(view, List.of(driver(2)), List.of("note")).get(0);
            assertThat(got.values()).containsOnlyKeys("note").containsEntry("note", Value.ofString("driver 2 v1"));
            OnlineRow two = store.read(view, List.of(driver(2)), List.of("trips", "conv_rate")).get(0);
            assertThat(two.values()).containsOnlyKeys("trips", "conv_rate");
        }

        @Test
        @DisplayName("a row that lacks a feature reads without it")
        void partialRow() {
            FeatureView view = apply(driverView("fv_partial"));
            store.write(view, List.of(new FeatureRow(driver(1), Map.of("trips", Value.ofInt64(5)), T0)), rows -> { });
            OnlineRow got = store.read(view, List.of(driver(1)), DRIVER_FEATURES).get(0);
            assertThat(got.isPresent()).isTrue();
            assertThat(got.values()).containsOnlyKeys("trips");
        }

        @Test
        @DisplayName("compound entity keys: every component counts")
        void compoundKeys() {
            FeatureView view = apply(new FeatureView("fv_compound", List.of("driver", "customer"),
                    List.of(new Field("driver_id", ValueType.INT64), new Field("customer_id", ValueType.STRING)),
                    List.of(new Field("score", ValueType.DOUBLE)), Duration.ZERO));
            List<FeatureRow> rows = new ArrayList<>();
            for (int d = 0; d < 3; d++) {
                for (String c : List.of("C-1", "C-2")) {
                    rows.add(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(d), "customer_id", Value.ofString(c)),
                            Map.of("score", Value.ofDouble(d * 10 + c.charAt(2))), T0));
                }
            }
            store.write(view, rows, r -> { });
            List<EntityKey> keys = new ArrayList<>();
            for (FeatureRow r : rows) keys.add(r.entityKey());
            keys.add(EntityKey.of("driver_id", Value.ofInt64(0), "customer_id", Value.ofString("C-3")));
            List<OnlineRow> got = store.read(view, keys, List.of("score"));
            for (int i = 0; i < rows.size(); i++) assertRow(got.get(i), rows.get(i));
            assertThat(got.get(rows.size()).isPresent()).isFalse();
        }

        @Test
        @DisplayName("a batch of 10,000 rows is written in one call, reported to the progress listener and read back")
        void largeBatch() {
            FeatureView view = apply(driverView("fv_large"));
            List<FeatureRow> rows = driverRows(0, 10_000, 3, T0);
            AtomicLong progress = new AtomicLong();
            store.write(view, rows, progress::addAndGet);
            assertThat(progress.get()).isEqualTo(10_000);
            List<EntityKey> keys = new ArrayList<>();
            for (FeatureRow r : rows) keys.add(r.entityKey());
            List<OnlineRow> got = store.read(view, keys, DRIVER_FEATURES);
            assertThat(got).hasSize(10_000);
            for (int i = 0; i < rows.size(); i++) assertRow(got.get(i), rows.get(i));
        }

        @Test
        @DisplayName("an entityless view stores its one row under Feast's dummy key")
        void entityless() {
            assumeCapability(Capability.ENTITYLESS_FEATURE_VIEWS);
            FeatureView view = apply(new FeatureView("fv_global", List.of(), List.of(), List.of(new Field("total", ValueType.INT64)), Duration.ZERO));
            FeatureRow row = new FeatureRow(EntityKey.DUMMY, Map.of("total", Value.ofInt64(42)), T0);
            store.write(view, List.of(row), r -> { });
            assertRow(store.read(view, List.of(EntityKey.DUMMY), List.of("total")).get(0), row);
        }
    }

    // ================================================================================ shared join keys

    @Nested
    @DisplayName("views sharing join keys")
    class SharedJoinKeys {
        @Test
        @DisplayName("two views on the same keys keep their own features and event times")
        void independentViews() {
            FeatureView a = apply(driverView("fv_a"));
            FeatureView b = apply(FeatureView.of("fv_b", new Field("driver_id", ValueType.INT64),
                    List.of(new Field("conv_rate", ValueType.FLOAT), new Field("rating", ValueType.DOUBLE)), Duration.ZERO));
            store.write(a, driverRows(1, 5, 1, T0), r -> { });
            List<FeatureRow> bRows = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                bRows.add(new FeatureRow(driver(i), Map.of("conv_rate", Value.ofFloat(-i), "rating", Value.ofDouble(i / 2.0)), T0.plusSeconds(60)));
            }
            store.write(b, bRows, r -> { });
            // Overwriting a view's rows leaves the other view alone.
            store.write(a, driverRows(1, 5, 2, T0.plusSeconds(120)), r -> { });

            List<EntityKey> keys = List.of(driver(1), driver(2), driver(3), driver(4), driver(5));
            List<OnlineRow> gotA = store.read(a, keys, DRIVER_FEATURES);
            List<OnlineRow> gotB = store.read(b, keys, List.of("conv_rate", "rating"));
            for (int i = 0; i < 5; i++) {
                assertRow(gotA.get(i), driverRow(i + 1, 2, T0.plusSeconds(120)));
                if (i < 3) assertRow(gotB.get(i), bRows.get(i));
                else assertThat(gotB.get(i).isPresent()).isFalse();
            }
            List<ViewRead> both = List.of(new ViewRead(a, DRIVER_FEATURES), new ViewRead(b, List.of("rating")));
            List<OnlineRow> gotRating = store.read(b, keys, List.of("rating"));
            assertThat(store.readViews(both, keys)).containsExactly(gotA, gotRating);
            if (has(Capability.ASYNC_READ)) {
                assertThat(store.readViewsAsync(both, keys).join()).containsExactly(gotA, gotRating);
            }
            // Through the facade: one request over both views (one multi-view read where the store has it).
            try (FeatureStore fs = FeatureStore.builder().store(project, store).views(List.of(a, b)).build()) {
                OnlineResponse r = fs.getOnlineFeatures(List.of("fv_a:trips", "fv_b:rating", "fv_a:note"),
                        List.of(Map.of("driver_id", 3L), Map.of("driver_id", 5L), Map.of("driver_id", 3L)));
                assertThat(r.column("trips").values()).containsExactly(Value.ofInt64(3002), Value.ofInt64(5002), Value.ofInt64(3002));
                assertThat(r.column("rating").values()).containsExactly(Value.ofDouble(1.5), null, Value.ofDouble(1.5));
                assertThat(r.column("rating").statuses()).containsExactly(FieldStatus.PRESENT, FieldStatus.NOT_FOUND, FieldStatus.PRESENT);
                assertThat(r.column("note").values()).containsExactly(Value.ofString("driver 3 v2"), Value.ofString("driver 5 v2"), Value.ofString("driver 3 v2"));
            }
        }

        @Test
        @DisplayName("deleting one view keeps the other's data")
        void deleteOneView() {
            assumeCapability(Capability.UPDATE_INFRA);
            FeatureView a = apply(driverView("fv_keep"));
            FeatureView b = apply(driverView("fv_drop"));
            store.write(a, driverRows(1, 3, 1, T0), r -> { });
            store.write(b, driverRows(1, 3, 1, T0), r -> { });
            store.update(new InfraChange(List.of(a), List.of(b)));
            usedViews.remove(b.name());
            List<EntityKey> keys = List.of(driver(1), driver(2), driver(3));
            List<OnlineRow> gotA = store.read(a, keys, DRIVER_FEATURES);
            for (int i = 0; i < 3; i++) assertRow(gotA.get(i), driverRow(i + 1, 1, T0));
            // Re-created, the dropped view is empty.
            apply(b);
            assertThat(store.read(b, keys, DRIVER_FEATURES)).allSatisfy(r -> assertThat(r.isPresent()).isFalse());
        }
    }

    // ================================================================================ infrastructure

    @Nested
    @DisplayName("update, plan and teardown")
    class Infrastructure {
        @Test
        @DisplayName("plan says what update would create and changes nothing; update is idempotent")
        void planThenUpdate() {
            FeatureView view = driverView("fv_infra");
            InfraChange change = InfraChange.keep(List.of(view));
            assumeCapability(Capability.PLAN);
            assumeCapability(Capability.UPDATE_INFRA);
            usedViews.put(view.name(), view);
            List<PlannedChange> before = store.plan(change);
            assertThat(before).as("plan before update").anySatisfy(c -> assertThat(c.action()).isEqualTo(PlannedChange.Action.CREATE));
            assertThat(store.plan(change)).as("planning twice changes nothing").isEqualTo(before);
            store.update(change);
            store.update(change);
            assertThat(store.plan(change)).as("plan after update").noneSatisfy(c -> assertThat(c.action()).isNotEqualTo(PlannedChange.Action.UNCHANGED));
            store.write(view, driverRows(1, 2, 1, T0), r -> { });
            assertRow(store.read(view, List.of(driver(2)), DRIVER_FEATURES).get(0), driverRow(2, 1, T0));
            List<PlannedChange> drop = store.plan(new InfraChange(List.of(), List.of(view)));
            assertThat(drop).as("plan to delete").anySatisfy(c -> assertThat(c.action()).isEqualTo(PlannedChange.Action.DELETE));
            assertRow(store.read(view, List.of(driver(2)), DRIVER_FEATURES).get(0), driverRow(2, 1, T0));
        }

        @Test
        @DisplayName("teardown removes the data and is idempotent")
        void teardown() {
            assumeCapability(Capability.TEARDOWN);
            FeatureView view = apply(driverView("fv_td"));
            store.write(view, driverRows(1, 3, 1, T0), r -> { });
            store.teardown(List.of(view));
            store.teardown(List.of(view));
            apply(view);
            assertThat(store.read(view, List.of(driver(1), driver(2)), DRIVER_FEATURES))
                    .allSatisfy(r -> assertThat(r.isPresent()).isFalse());
        }
    }

    // ================================================================================ batched reads

    @Nested
    @DisplayName("batched and multi-view reads, by counting requests")
    class BatchedReads {
        private RequestCounting counting() {
            RequestCounting c = requestCounting();
            if (c == null) {
                fail(storeType() + " declares " + (has(Capability.BATCHED_READ) ? Capability.BATCHED_READ : Capability.MULTI_VIEW_READ)
                        + " but its test gives the kit no way to count requests: override requestCounting()");
            }
            return c;
        }

        @Test
        @DisplayName("a 500-key read costs at most ceil(500 / batch size) requests, never one per key")
        void batchedRead() {
            assumeCapability(Capability.BATCHED_READ);
            RequestCounting counting = counting();
            FeatureView view = apply(driverView("fv_batched"));
            store.write(view, driverRows(0, 500, 1, T0), r -> { });
            OnlineStore counted = newStore(counting.storeOptions());
            List<EntityKey> keys = new ArrayList<>();
            for (int i = 0; i < 500; i++) keys.add(driver(i));
            counted.read(view, List.of(driver(0)), DRIVER_FEATURES); // connects, prepares, learns the topology
            long before = counting.requests();
            List<OnlineRow> got = counted.read(view, keys, DRIVER_FEATURES);
            long requests = counting.requests() - before;
            for (int i = 0; i < 500; i += 97) assertRow(got.get(i), driverRow(i, 1, T0));
            long allowed = Math.min(250, (500 + (long) readBatchSize() - 1) / readBatchSize());
            assertThat(requests).as("requests for a 500-key read (batch size %s)", readBatchSize()).isBetween(1L, allowed);
        }

        @Test
        @DisplayName("a read of three views sharing join keys costs the requests of one view")
        void multiViewRead() {
            assumeCapability(Capability.MULTI_VIEW_READ);
            RequestCounting counting = counting();
            List<FeatureView> views = new ArrayList<>();
            for (String name : List.of("fv_mv_a", "fv_mv_b", "fv_mv_c")) {
                FeatureView v = apply(driverView(name));
                store.write(v, driverRows(0, 20, name.charAt(6), T0), r -> { });
                views.add(v);
            }
            OnlineStore counted = newStore(counting.storeOptions());
            List<EntityKey> keys = new ArrayList<>();
            for (int i = 0; i < 20; i++) keys.add(driver(i));
            List<ViewRead> reads = new ArrayList<>();
            for (FeatureView v : views) reads.add(new ViewRead(v, DRIVER_FEATURES));
            counted.readViews(reads, keys); // warm-up
            long before = counting.requests();
            counted.read(views.get(0), keys, DRIVER_FEATURES);
            long one = counting.requests() - before;
            before = counting.requests();
            List<List<OnlineRow>> got = counted.readViews(reads, keys);
            long three = counting.requests() - before;
            for (int v = 0; v < 3; v++) assertRow(got.get(v).get(7), driverRow(7, views.get(v).name().charAt(6), T0));
            assertThat(three).as("requests for three views (one view: %s)", one).isEqualTo(one);
        }
    }

    // ================================================================================ async

    @Nested
    @DisplayName("asynchronous reads")
    class AsyncReads {
        @Test
        @DisplayName("readAsync returns what read returns, for many keys and concurrent calls")
        void asyncEqualsSync() throws Exception {
            FeatureView view = apply(driverView("fv_async"));
            assumeCapability(Capability.ASYNC_READ);
            store.write(view, driverRows(0, 300, 1, T0), r -> { });
            List<EntityKey> keys = new ArrayList<>();
            for (int i = 350; i >= 0; i -= 2) keys.add(driver(i));
            List<OnlineRow> sync = store.read(view, keys, DRIVER_FEATURES);
            List<CompletableFuture<List<OnlineRow>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) futures.add(store.readAsync(view, keys, DRIVER_FEATURES));
            for (CompletableFuture<List<OnlineRow>> f : futures) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(sync);
            }
            assertThat(sync.stream().filter(OnlineRow::isPresent).count()).isEqualTo(150);
        }
    }

    // ================================================================================ event time ordering

    @Nested
    @DisplayName("the newest event time wins (NewestWins)")
    class NewestWinsRule {
        private final Instant t = T0.truncatedTo(ChronoUnit.SECONDS);

        private FeatureRow row(long id, int version, Instant event, Instant created) {
            FeatureRow r = driverRow(id, version, event);
            return new FeatureRow(r.entityKey(), r.values(), event, created);
        }

        @Test
        @DisplayName("an older row written later does not replace a newer one")
        void olderWriteIsIgnored() {
            FeatureView view = apply(driverView("fv_newest"));
            store.write(view, driverRows(1, 10, 2, T0.plusSeconds(10)), r -> { });
            store.write(view, driverRows(1, 10, 1, T0), r -> { });
            store.write(view, driverRows(6, 5, 3, T0.plusSeconds(20)), r -> { });
            List<OnlineRow> got = store.read(view, List.of(driver(1), driver(5), driver(6), driver(10)), DRIVER_FEATURES);
            assertRow(got.get(0), driverRow(1, 2, T0.plusSeconds(10)));
            assertRow(got.get(1), driverRow(5, 2, T0.plusSeconds(10)));
            assertRow(got.get(2), driverRow(6, 3, T0.plusSeconds(20)));
            assertRow(got.get(3), driverRow(10, 3, T0.plusSeconds(20)));
        }

        @Test
        @DisplayName("within one batch, the newest row of a key wins whatever its position")
        void newestWithinBatch() {
            FeatureView view = apply(driverView("fv_batch_order"));
            store.write(view, List.of(driverRow(1, 5, T0.plusSeconds(5)), driverRow(1, 9, T0.plusSeconds(9)), driverRow(1, 7, T0.plusSeconds(7))), r -> { });
            assertRow(store.read(view, List.of(driver(1)), DRIVER_FEATURES).get(0), driverRow(1, 9, T0.plusSeconds(9)));
        }

        @Test
        @DisplayName("equal event times in one batch: the newer created time wins; on a full tie the first row")
        void tiesInBatch() {
            FeatureView view = apply(driverView("fv_tie_batch"));
            store.write(view, List.of(
                    row(1, 1, t, t.plusSeconds(1)), row(1, 2, t, t.plusSeconds(3)), row(1, 3, t, t.plusSeconds(2)),
                    row(2, 1, t, t), row(2, 2, t, t),
                    row(3, 1, t, null), row(3, 2, t, t)), r -> { });
            List<OnlineRow> got = store.read(view, List.of(driver(1), driver(2), driver(3)), DRIVER_FEATURES);
            assertRow(got.get(0), row(1, 2, t, null));
            assertRow(got.get(1), row(2, 1, t, null));
            assertRow(got.get(2), row(3, 2, t, null));
        }

        @Test
        @DisplayName("equal event times across writes: a newer created time replaces, an older or equal one does not")
        void tiesAcrossWrites() {
            FeatureView view = apply(driverView("fv_tie_writes"));
            store.write(view, List.of(row(1, 1, t, t.plusSeconds(5)), row(2, 1, t, t.plusSeconds(5)), row(3, 1, t, t.plusSeconds(5))), r -> { });
            store.write(view, List.of(row(1, 2, t, t.plusSeconds(6)), row(2, 2, t, t.plusSeconds(4)), row(3, 2, t, t.plusSeconds(5))), r -> { });
            List<OnlineRow> got = store.read(view, List.of(driver(1), driver(2), driver(3)), DRIVER_FEATURES);
            assertRow(got.get(0), row(1, 2, t, null));
            assertRow(got.get(1), row(2, 1, t, null));
            assertRow(got.get(2), row(3, 1, t, null));
        }

        @Test
        @DisplayName("times are kept at the store's precision: finer differences are ties, reads return truncated times")
        void subPrecision() {
            assumeTrue(store.eventTimePrecision() != ChronoUnit.NANOS,
                    () -> storeType() + " keeps nanoseconds: no finer difference exists to tie (precision, not a capability: declare none)");
            Duration unit = store.eventTimePrecision().getDuration();
            Duration half = unit.dividedBy(2);
            FeatureView view = apply(driverView("fv_precision"));
            store.write(view, List.of(row(1, 1, t, t)), r -> { });
            store.write(view, List.of(row(1, 2, t.plus(half), t)), r -> { });
            store.write(view, List.of(row(2, 1, t.plus(half), t)), r -> { });
            List<OnlineRow> got = store.read(view, List.of(driver(1), driver(2)), DRIVER_FEATURES);
            assertRow(got.get(0), row(1, 1, t, null));
            assertThat(got.get(1).eventTime()).as("read back truncated to %s", store.eventTimePrecision()).isEqualTo(t);
            store.write(view, List.of(row(1, 3, t.plus(unit), t)), r -> { });
            assertRow(store.read(view, List.of(driver(1)), DRIVER_FEATURES).get(0), row(1, 3, t.plus(unit), null));
        }

        @Test
        @DisplayName("the ends of the accepted time range are stored; a time outside it fails the whole write, naming it")
        void rangeEnds() {
            FeatureView view = apply(driverView("fv_range"));
            store.write(view, List.of(row(1, 1, NewestWins.MIN, NewestWins.MIN), row(2, 1, NewestWins.MAX, NewestWins.MAX)), r -> { });
            List<OnlineRow> got = store.read(view, List.of(driver(1), driver(2)), DRIVER_FEATURES);
            assertRow(got.get(0), row(1, 1, NewestWins.MIN, null));
            assertRow(got.get(1), row(2, 1, NewestWins.MAX, null));
            Instant tooLate = NewestWins.MAX.plusNanos(1);
            Instant tooEarly = NewestWins.MIN.minusNanos(1);
            for (FeatureRow bad : List.of(row(4, 1, tooLate, null), row(4, 1, tooEarly, null), row(4, 1, t, tooLate), row(4, 1, Instant.MAX, null))) {
                assertThatThrownBy(() -> store.write(view, List.of(row(3, 1, t, t), bad), r -> { }))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range").hasMessageContaining("fv_range");
            }
            assertThat(store.read(view, List.of(driver(3), driver(4)), DRIVER_FEATURES))
                    .as("nothing of a rejected write is stored").allSatisfy(r -> assertThat(r.isPresent()).isFalse());
            store.write(view, List.of(row(2, 2, NewestWins.MAX.minusSeconds(5), null)), r -> { });
            assertRow(store.read(view, List.of(driver(2)), DRIVER_FEATURES).get(0), row(2, 1, NewestWins.MAX, null));
        }

        @Test
        @DisplayName("a row with some of the view's features replaces the stored row whole; an older full row then loses")
        void partialRows() {
            FeatureView view = apply(driverView("fv_partial_newest"));
            store.write(view, List.of(row(1, 1, t.plusSeconds(10), null)), r -> { });
            store.write(view, List.of(new FeatureRow(driver(1), Map.of("trips", Value.ofInt64(77)), t.plusSeconds(20))), r -> { });
            store.write(view, List.of(row(1, 3, t.plusSeconds(15), null)), r -> { });
            OnlineRow got = store.read(view, List.of(driver(1)), DRIVER_FEATURES).get(0);
            assertThat(got.eventTime()).isEqualTo(t.plusSeconds(20));
            assertThat(got.values()).isEqualTo(Map.of("trips", Value.ofInt64(77)));
        }

        @Test
        @DisplayName("at least four writers on separate store instances racing on the same keys: every key ends with its newest row")
        void racingWriters() throws Exception {
            assumeCapability(Capability.CONCURRENT_WRITES_SAME_KEY);
            FeatureView view = apply(driverView("fv_race"));
            List<OnlineStore> writers = new ArrayList<>();
            writers.add(store);
            for (int i = 1; i < 4; i++) writers.add(newStore(storeOptions()));
            RacingWriters.standard().run(writers, store, view, t);
        }
    }

    // ================================================================================ ttl and expiry

    @Nested
    @DisplayName("time to live")
    class TimeToLive {
        @Test
        @DisplayName("through the facade, a row older than the view's ttl is OUTSIDE_MAX_AGE; fresh rows are PRESENT")
        void ttlAtRetrieval() {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            FeatureView view = apply(driverView("fv_ttl", Duration.ofHours(1)));
            store.write(view, List.of(driverRow(1, 1, now.minus(Duration.ofHours(2))), driverRow(2, 1, now.minusSeconds(60))), r -> { });
            store.write(view, List.of(new FeatureRow(driver(3), Map.of("trips", Value.NULL, "note", Value.ofString("n")), now)), r -> { });
            try (FeatureStore fs = FeatureStore.builder().store(project, store).views(List.of(view))
                    .clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
                OnlineResponse r = fs.getOnlineFeatures(List.of("fv_ttl:trips", "fv_ttl:note"),
                        List.of(Map.of("driver_id", 1L), Map.of("driver_id", 2L), Map.of("driver_id", 3L), Map.of("driver_id", 4L), Map.of("driver_id", 2L)));
                assertThat(r.featureNames()).containsExactly("driver_id", "trips", "note");
                assertThat(r.column("trips").statuses()).containsExactly(
                        FieldStatus.OUTSIDE_MAX_AGE, FieldStatus.PRESENT, FieldStatus.NULL_VALUE, FieldStatus.NOT_FOUND, FieldStatus.PRESENT);
                assertThat(r.value(1, "trips")).isEqualTo(Value.ofInt64(2001));
                assertThat(r.value(0, "trips")).isNull();
                assertThat(r.eventTime(0, "trips")).isEqualTo(rule.truncate(now.minus(Duration.ofHours(2))));
                assertThat(r.value(2, "note")).isEqualTo(Value.ofString("n"));
            }
        }

        @Test
        @DisplayName("stored rows expire when the backend declares deleting expired data")
        void expiry() throws InterruptedException {
            assumeTrue(provider.capabilities().containsKey(Capability.DELETE_EXPIRED_DATA), () -> storeType()
                    + " does not declare capability DELETE_EXPIRED_DATA with any options");
            Duration ttl = Duration.ofSeconds(2);
            OnlineStore expiring = newStore(expiringStoreOptions(ttl));
            assertThat(expiring.capabilities()).as("the store made with expiringStoreOptions").contains(Capability.DELETE_EXPIRED_DATA);
            if (provider.capabilities().get(Capability.DELETE_EXPIRED_DATA).isConditional()) {
                assertThat(store.capabilities()).as("without %s", provider.capabilities().get(Capability.DELETE_EXPIRED_DATA))
                        .doesNotContain(Capability.DELETE_EXPIRED_DATA);
            }
            FeatureView view = driverView("fv_expire", ttl);
            usedViews.put(view.name(), view);
            if (has(Capability.UPDATE_INFRA)) expiring.update(InfraChange.keep(new ArrayList<>(usedViews.values())));
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            expiring.write(view, driverRows(1, 3, 1, now), r -> { });
            assertThat(expiring.read(view, List.of(driver(1)), DRIVER_FEATURES).get(0).isPresent()).as("present before expiry").isTrue();
            long deadline = System.nanoTime() + ttl.plus(expiryGrace()).toNanos();
            List<OnlineRow> got;
            do {
                Thread.sleep(250);
                got = expiring.read(view, List.of(driver(1), driver(2), driver(3)), DRIVER_FEATURES);
            } while (got.stream().anyMatch(OnlineRow::isPresent) && System.nanoTime() < deadline);
            assertThat(got).as("rows gone %s after writing with ttl %s", ttl.plus(expiryGrace()), ttl)
                    .allSatisfy(r -> assertThat(r.isPresent()).isFalse());
        }
    }
}
