package dev.larder.tck;

import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.OnlineStores;
import dev.larder.spi.Capability;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.larder.tck.TestData.T0;
import static dev.larder.tck.TestData.driver;
import static dev.larder.tck.TestData.driverRow;
import static dev.larder.tck.TestData.driverView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * other's data. Declared capabilities are proven; operations behind undeclared capabilities must
 * throw {@link UnsupportedOperationException}. Nothing here is skipped: a missing server is a failure.
 *
 * <p>Layout capabilities ({@code COLLOCATED_BY_*}) describe where a backend puts data; each
 * backend's Feast-layout test checks its layout byte for byte, and the kit checks here only
 * that views sharing join keys do not disturb each other.
 */
public abstract class OnlineStoreCompatibilityKit {

    /** The {@code online_store.type} of the backend under test. */
    protected abstract String storeType();

    /** The {@code online_store} options that reach the test server. */
    protected abstract Map<String, Object> storeOptions();

    /**
     * Options under which stored rows expire {@code ttl} after they are written, for backends
     * declaring {@link Capability#DELETE_EXPIRED_DATA}. The kit also gives the view that ttl, for
     * backends that expire by the view's ttl. Default: {@link #storeOptions()}.
     */
    protected Map<String, Object> expiringStoreOptions(Duration ttl) {
        return storeOptions();
    }

    /** How long expired data may take to disappear (a backend's expiry sweep). */
    protected Duration expiryGrace() {
        return Duration.ofSeconds(10);
    }

    @TempDir
    protected Path repoDir;

    protected OnlineStoreProvider provider;
    protected OnlineStore store;
    protected String project;
    private final List<OnlineStore> extraStores = new ArrayList<>();
    private final Map<String, FeatureView> usedViews = new LinkedHashMap<>();

    @BeforeEach
    void openStore() {
        provider = OnlineStores.installed().get(storeType(), "compatibility kit");
        project = "tck_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        store = newStore(storeOptions());
    }

    @AfterEach
    void closeStore() {
        try {
            if (provider.capabilities().contains(Capability.TEARDOWN) && !usedViews.isEmpty()) {
                store.teardown(new ArrayList<>(usedViews.values()));
            }
        } finally {
            store.close();
            extraStores.forEach(OnlineStore::close);
        }
    }

    /** Another store on the same project, e.g. for a second writer or different options. */
    protected OnlineStore newStore(Map<String, Object> options) {
        OnlineStore s = provider.create(new StoreContext(project, repoDir, StoreOptions.of(storeType(), options)));
        if (store != null) extraStores.add(s);
        return s;
    }

