package dev.larder.store.bigtable;

import com.google.cloud.bigtable.admin.v2.models.GCRules;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.ViewRead;
import dev.larder.testing.bigtable.GrpcCallCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.google.cloud.bigtable.admin.v2.models.GCRules.GCRULES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Views on the same entities share one table: they keep their own rows through writes, deletes
 * and teardown; the table goes only when no view uses it. Also the family's GC rules, and that a
 * row never mixes features of two events.
 */
class BigtableSharedTableTest {
    static EmulatorFixture fx;

    @BeforeAll
    static void start() {
        fx = new EmulatorFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static final Instant T = Instant.parse("2026-01-02T03:04:05.678Z");

    static FeatureView view(String name, Duration ttl, String... features) {
        List<Field> fs = new java.util.ArrayList<>();
        for (String f : features) fs.add(new Field(f, ValueType.INT64));
        return new FeatureView(name, List.of("driver"), List.of(new Field("driver_id", ValueType.INT64)), fs, ttl);
    }

    static EntityKey driver(long id) {
        return EntityKey.of("driver_id", Value.ofInt64(id));
    }

    static FeatureRow row(long id, String feature, long value, Instant t) {
        return new FeatureRow(driver(id), Map.of(feature, Value.ofInt64(value)), t);
    }

    @Test
    void twoViewsShareATableWithoutDisturbingEachOther() {
        String project = EmulatorFixture.freshProject("shared");
        String table = project + ".driver";
        OnlineStore store = fx.store(project, Map.of());
        FeatureView a = view("fv_a", Duration.ZERO, "x");
        FeatureView b = view("fv_b", Duration.ZERO, "x");
        store.update(InfraChange.keep(List.of(a, b)));
        assertThat(fx.tables(project)).containsExactly(table);

        store.write(a, List.of(row(1, "x", 10, T), row(2, "x", 20, T)), r -> { });
        store.write(b, List.of(row(1, "x", -10, T.plusSeconds(5))), r -> { });
        store.write(a, List.of(row(1, "x", 11, T.plusSeconds(1))), r -> { });
        assertThat(fx.rowKeys(table)).hasSize(3);
        List<EntityKey> keys = List.of(driver(1), driver(2));
        assertThat(store.read(a, keys, List.of("x"))).containsExactly(
                OnlineRow.of(T.plusSeconds(1), Map.of("x", Value.ofInt64(11))), OnlineRow.of(T, Map.of("x", Value.ofInt64(20))));
        assertThat(store.read(b, keys, List.of("x"))).containsExactly(
                OnlineRow.of(T.plusSeconds(5), Map.of("x", Value.ofInt64(-10))), OnlineRow.ABSENT);
        assertThat(store.readViews(List.of(new ViewRead(a, List.of("x")), new ViewRead(b, List.of("x"))), keys))
                .containsExactly(store.read(a, keys, List.of("x")), store.read(b, keys, List.of("x")));

        // Deleting view b keeps the table for a and removes only b's rows.
        InfraChange dropB = new InfraChange(List.of(a), List.of(b));
        assertThat(store.plan(dropB)).containsExactly(
                new PlannedChange(PlannedChange.Action.UNCHANGED, "table " + table, ""),
                new PlannedChange(PlannedChange.Action.DELETE, "rows of view fv_b in table " + table, "the table stays for the other views"));
        store.update(dropB);
        assertThat(fx.rowKeys(table)).hasSize(2).allSatisfy(k -> assertThat(k).endsWith("#fv_a"));
        assertThat(store.read(a, keys, List.of("x")).get(0).values()).containsEntry("x", Value.ofInt64(11));

        // No applied view uses the table any more: it is deleted.
        InfraChange dropA = new InfraChange(List.of(), List.of(a));
        assertThat(store.plan(dropA)).containsExactly(
                new PlannedChange(PlannedChange.Action.DELETE, "table " + table, "no applied view uses it any more"));
        store.update(dropA);
        assertThat(fx.tables(project)).isEmpty();
        assertThat(store.plan(dropA)).isEmpty();
        store.update(dropA);
    }

    @Test
    void teardownOfOneViewKeepsTheOther() {
        String project = EmulatorFixture.freshProject("teardown");
        String table = project + ".driver";
        OnlineStore store = fx.store(project, Map.of());
        FeatureView a = view("fv_a", Duration.ZERO, "x");
        FeatureView b = view("fv_b", Duration.ZERO, "x");
        store.update(InfraChange.keep(List.of(a, b)));
        store.write(a, List.of(row(1, "x", 1, T)), r -> { });
        store.write(b, List.of(row(1, "x", 2, T), row(2, "x", 3, T)), r -> { });
        store.teardown(List.of(b));
        assertThat(fx.rowKeys(table)).hasSize(1).allSatisfy(k -> assertThat(k).endsWith("#fv_a"));
        assertThat(store.read(a, List.of(driver(1)), List.of("x")).get(0).isPresent()).isTrue();
        store.teardown(List.of(a, b));
        assertThat(fx.tables(project)).isEmpty();
        store.teardown(List.of(a, b));
    }

    /**
     * Scans and deletes go a page at a time (issue 13: teardown held every key of a table): with a
     * 100-key page, 250 rows of one view are deleted from a table of 280, across pages, in more
     * than one MutateRows call (counted as gRPC calls), and the other view's rows stay; dropping a
     * view through update pages the same way; the last view's teardown deletes the table.
     */
    @Test
    void teardownAndUpdatePageThroughMoreRowsThanAPage() {
        String project = EmulatorFixture.freshProject("paged");
        String table = project + ".driver";
        try (GrpcCallCounter counter = GrpcCallCounter.start(fx.emulator.port());
             OnlineStore store = new BigtableOnlineStore(project, BigtableStoreConfig.from(StoreOptions.of("bigtable",
                     Map.of("project_id", EmulatorFixture.PROJECT_ID, "instance", EmulatorFixture.INSTANCE, "emulator_host", counter.hostPort()))),
                     java.time.Clock.systemUTC(), 100)) {
            FeatureView a = view("fv_a", Duration.ZERO, "x");
            FeatureView b = view("fv_b", Duration.ZERO, "x");
            FeatureView c = view("fv_c", Duration.ZERO, "x");
            store.update(InfraChange.keep(List.of(a, b, c)));
            List<FeatureRow> many = new java.util.ArrayList<>();
            for (int i = 0; i < 250; i++) many.add(row(i, "x", i, T));
            store.write(b, many, r -> { });
            store.write(c, many, r -> { });
            store.write(a, many.subList(0, 30), r -> { });
            assertThat(fx.rowKeys(table)).hasSize(530);

            long before = counter.calls();
            store.teardown(List.of(b));
            long calls = counter.calls() - before;
            assertThat(fx.rowKeys(table)).hasSize(280).noneMatch(k -> k.endsWith("#fv_b"));
            // 1 table lookup, 6 scan pages (530 keys, 100 a page), and the 250 keys of fv_b deleted in
            // 2 or 3 calls as they fill pages; holding every key first would make it a single call.
            assertThat(calls).as("the table lookup, the scan pages and more than one delete call").isBetween(1L + 6 + 2, 1L + 6 + 3);
            List<EntityKey> keys = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) keys.add(driver(i));
            assertThat(store.read(a, keys, List.of("x"))).allSatisfy(r -> assertThat(r.isPresent()).isTrue());

            store.update(new InfraChange(List.of(a), List.of(c)));
            assertThat(fx.rowKeys(table)).hasSize(30).allMatch(k -> k.endsWith("#fv_a"));
            store.teardown(List.of(a));
            assertThat(fx.tables(project)).isEmpty();
        }
    }

