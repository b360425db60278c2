package dev.larder.materialize;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MaterializationMetricsTest {
    private static final Instant NOW = Instant.parse("2025-01-02T00:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void rowsDurationAndLagMoveWithARun() {
        MaterializationMetrics metrics = new MaterializationMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
        metrics.track("driver_stats", Instant.parse("2025-01-01T00:00:00Z"));
        metrics.track("never_run", null);
        assertThat(lag("driver_stats")).isEqualTo(86_400.0);
        assertThat(lag("never_run")).isNaN();

        metrics.viewStarted("driver_stats", Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T18:00:00Z"), 5);
        metrics.rowsWritten("driver_stats", 3);
        metrics.rowsWritten("driver_stats", 2);
        metrics.viewFinished(new ViewResult("driver_stats", Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T18:00:00Z"),
                5, Duration.ofMillis(250), ""));

        assertThat(registry.get("larder.materialize.rows").tag("view", "driver_stats").counter().count()).isEqualTo(5.0);
        assertThat(registry.get("larder.materialize.duration").tags("view", "driver_stats", "outcome", "written").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
        assertThat(lag("driver_stats")).isEqualTo(6 * 3600.0);
    }

    @Test
    void aSkippedViewOrAnOlderIntervalLeavesTheLag() {
        MaterializationMetrics metrics = new MaterializationMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
        metrics.track("v", Instant.parse("2025-01-01T12:00:00Z"));
        metrics.viewFinished(new ViewResult("v", Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-02T00:00:00Z"),
                0, Duration.ZERO, "no rows in the interval"));
        metrics.viewFinished(new ViewResult("v", Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-06-01T00:00:00Z"),
                1, Duration.ZERO, ""));
        assertThat(lag("v")).isEqualTo(12 * 3600.0);
        assertThat(registry.get("larder.materialize.duration").tags("view", "v", "outcome", "skipped").timer().count()).isEqualTo(1);
    }

    @Test
    void aFutureIntervalEndCountsAsNow() {
        MaterializationMetrics metrics = new MaterializationMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
        metrics.viewFinished(new ViewResult("v", Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2099-01-01T00:00:00Z"),
                1, Duration.ZERO, ""));
        assertThat(lag("v")).isEqualTo(0.0);
    }

    private double lag(String view) {
        return registry.get("larder.materialize.lag").tag("view", view).gauge().value();
    }
}
