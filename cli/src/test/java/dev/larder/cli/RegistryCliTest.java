package dev.larder.cli;

import dev.larder.config.RegistryConfig;
import dev.larder.config.RepoConfig;
import dev.larder.materialize.MaterializationListener;
import dev.larder.materialize.Materializer;
import dev.larder.registry.Registry;
import dev.larder.registry.RegistryStore;
import dev.larder.registry.RegistryStores;
import dev.larder.registry.Repository;
import dev.larder.spi.OnlineStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry under operators' conditions, through the real CLI on SQLite: concurrent runs in
 * separate JVMs, many small views, END in the future, a changed online store, a damaged file.
 */
class RegistryCliTest {
    static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    static final Instant END = Instant.parse("2024-02-01T00:00:00Z");

    @TempDir
    Path repo;
    final CliRunner cli = new CliRunner(Clock.fixed(NOW, ZoneOffset.UTC));

    /** A repository of {@code views} two-row views sharing one CSV source, applied. */
    void manyViews(int views) throws Exception {
        Files.createDirectories(repo.resolve("data"));
        Files.writeString(repo.resolve("feature_store.yaml"), "project: many\nregistry: data/registry.json\n"
                + "online_store:\n  type: sqlite\n  path: data/online.db\n");
        Files.writeString(repo.resolve("data/rows.csv"), "id,v,ts\n1,1.5,2024-01-02T00:00:00Z\n2,2.5,2024-01-03T00:00:00Z\n");
        StringBuilder f = new StringBuilder("entities:\n  - {name: e, join_keys: [id], value_type: INT64}\nfeature_views:\n");
        for (int i = 0; i < views; i++) {
            f.append("  - name: v").append(i).append("\n    entities: [e]\n    ttl: 0s\n    schema:\n      - {name: v, dtype: Float64}\n")
                    .append("    source: {path: data/rows.csv, timestamp_field: ts}\n");
        }
        Files.writeString(repo.resolve("features.yaml"), f.toString());
        ok("--repo", repo.toString(), "apply");
    }

    CliRunner.Result ok(String... args) {
        CliRunner.Result r = cli.run(args);
        assertThat(r.code()).as(r.toString()).isZero();
        return r;
    }

    Registry registry() {
        return Registry.load(repo.resolve("data/registry.json")).orElseThrow();
    }

    static Process larder(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp", System.getProperty("java.class.path"), LarderCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void concurrentMaterializeAndApplyProcessesKeepEveryWatermark() throws Exception {
        int views = 40;
        manyViews(views);
        String first = IntStream.range(0, views / 2).mapToObj(i -> "v" + i).collect(Collectors.joining(","));
        String second = IntStream.range(views / 2, views).mapToObj(i -> "v" + i).collect(Collectors.joining(","));
        // Two runs recording watermarks of disjoint views while apply rewrites the registry.
        Process a = larder("--repo", repo.toString(), "materialize", "2024-01-01", END.toString(), "--views", first);
        Process b = larder("--repo", repo.toString(), "materialize", "2024-01-01", END.toString(), "--views", second);
        Process c = larder("--repo", repo.toString(), "apply");
        assertThat(finish(a)).contains("Materialized 20 feature views");
        assertThat(finish(b)).contains("Materialized 20 feature views");
        finish(c);
        finish(larder("--repo", repo.toString(), "apply"));

        Registry after = registry();
        List<String> missing = IntStream.range(0, views).mapToObj(i -> "v" + i)
                .filter(v -> !after.view(v).orElseThrow().watermark().equals(Optional.of(END))).toList();
        assertThat(missing).as("views whose watermark was lost").isEmpty();
    }

    /** Counts the registry updates a run makes. */
    static final class CountingRegistryStore implements RegistryStore {
        final RegistryStore delegate;
        final AtomicInteger writes = new AtomicInteger();

        CountingRegistryStore(RegistryStore delegate) {
            this.delegate = delegate;
        }

        @Override public RegistryConfig config() { return delegate.config(); }
        @Override public Optional<Registry> load(String project) { return delegate.load(project); }
        @Override public List<String> projects() { return delegate.projects(); }
        @Override public void delete(String project) { delegate.delete(project); }
        @Override public <T> T exclusive(Supplier<T> update) { return delegate.exclusive(update); }

        @Override
        public void save(Registry registry) {
            writes.incrementAndGet();
            delegate.save(registry);
        }

        @Override
        public void recordMaterialized(String project, Map<String, Registry.Interval> intervals, String store, Instant now) {
            writes.incrementAndGet();
            delegate.recordMaterialized(project, intervals, store, now);
        }
    }