    @Test
    void aRowNeverMixesFeaturesOfTwoEvents() {
        String project = EmulatorFixture.freshProject("mix");
        OnlineStore store = fx.store(project, Map.of());
        FeatureView v = view("fv", Duration.ZERO, "x", "y");
        store.update(InfraChange.keep(List.of(v)));
        // The newer event has only x; the older one, arriving later, has x and y.
        store.write(v, List.of(new FeatureRow(driver(1), Map.of("x", Value.ofInt64(2)), T.plusSeconds(10))), r -> { });
        store.write(v, List.of(new FeatureRow(driver(1), Map.of("x", Value.ofInt64(1), "y", Value.ofInt64(1)), T)), r -> { });
        assertThat(store.read(v, List.of(driver(1)), List.of("x", "y")).get(0))
                .isEqualTo(OnlineRow.of(T.plusSeconds(10), Map.of("x", Value.ofInt64(2))));
        // A newer full row replaces everything.
        store.write(v, List.of(new FeatureRow(driver(1), Map.of("x", Value.ofInt64(3), "y", Value.ofInt64(3)), T.plusSeconds(20))), r -> { });
        assertThat(store.read(v, List.of(driver(1)), List.of("x", "y")).get(0))
                .isEqualTo(OnlineRow.of(T.plusSeconds(20), Map.of("x", Value.ofInt64(3), "y", Value.ofInt64(3))));
        // Sub-millisecond event times keep their microseconds in event_ts.
        Instant micro = T.plusSeconds(30).plusNanos(123_456_000);
        store.write(v, List.of(new FeatureRow(driver(1), Map.of("x", Value.ofInt64(4)), micro)), r -> { });
        assertThat(store.read(v, List.of(driver(1)), List.of("x")).get(0).eventTime()).isEqualTo(micro);
    }

