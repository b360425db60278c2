package dev.larder.registry;

import dev.larder.LarderException;
import dev.larder.definitions.Definitions;
import dev.larder.definitions.EntityDefinition;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryTest {
    @TempDir
    Path dir;

    static final EntityDefinition DRIVER = new EntityDefinition("driver", List.of("driver_id"), ValueType.INT64);
    static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    static FeatureViewDefinition view(String name, List<Field> features, Duration ttl) {
        return new FeatureViewDefinition(new FeatureView(name, List.of("driver"), DRIVER.joinKeyFields(), features, ttl),
                new SourceDefinition("data/" + name + ".parquet", "event_timestamp", "created"));
    }

    static final List<Field> STATS = List.of(new Field("conv_rate", ValueType.FLOAT), new Field("trips", ValueType.INT64_LIST));

    @Test
    void roundTripsThroughItsJsonFile() {
        FeatureViewDefinition entityless = new FeatureViewDefinition(
                new FeatureView("global", List.of(), List.of(), List.of(new Field("n", ValueType.INT64)), Duration.ZERO),
                new SourceDefinition("data/g.csv", "ts", null));
        Registry r = Registry.empty("demo").withDefinitions(new Definitions(List.of(DRIVER), List.of(view("stats", STATS, Duration.ofDays(1)), entityless)),
                List.of(), T0).withMaterialized("stats", new Registry.Interval(T0, T0.plusSeconds(3600)), T0.plusSeconds(5));
        Path file = dir.resolve("data/registry.json");
        r.save(file);
        Registry back = Registry.load(file).orElseThrow();
        assertThat(back.toJson()).isEqualTo(r.toJson());
        assertThat(back.project()).isEqualTo("demo");
        assertThat(back.lastUpdated()).isEqualTo(T0.plusSeconds(5));
        assertThat(back.definitions()).isEqualTo(r.definitions());
        assertThat(back.view("stats").orElseThrow().watermark()).contains(T0.plusSeconds(3600));
        assertThat(back.view("global").orElseThrow().view().isEntityless()).isTrue();
        assertThat(back.view("global").orElseThrow().watermark()).isEmpty();
    }

    @Test
    void pushSourceNameRoundTripsAndAChangeIsPlannedWithoutReset() {
        FeatureViewDefinition plain = view("stats", STATS, Duration.ZERO);
        FeatureViewDefinition pushed = new FeatureViewDefinition(plain.view(), plain.source(), "stats_push");
        Registry r = Registry.empty("demo").withDefinitions(new Definitions(List.of(DRIVER), List.of(pushed)), List.of(), T0);
        Path file = dir.resolve("registry.json");
        r.save(file);
        assertThat(Registry.load(file).orElseThrow().view("stats").orElseThrow().definition().pushSourceName()).contains("stats_push");
        RepoPlan plan = RepoPlan.compute(Registry.load(file).orElseThrow(), new Definitions(List.of(DRIVER), List.of(plain)));
        assertThat(plan.render()).anySatisfy(l -> assertThat(l).contains("push source stats_push -> (none)"));
        assertThat(plan.viewsToReset()).isEmpty();
    }

    @Test
    void missingFileMeansNothingApplied() {
        assertThat(Registry.load(dir.resolve("nope.json"))).isEmpty();
    }

    @Test
    void damagedFileIsAClearError() throws Exception {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, "{\"larder_registry_version\": 1, \"project\": ");
        assertThatThrownBy(() -> Registry.load(file)).isInstanceOf(LarderException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not valid JSON");
    }

    @Test
    void intervalsMergeAndTheWatermarkIsTheLatestEnd() {
        List<Registry.Interval> merged = Registry.merge(List.of(
                new Registry.Interval(T0.plusSeconds(100), T0.plusSeconds(200)),
                new Registry.Interval(T0, T0.plusSeconds(100)),
                new Registry.Interval(T0.plusSeconds(500), T0.plusSeconds(600))));
        assertThat(merged).containsExactly(new Registry.Interval(T0, T0.plusSeconds(200)),
                new Registry.Interval(T0.plusSeconds(500), T0.plusSeconds(600)));
    }

    @Test
    void planReportsCreateChangeDropAndLikelyRenames() {
        Registry current = Registry.empty("demo").withDefinitions(new Definitions(List.of(DRIVER),
                List.of(view("a", STATS, Duration.ofDays(1)), view("b", STATS, Duration.ZERO))), List.of(), T0)
                .withMaterialized("a", new Registry.Interval(T0, T0.plusSeconds(10)), T0);
        List<Field> more = List.of(new Field("conv_rate", ValueType.FLOAT), new Field("trips", ValueType.INT64_LIST), new Field("x", ValueType.BOOL));
        Definitions desired = new Definitions(List.of(DRIVER), List.of(view("a", more, Duration.ofHours(2)), view("c", STATS, Duration.ZERO)));
        RepoPlan plan = RepoPlan.compute(current, desired);
        assertThat(plan.changes()).extracting(RepoPlan.ViewChange::kind, RepoPlan.ViewChange::view).containsExactly(
                org.assertj.core.groups.Tuple.tuple(RepoPlan.Kind.CHANGE, "a"),
                org.assertj.core.groups.Tuple.tuple(RepoPlan.Kind.CREATE, "c"),
                org.assertj.core.groups.Tuple.tuple(RepoPlan.Kind.DROP, "b"));
        assertThat(plan.changes().get(0).details()).anyMatch(d -> d.contains("feature 'x' added (Bool)")).anyMatch(d -> d.contains("ttl 1d -> 2h"));
        assertThat(plan.warnings()).anyMatch(w -> w.contains("'b' is gone and 'c' is new") && w.contains("a rename?"))
                .anyMatch(w -> w.contains("'b' will be dropped"));
        assertThat(plan.viewsToDelete()).extracting(FeatureView::name).containsExactly("b");
        assertThat(plan.viewsToReset()).containsExactly("a");
        Registry next = current.withDefinitions(desired, plan.viewsToReset(), T0);
        assertThat(next.view("a").orElseThrow().materialized()).isEmpty();
        assertThat(next.view("b")).isEmpty();
    }

    @Test
    void unchangedDefinitionsPlanNothingAndKeepHistory() {
        Definitions defs = new Definitions(List.of(DRIVER), List.of(view("a", STATS, Duration.ofDays(1))));
        Registry current = Registry.empty("demo").withDefinitions(defs, List.of(), T0)
                .withMaterialized("a", new Registry.Interval(T0, T0.plusSeconds(10)), T0);
        RepoPlan plan = RepoPlan.compute(current, defs);
        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.viewsToDelete()).isEmpty();
        assertThat(current.withDefinitions(defs, plan.viewsToReset(), T0).view("a").orElseThrow().watermark()).contains(T0.plusSeconds(10));
    }

    @Test
    void changedJoinKeysDropTheOldData() {
        Registry current = Registry.empty("demo").withDefinitions(new Definitions(List.of(DRIVER), List.of(view("a", STATS, Duration.ZERO))), List.of(), T0);
        EntityDefinition rider = new EntityDefinition("driver", List.of("rider_id"), ValueType.STRING);
        FeatureViewDefinition changed = new FeatureViewDefinition(new FeatureView("a", List.of("driver"), rider.joinKeyFields(), STATS, Duration.ZERO),
                new SourceDefinition("data/a.parquet", "event_timestamp", "created"));
        RepoPlan plan = RepoPlan.compute(current, new Definitions(List.of(rider), List.of(changed)));
        assertThat(plan.viewsToDelete()).extracting(v -> v.joinKeyNames()).containsExactly(List.of("driver_id"));
        assertThat(plan.changes().get(0).details()).anyMatch(d -> d.contains("join keys changed"));
    }
}
