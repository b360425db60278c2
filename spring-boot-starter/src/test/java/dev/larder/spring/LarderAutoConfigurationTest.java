package dev.larder.spring;

import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.LarderException;
import dev.larder.OnlineResponse;
import dev.larder.spi.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The auto-configuration in a real application context, on a real SQLite repository. */
class LarderAutoConfigurationTest {
    private static final List<String> REFS = List.of("driver_hourly_stats:conv_rate", "driver_hourly_stats:avg_daily_trips");

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LarderAutoConfiguration.class));

    private static OnlineResponse read(FeatureStore store, long driverId) {
        return store.getOnlineFeatures(REFS, List.of(Map.of("driver_id", driverId)));
    }

    @Test
    void opensOneFeatureStoreFromLarderRepoAndClosesItWithTheContext() {
        Path repo = TestRepos.sqliteRepo(dir);
        AtomicReference<FeatureStore> bean = new AtomicReference<>();
        runner.withPropertyValues("larder.repo=" + repo).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(FeatureStore.class);
            FeatureStore store = ctx.getBean(FeatureStore.class);
            bean.set(store);
            assertThat(store.project()).isEqualTo(TestRepos.PROJECT);
            assertThat(store.featureViews()).containsOnlyKeys(TestRepos.VIEW);
            store.write(TestRepos.VIEW, List.of(TestRepos.driverRow(1001, 0.25f, 7)));
            OnlineResponse r = read(store, 1001);
            assertThat(r.status(0, "conv_rate")).isEqualTo(FieldStatus.PRESENT);
            assertThat(r.value(0, "conv_rate").asFloat()).isEqualTo(0.25f);
            assertThat(read(store, 9999).status(0, "conv_rate")).isEqualTo(FieldStatus.NOT_FOUND);
        });
        // The context closed the store: the facade refuses to read.
        assertThatThrownBy(() -> read(bean.get(), 1001)).isInstanceOf(LarderException.class).hasMessageContaining("closed");
    }

    @Test
    void aRepoWithoutFeatureStoreYamlFailsTheStartupNamingTheFile() {
        Path missing = dir.resolve("no_such_repo");
        runner.withPropertyValues("larder.repo=" + missing).run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable root = rootCause(ctx.getStartupFailure());
            assertThat(root).isInstanceOf(LarderException.class)
                    .hasMessageContaining(missing.resolve("feature_store.yaml").toString()).hasMessageContaining("file not found");
            FailureAnalysis analysis = new LarderFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis.getDescription()).contains(missing.resolve("feature_store.yaml").toString());
            assertThat(analysis.getAction()).contains("larder.repo");
        });
    }

    @Test
    void springBootFindsTheFailureAnalyzer() {
        assertThat(org.springframework.core.io.support.SpringFactoriesLoader.forDefaultResourceLocation()
                // Spring Boot's own analyzers need constructor arguments it passes at startup: skipped here.
                .load(org.springframework.boot.diagnostics.FailureAnalyzer.class, null, (type, name, failure) -> { }))
                .anySatisfy(a -> assertThat(a).isInstanceOf(LarderFailureAnalyzer.class));
    }

    @Test
    void aWrongFeatureStoreYamlFailsTheStartupWithLarderProblems() throws Exception {
        Path repo = TestRepos.sqliteRepo(dir);
        java.nio.file.Files.writeString(repo.resolve("feature_store.yaml"), "project: spring_test\nonline_store: {type: nosuchstore}\n");
        runner.withPropertyValues("larder.repo=" + repo).run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable root = rootCause(ctx.getStartupFailure());
            assertThat(root.getMessage()).contains("feature_store.yaml").contains("nosuchstore");
            assertThat(root).isInstanceOfAny(LarderException.class, ConfigException.class);
        });
    }

    @Test
    void anUnappliedRepoFailsTheStartupSayingToApply() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("feature_store.yaml"), "project: spring_test\nregistry: data/registry.json\n");
        runner.withPropertyValues("larder.repo=" + dir).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(rootCause(ctx.getStartupFailure())).isInstanceOf(LarderException.class).hasMessageContaining("larder apply");
        });
        assertThat(dir.resolve("data/online.db")).as("no online store was opened").doesNotExist();
    }

    @Test
    void withoutLarderRepoTheStartupFailsNamingTheProperty() {
        runner.run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(rootCause(ctx.getStartupFailure())).isInstanceOf(LarderException.class).hasMessageContaining("larder.repo is not set");
        });
    }

    @Test
    void servingPropertiesOverrideFeatureStoreYaml() {
        Path repo = TestRepos.sqliteRepo(dir);
        runner.withPropertyValues("larder.repo=" + repo, "larder.serving.read-threads=3", "larder.serving.max-concurrent-reads=7",
                "larder.serving.request-timeout=750ms").run(ctx -> {
            FeatureStore store = ctx.getBean(FeatureStore.class);
            assertThat(store.servingConfig().readThreads()).isEqualTo(3);
            assertThat(store.servingConfig().maxConcurrentReads()).isEqualTo(7);
            assertThat(store.servingConfig().requestTimeout()).isEqualTo(Duration.ofMillis(750));
        });
        runner.withPropertyValues("larder.repo=" + repo).run(ctx ->
                assertThat(ctx.getBean(FeatureStore.class).servingConfig()).isEqualTo(dev.larder.config.ServingConfig.DEFAULTS));
    }

    @Test
    void outOfRangePropertiesFailTheStartupNamingEachProperty() {
        Path repo = TestRepos.sqliteRepo(dir);
        runner.withPropertyValues("larder.repo=" + repo, "larder.serving.read-threads=0", "larder.serving.request-timeout=-1s").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(rootCause(ctx.getStartupFailure())).hasMessageContaining("larder.serving.read-threads: must be between 1 and 1024; got 0")
                    .hasMessageContaining("larder.serving.request-timeout: must be positive");
        });
    }

    @Test
    void cachePropertiesTurnTheInProcessCacheOn() {
        Path repo = TestRepos.sqliteRepo(dir);
        // Cached: a row deleted behind Larder's back is still served from the cache.
        runner.withPropertyValues("larder.repo=" + repo, "larder.cache.enabled=true", "larder.cache.expire-after-write=10m").run(ctx -> {
            FeatureStore store = ctx.getBean(FeatureStore.class);
            store.write(TestRepos.VIEW, List.of(TestRepos.driverRow(1001, 0.5f, 3)));
            assertThat(read(store, 1001).status(0, "conv_rate")).isEqualTo(FieldStatus.PRESENT);
            TestRepos.sql(repo, "DELETE FROM " + TestRepos.table());
            assertThat(read(store, 1001).status(0, "conv_rate")).isEqualTo(FieldStatus.PRESENT);
        });
        // Not cached (feature_store.yaml has no online_cache): the same deletion is seen at once.
        runner.withPropertyValues("larder.repo=" + repo).run(ctx -> {
            FeatureStore store = ctx.getBean(FeatureStore.class);
            store.write(TestRepos.VIEW, List.of(TestRepos.driverRow(1001, 0.5f, 3)));
            assertThat(read(store, 1001).status(0, "conv_rate")).isEqualTo(FieldStatus.PRESENT);
            TestRepos.sql(repo, "DELETE FROM " + TestRepos.table());
            assertThat(read(store, 1001).status(0, "conv_rate")).isEqualTo(FieldStatus.NOT_FOUND);
        });
    }

    @Test
    void metersGoToTheApplicationsMeterRegistry() {
        Path repo = TestRepos.sqliteRepo(dir);
        runner.withPropertyValues("larder.repo=" + repo).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            FeatureStore store = ctx.getBean(FeatureStore.class);
            store.write(TestRepos.VIEW, List.of(TestRepos.driverRow(1001, 0.5f, 3)));
            read(store, 1001);
            read(store, 1002);
            assertThat(registry.find("larder.online.read").timer()).isNotNull();
            assertThat(registry.find("larder.online.read").timers().stream().mapToLong(t -> t.count()).sum()).isEqualTo(2);
            assertThat(registry.find("larder.online.values").tag("status", "PRESENT").counter().count()).isEqualTo(2.0);
        });
    }

    @Test
    void spansGoToTheApplicationsOpenTelemetry() {
        Path repo = TestRepos.sqliteRepo(dir);
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
        runner.withPropertyValues("larder.repo=" + repo).withBean(OpenTelemetry.class, () -> otel).run(ctx -> {
            read(ctx.getBean(FeatureStore.class), 1001);
            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertThat(spans).isNotEmpty();
            assertThat(spans).anySatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
        });
        otel.close();
    }

    @Test
    void anApplicationsOwnFeatureStoreBeanIsKept() {
        Path repo = TestRepos.sqliteRepo(dir);
        try (FeatureStore own = FeatureStore.open(repo)) {
            runner.withBean(FeatureStore.class, () -> own, d -> d.setDestroyMethodName("")).run(ctx -> {
                assertThat(ctx).hasNotFailed().hasSingleBean(FeatureStore.class);
                assertThat(ctx.getBean(FeatureStore.class)).isSameAs(own);
            });
        }
    }

    static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }
}