    @Test
    void manySmallViewsAreRecordedInFewRegistryWritesAndAFailureKeepsTheFinishedOnes() throws Exception {
        int views = 60;
        manyViews(views);
        RepoConfig config = RepoConfig.load(repo);
        CountingRegistryStore counting = new CountingRegistryStore(RegistryStores.open(config.registry()));
        Repository r = new Repository(config, Clock.fixed(NOW, ZoneOffset.UTC), counting);
        try (OnlineStore store = r.openStore()) {
            new Materializer(r, store, MaterializationListener.NONE).withWatermarkInterval(Duration.ofHours(1))
                    .materialize(List.of(), Instant.parse("2024-01-01T00:00:00Z"), END);
        }
        assertThat(counting.writes).as("one registry update for %d views, not one each", views).hasValue(1);
        assertThat(registry().views().values()).allSatisfy(e -> assertThat(e.watermark()).contains(END));

        // A view whose source is gone fails the run: the views finished before it keep their watermarks, it and later ones do not.
        counting.writes.set(0);
        Files.writeString(repo.resolve("data/other.csv"), "id,v,ts\n1,9.5,2024-03-02T00:00:00Z\n");
        String yaml = Files.readString(repo.resolve("features.yaml"));
        Files.writeString(repo.resolve("features.yaml"), yaml.replace("data/rows.csv", "data/other.csv"));
        ok("--repo", repo.toString(), "apply"); // sources changed: watermarks reset
        counting.writes.set(0);
        try (OnlineStore store = r.openStore()) {
            Materializer m = new Materializer(r, store, new MaterializationListener() {
                @Override
                public void viewFinished(dev.larder.materialize.ViewResult result) {
                    if (result.view().equals("v29")) {
                        try {
                            Files.delete(repo.resolve("data/other.csv"));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            }).withWatermarkInterval(Duration.ofHours(1));
            assertThatThrownBy(() -> m.materialize(List.of(), Instant.parse("2024-03-01T00:00:00Z"), NOW)).hasMessageContaining("other.csv");
        }
        assertThat(counting.writes).as("the finished views recorded once, at the failure").hasValue(1);
        Registry after = registry();
        for (int i = 0; i < views; i++) {
            assertThat(after.view("v" + i).orElseThrow().watermark()).as("v" + i).isEqualTo(i < 30 ? Optional.of(NOW) : Optional.empty());
        }
    }

    @Test
    void aFutureEndIsRecordedAsNowAndTheCliSaysSo() throws Exception {
        manyViews(2);
        CliRunner.Result r = ok("--repo", repo.toString(), "materialize", "2024-01-01", "2099-01-01");
        assertThat(r.out()).contains("Note: END 2099-01-01T00:00:00Z is in the future: watermarks are recorded up to now (" + NOW + ")")
                .contains("materialized up to " + NOW);
        assertThat(registry().view("v0").orElseThrow().watermark()).contains(NOW);
        assertThat(registry().view("v1").orElseThrow().watermark()).contains(NOW);
    }

    @Test
    void changingTheOnlineStoreResetsWatermarksAndPlanSaysSo() throws Exception {
        manyViews(2);
        ok("--repo", repo.toString(), "materialize-incremental", END.toString());
        String yaml = Files.readString(repo.resolve("feature_store.yaml"));
        Files.writeString(repo.resolve("feature_store.yaml"), yaml.replace("data/online.db", "data/moved.db"));

        CliRunner.Result plan = ok("--repo", repo.toString(), "plan");
        assertThat(plan.out()).contains("online store changed from sqlite data/online.db to sqlite data/moved.db")
                .contains("[v0, v1]").contains("materialize again").doesNotContain("No changes.");
        ok("--repo", repo.toString(), "apply");
        CliRunner.Result again = ok("--repo", repo.toString(), "materialize-incremental", END.toString());
        assertThat(again.out()).contains("Materialized 2 feature views: 4 rows sent to the online store");
        assertThat(registry().view("v0").orElseThrow().store()).isEqualTo("sqlite data/moved.db");
        assertThat(ok("--repo", repo.toString(), "plan").out()).contains("No changes.");
    }

    @Test
    void aDamagedRegistryIsRebuiltByApplyKeepingABackup() throws Exception {
        manyViews(2);
        ok("--repo", repo.toString(), "materialize", "2024-01-01", END.toString());
        Path file = repo.resolve("data/registry.json");
        Files.writeString(file, "");

        CliRunner.Result get = cli.run("--repo", repo.toString(), "materialize-incremental", END.toString());
        assertThat(get.code()).isNotZero();
        assertThat(get.err()).contains("the registry is empty (0 bytes)").contains("larder apply").doesNotContain("version -1");
        assertThat(ok("--repo", repo.toString(), "plan").out()).contains("apply rebuilds it from features.yaml")
                .contains("registry.json.corrupt-20240601T120000Z").contains("materialize again");

        CliRunner.Result apply = ok("--repo", repo.toString(), "apply");
        assertThat(apply.out()).contains("Rebuilt the registry from features.yaml").contains("registry.json.corrupt-20240601T120000Z");
        assertThat(repo.resolve("data/registry.json.corrupt-20240601T120000Z")).exists().isEmptyFile();
        assertThat(registry().views()).containsOnlyKeys("v0", "v1");
        assertThat(registry().view("v0").orElseThrow().watermark()).isEmpty();

        Files.writeString(file, "{\"larder_registry_version\": 1, \"project\": \"many\", \"entit");
        assertThat(ok("--repo", repo.toString(), "apply").out()).contains("Rebuilt the registry");
        assertThat(repo.resolve("data/registry.json.corrupt-20240601T120000Z-1")).exists();
        assertThat(ok("--repo", repo.toString(), "materialize-incremental", END.toString()).out()).contains("4 rows sent to the online store");
    }
}
