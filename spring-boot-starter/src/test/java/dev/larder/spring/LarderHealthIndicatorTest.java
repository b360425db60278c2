package dev.larder.spring;

import dev.larder.FeatureStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The Actuator health indicator against a real SQLite store, working and broken. */
class LarderHealthIndicatorTest {
    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LarderAutoConfiguration.class, LarderHealthContributorAutoConfiguration.class));

    @Test
    void upWhileTheStoreAnswersDownWithTheReasonWhenItFails() {
        Path repo = TestRepos.sqliteRepo(dir);
        Instant before = Instant.now();
        runner.withPropertyValues("larder.repo=" + repo).run(ctx -> {
            LarderHealthIndicator indicator = ctx.getBean("larderHealthIndicator", LarderHealthIndicator.class);
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("store", "sqlite").containsEntry("project", TestRepos.PROJECT)
                    .containsEntry("featureViews", 1).containsKeys("registryLoadedAt", "registryAgeSeconds")
                    .doesNotContainKey("registryRefreshFailure");
            assertThat(Instant.parse((String) up.getDetails().get("registryLoadedAt"))).isBetween(before, Instant.now());

            // The view's table is dropped behind Larder's back: the probe read fails.
            TestRepos.sql(repo, "DROP TABLE " + TestRepos.table());
            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) down.getDetails().get("error")).contains("sqlite online store failed a probe read");
        });
    }

    @Test
    void withoutActuatorOnTheClassPathTheStoreIsStillServedAndNoIndicatorIsMade() {
        Path repo = TestRepos.sqliteRepo(dir);
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).withPropertyValues("larder.repo=" + repo).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(FeatureStore.class).doesNotHaveBean("larderHealthIndicator");
        });
    }

    @Test
    void switchedOffByManagementHealthLarderEnabled() {
        Path repo = TestRepos.sqliteRepo(dir);
        runner.withPropertyValues("larder.repo=" + repo, "management.health.larder.enabled=false").run(ctx -> {
            assertThat(ctx).hasSingleBean(FeatureStore.class).doesNotHaveBean(LarderHealthIndicator.class);
        });
    }
}
