package dev.larder.materialize;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Materialization's meters, fed as a {@link MaterializationListener}:
 * <ul>
 *   <li>{@code larder.materialize.rows} counter per {@code view}: rows sent to the online store;</li>
 *   <li>{@code larder.materialize.duration} timer per {@code view} and {@code outcome} (written, skipped): one per view run;</li>
 *   <li>{@code larder.materialize.lag} gauge per {@code view}, in seconds: now minus the view's watermark (the end of the
 *       last materialized interval), NaN until the view has one.</li>
 * </ul>
 * A long-running process (the server) {@link #track tracks} each view with the watermark it found in the registry,
 * so the lag is right from the first scrape and grows until a run moves it.
 */
public final class MaterializationMetrics implements MaterializationListener {
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Instant> watermarks = new ConcurrentHashMap<>();
    private final java.util.Set<String> gauged = ConcurrentHashMap.newKeySet();

    public MaterializationMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Registers the view's lag gauge, starting from {@code watermark} (null: never materialized). */
    public void track(String view, Instant watermark) {
        if (watermark != null) watermarks.merge(view, watermark, MaterializationMetrics::later);
        if (!gauged.add(view)) return; // one gauge per view: it reads the watermark map
        Gauge.builder("larder.materialize.lag", this, m -> m.lagSeconds(view)).description("Now minus the view's materialization watermark")
                .baseUnit("seconds").tag("view", view).register(registry);
    }

    @Override
    public void rowsWritten(String view, long rows) {
        Counter.builder("larder.materialize.rows").description("Rows materialized into the online store").baseUnit("rows")
                .tag("view", view).register(registry).increment(rows);
    }

    @Override
    public void viewFinished(ViewResult result) {
        Timer.builder("larder.materialize.duration").description("Materialization of one view, from reading its source to the last write")
                .tag("view", result.view()).tag("outcome", result.skipped() ? "skipped" : "written").register(registry)
                .record(result.elapsed());
        if (!result.skipped()) {
            Instant now = clock.instant();
            Instant end = result.end().isAfter(now) ? now : result.end(); // a watermark never lies in the future
            watermarks.merge(result.view(), end, MaterializationMetrics::later);
            track(result.view(), null);
        }
    }

    private double lagSeconds(String view) {
        Instant watermark = watermarks.get(view);
        if (watermark == null) return Double.NaN;
        return Duration.between(watermark, clock.instant()).toNanos() / 1e9;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