    @Test
    void gcRulesFollowMaxVersionsAndWithDeleteExpiredDataTheLongestTtl() {
        String project = EmulatorFixture.freshProject("gc");
        String table = project + ".driver";
        FeatureView hour = view("fv_hour", Duration.ofHours(1), "x");
        FeatureView day = view("fv_day", Duration.ofDays(1), "x");
        FeatureView forever = view("fv_forever", Duration.ZERO, "x");
        OnlineStore plain = fx.store(project, Map.of("max_versions", 3));
        plain.update(InfraChange.keep(List.of(hour, day)));
        assertThat(rule(table)).isEqualTo(GCRULES.maxVersions(3).toProto());

        OnlineStore expiring = fx.store(project, Map.of("max_versions", 3, "delete_expired_data", true));
        InfraChange both = InfraChange.keep(List.of(hour, day));
        GCRules.GCRule expected = GCRULES.union().rule(GCRULES.maxVersions(3)).rule(GCRULES.maxAge(1, TimeUnit.DAYS));
        assertThat(expiring.plan(both)).containsExactly(new PlannedChange(PlannedChange.Action.CREATE,
                "GC rule of column family features in table " + table, "replaces max 3 versions with max 3 versions or max age 1d"));
        expiring.update(both);
        assertThat(rule(table)).isEqualTo(expected.toProto());
        assertThat(expiring.plan(both)).extracting(PlannedChange::action).containsOnly(PlannedChange.Action.UNCHANGED);

        // A view without ttl keeps its rows forever: no max-age rule for the table.
        expiring.update(InfraChange.keep(List.of(hour, day, forever)));
        assertThat(rule(table)).isEqualTo(GCRULES.maxVersions(3).toProto());
        expiring.teardown(List.of(hour, day, forever));
    }

    @Test
    void withDeleteExpiredDataExpiredRowsReadAsAbsentOtherwiseTheyStay() {
        String project = EmulatorFixture.freshProject("expire");
        FeatureView v = view("fv_ttl", Duration.ofHours(1), "x");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        OnlineStore plain = fx.store(project, Map.of());
        OnlineStore expiring = fx.store(project, Map.of("delete_expired_data", true));
        expiring.update(InfraChange.keep(List.of(v)));
        plain.write(v, List.of(row(1, "x", 1, now.minus(Duration.ofHours(2))), row(2, "x", 2, now.minusSeconds(60))), r -> { });
        List<EntityKey> keys = List.of(driver(1), driver(2));
        // Feast's behaviour: the old row is still there; the facade reports it OUTSIDE_MAX_AGE.
        assertThat(plain.read(v, keys, List.of("x")).get(0)).isEqualTo(OnlineRow.of(now.minus(Duration.ofHours(2)), Map.of("x", Value.ofInt64(1))));
        List<OnlineRow> got = expiring.read(v, keys, List.of("x"));
        assertThat(got.get(0)).isEqualTo(OnlineRow.ABSENT);
        assertThat(got.get(1)).isEqualTo(OnlineRow.of(now.minusSeconds(60), Map.of("x", Value.ofInt64(2))));
        expiring.teardown(List.of(v));
    }

    @Test
    void aFeatureNamedEventTsIsRejected() {
        OnlineStore store = fx.store(EmulatorFixture.freshProject("bad"), Map.of());
        FeatureView v = view("fv_bad", Duration.ZERO, "event_ts");
        assertThatThrownBy(() -> store.update(InfraChange.keep(List.of(v))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fv_bad'").hasMessageContaining("reserves");
    }

    @Test
    void readingATableThatWasNeverCreatedSaysToApply() {
        String project = EmulatorFixture.freshProject("noapply");
        OnlineStore store = fx.store(project, Map.of());
        assertThatThrownBy(() -> store.read(view("fv", Duration.ZERO, "x"), List.of(driver(1)), List.of("x")))
                .isInstanceOfSatisfying(OnlineStoreException.class, e -> {
                    assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.READ);
                    assertThat(e.resource()).isEqualTo("table '" + project + ".driver'");
                    assertThat(e.isRetryable()).as("a missing table needs 'larder apply', not a retry").isFalse();
                })
                .hasMessageContaining("table '" + project + ".driver'").hasMessageContaining("larder apply");
    }

    private static com.google.bigtable.admin.v2.GcRule rule(String table) {
        return fx.admin.getTable(table).getColumnFamilies().stream().filter(f -> f.getId().equals("features")).findFirst().orElseThrow()
                .getGCRule().toProto();
    }
}