    protected boolean has(Capability c) {
        return provider.capabilities().contains(c);
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

    protected static void assertRow(OnlineRow row, FeatureRow expected) {
        assertThat(row.isPresent()).as("row for %s present", expected.entityKey()).isTrue();
        assertThat(row.eventTime()).as("event time of %s", expected.entityKey()).isEqualTo(expected.eventTime());
        assertThat(row.values()).as("values of %s", expected.entityKey()).isEqualTo(expected.values());
    }

    protected static final List<String> DRIVER_FEATURES = List.of("conv_rate", "trips", "note");

    // ================================================================================ capabilities

    @Nested
    @DisplayName("declared capabilities")
    class Capabilities {
        @Test
        @DisplayName("every store writes, reads, is readable from Java and applies ttl at retrieval (through the facade)")
        void baseline() {
            assertThat(provider.capabilities()).contains(Capability.WRITE, Capability.READ, Capability.READABLE_FROM_JAVA, Capability.TTL_AT_RETRIEVAL);
            assertThat(provider.type()).isEqualTo(storeType()).matches("[a-z0-9_]+");
        }

        @Test
        @DisplayName("no store claims what Larder does not implement: on-demand transforms, collocation by feature service")
        void unimplemented() {
            assertThat(provider.capabilities()).doesNotContain(Capability.ON_DEMAND_TRANSFORMS, Capability.COLLOCATED_BY_FEATURE_SERVICE);
        }

        @Test
        @DisplayName("undeclared operations throw UnsupportedOperationException")
        void undeclaredOperationsThrow() {
            FeatureView view = driverView("fv_unsup");
            InfraChange change = InfraChange.keep(List.of(view));
            EnumSet<Capability> checked = EnumSet.of(Capability.UPDATE_INFRA, Capability.PLAN, Capability.TEARDOWN, Capability.ASYNC_READ);
            for (Capability c : checked) {
                if (has(c)) continue;
                Runnable op;
                switch (c) {
                    case UPDATE_INFRA: op = () -> store.update(change); break;
                    case PLAN: op = () -> store.plan(change); break;
                    case TEARDOWN: op = () -> store.teardown(List.of(view)); break;
                    default: op = () -> store.readAsync(view, List.of(driver(1)), DRIVER_FEATURES).join(); break;
                }
                assertThatThrownBy(op::run).as("%s is not declared", c).isInstanceOf(UnsupportedOperationException.class);
            }
            if (!has(Capability.ENTITYLESS_FEATURE_VIEWS)) {
                FeatureView entityless = new FeatureView("fv_nokey", List.of(), List.of(), List.of(new Field("f", ValueType.INT64)), Duration.ZERO);
                assertThatThrownBy(() -> store.write(entityless, List.of(new FeatureRow(EntityKey.DUMMY, Map.of("f", Value.ofInt64(1)), T0)), rows -> { }))
                        .isInstanceOf(UnsupportedOperationException.class);
            }
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
            if (!has(Capability.ENTITYLESS_FEATURE_VIEWS)) {
                assertThat(provider.capabilities()).doesNotContain(Capability.ENTITYLESS_FEATURE_VIEWS); // checked to throw in Capabilities
                return;
            }
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
            try (FeatureStore fs = FeatureStore.builder().store(project, store, provider.capabilities()).views(List.of(a, b)).build()) {
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
            if (!has(Capability.UPDATE_INFRA)) {
                assertThatThrownBy(() -> store.update(InfraChange.keep(List.of()))).isInstanceOf(UnsupportedOperationException.class);
                return;
            }
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
            if (!has(Capability.PLAN) || !has(Capability.UPDATE_INFRA)) {
                if (!has(Capability.PLAN)) assertThatThrownBy(() -> store.plan(change)).isInstanceOf(UnsupportedOperationException.class);
                if (!has(Capability.UPDATE_INFRA)) assertThatThrownBy(() -> store.update(change)).isInstanceOf(UnsupportedOperationException.class);
                return;
            }
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
            if (!has(Capability.TEARDOWN)) {
                assertThatThrownBy(() -> store.teardown(List.of(driverView("fv_td")))).isInstanceOf(UnsupportedOperationException.class);
                return;
            }
            FeatureView view = apply(driverView("fv_td"));
            store.write(view, driverRows(1, 3, 1, T0), r -> { });
            store.teardown(List.of(view));
            store.teardown(List.of(view));
            apply(view);
            assertThat(store.read(view, List.of(driver(1), driver(2)), DRIVER_FEATURES))
                    .allSatisfy(r -> assertThat(r.isPresent()).isFalse());
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
            if (!has(Capability.ASYNC_READ)) {
                assertThatThrownBy(() -> store.readAsync(view, List.of(driver(1)), DRIVER_FEATURES))
                        .isInstanceOf(UnsupportedOperationException.class);
                return;
            }
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
    @DisplayName("the newest event time wins")
    class NewestWins {
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
        @DisplayName("two writers racing on the same keys: every key ends with its newest row")
        void racingWriters() throws Exception {
            FeatureView view = apply(driverView("fv_race"));
            if (!has(Capability.CONCURRENT_WRITES_SAME_KEY)) {
                // Without the guarantee there is nothing to prove; the capability stays undeclared.
                assertThat(provider.capabilities()).doesNotContain(Capability.CONCURRENT_WRITES_SAME_KEY);
                return;
            }
            OnlineStore second = newStore(storeOptions());
            int keys = 100;
            int versions = 12;
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 5; round++) {
                    Instant base = T0.plusSeconds(1000L * round);
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<?>> writers = new ArrayList<>();
                    for (int w = 0; w < 2; w++) {
                        int writer = w;
                        OnlineStore target = w == 0 ? store : second;
                        writers.add(pool.submit(() -> {
                            start.await();
                            // Writer 0 writes even versions, writer 1 odd ones, each in a shuffled order.
                            List<Integer> order = new ArrayList<>();
                            for (int v = writer; v < versions; v += 2) order.add(v);
                            Collections.shuffle(order, new Random(writer * 31L + 7));
                            for (int v : order) {
                                target.write(view, driverRows(0, keys, v, base.plusMillis(v)), r -> { });
                            }
                            return null;
                        }));
                    }
                    start.countDown();
                    for (Future<?> f : writers) f.get(120, TimeUnit.SECONDS);
                    List<EntityKey> all = new ArrayList<>();
                    for (int i = 0; i < keys; i++) all.add(driver(i));
                    List<OnlineRow> got = store.read(view, all, DRIVER_FEATURES);
                    for (int i = 0; i < keys; i++) {
                        assertRow(got.get(i), driverRow(i, versions - 1, base.plusMillis(versions - 1)));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
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
            try (FeatureStore fs = FeatureStore.builder().store(project, store, provider.capabilities()).views(List.of(view))
                    .clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
                OnlineResponse r = fs.getOnlineFeatures(List.of("fv_ttl:trips", "fv_ttl:note"),
                        List.of(Map.of("driver_id", 1L), Map.of("driver_id", 2L), Map.of("driver_id", 3L), Map.of("driver_id", 4L), Map.of("driver_id", 2L)));
                assertThat(r.featureNames()).containsExactly("driver_id", "trips", "note");
                assertThat(r.column("trips").statuses()).containsExactly(
                        FieldStatus.OUTSIDE_MAX_AGE, FieldStatus.PRESENT, FieldStatus.NULL_VALUE, FieldStatus.NOT_FOUND, FieldStatus.PRESENT);
                assertThat(r.value(1, "trips")).isEqualTo(Value.ofInt64(2001));
                assertThat(r.value(0, "trips")).isNull();
                assertThat(r.eventTime(0, "trips")).isEqualTo(now.minus(Duration.ofHours(2)));
                assertThat(r.value(2, "note")).isEqualTo(Value.ofString("n"));
            }
        }

        @Test
        @DisplayName("stored rows expire when the backend declares deleting expired data")
        void expiry() throws InterruptedException {
            if (!has(Capability.DELETE_EXPIRED_DATA)) {
                assertThat(provider.capabilities()).doesNotContain(Capability.DELETE_EXPIRED_DATA);
                return;
            }
            Duration ttl = Duration.ofSeconds(2);
            OnlineStore expiring = newStore(expiringStoreOptions(ttl));
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
