package dev.larder.read;

import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.spi.OnlineStoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Larder's online-read meters, named by Micrometer's conventions (dots; each registry renders
 * its own form, e.g. {@code larder_online_read_seconds} in Prometheus):
 * <ul>
 *   <li>{@code larder.online.read} timer per request, tag {@code outcome} (success, error, busy, timeout), with percentiles histogram;</li>
 *   <li>{@code larder.online.view.read} timer per view read, tags {@code view}, {@code store}, {@code outcome}, {@code source} (store, cache);</li>
 *   <li>{@code larder.online.entity.rows} and {@code larder.online.features}: per-request distribution summaries;</li>
 *   <li>{@code larder.online.values} counter per view and {@code status} (PRESENT, NULL_VALUE, NOT_FOUND, OUTSIDE_MAX_AGE);</li>
 *   <li>{@code larder.store.errors} counter per {@code store} and {@code kind} (the failed operation, or the exception type).</li>
 * </ul>
 * Cache meters come from Micrometer's Caffeine binder in {@link RowCache}: {@code cache.gets} (result hit or miss), {@code cache.evictions}, … tagged {@code cache=larder} and {@code view}.
 */
public final class ReadMetrics {
    private final MeterRegistry registry;
    private final String storeType;
    // Meters by their tags, so that a request looks them up once instead of building and registering each time.
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Map<String, Timer> viewTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter[]> valueCounters = new ConcurrentHashMap<>();
    private final DistributionSummary entityRows;
    private final DistributionSummary features;

    public ReadMetrics(MeterRegistry registry, String storeType) {
        this.registry = registry;
        this.storeType = storeType;
        this.entityRows = DistributionSummary.builder("larder.online.entity.rows").description("Entity rows per online read")
                .baseUnit("rows").register(registry);
        this.features = DistributionSummary.builder("larder.online.features").description("Features requested per online read")
                .baseUnit("features").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Starts timing a request. */
    public long start() {
        return System.nanoTime();
    }

    /** Records a finished request: its time and outcome, its size and each value's status. */
    public void request(long started, RequestPlan plan, OnlineResponse response, Throwable error) {
        String outcome = outcome(error);
        requestTimers.computeIfAbsent(outcome, o -> Timer.builder("larder.online.read").description("Online reads, whole requests")
                .tag("outcome", o).publishPercentileHistogram().register(registry)).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        if (plan == null) return;
        entityRows.record(plan.entityRows().size());
        features.record(plan.refs().size());
        if (response == null) return;
        int joinKeys = plan.joinKeyColumns().size();
        for (int c = 0; c < plan.refs().size(); c++) {
            String view = plan.refs().get(c).view();
            int[] counts = new int[FieldStatus.values().length];
            for (FieldStatus s : response.columns().get(joinKeys + c).statuses()) counts[s.ordinal()]++;
            for (FieldStatus s : FieldStatus.values()) {
                if (counts[s.ordinal()] > 0) valueCounter(view, s).increment(counts[s.ordinal()]);
            }
        }
    }

    /** Records one view's read from the store or the cache. */
    public void viewRead(String view, String source, long nanos, Throwable error) {
        String outcome = outcome(error);
        viewTimers.computeIfAbsent(view + '\0' + source + '\0' + outcome, k -> Timer.builder("larder.online.view.read")
                .description("Reads of one view within an online read").tag("view", view).tag("store", storeType)
                .tag("source", source).tag("outcome", outcome).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        if (error != null && !(error instanceof dev.larder.StoreBusyException) && !(error instanceof java.util.concurrent.TimeoutException)) {
            String kind = error instanceof OnlineStoreException ? ((OnlineStoreException) error).operation().name().toLowerCase(java.util.Locale.ROOT)
                    : error.getClass().getSimpleName();
            Counter.builder("larder.store.errors").description("Failed store operations").tag("store", storeType).tag("kind", kind)
                    .register(registry).increment();
        }
    }

    private Counter valueCounter(String view, FieldStatus status) {
        Counter[] byStatus = valueCounters.computeIfAbsent(view, v -> new Counter[FieldStatus.values().length]);
        Counter c = byStatus[status.ordinal()];
        if (c == null) {
            c = Counter.builder("larder.online.values").description("Feature values served, by status").tag("view", view)
                    .tag("status", status.name()).register(registry); // idempotent: a racing thread gets the same counter
            byStatus[status.ordinal()] = c;
        }
        return c;
    }

    static String outcome(Throwable error) {
        if (error == null) return "success";
        if (error instanceof dev.larder.StoreBusyException) return "busy";
        if (error instanceof dev.larder.RequestTimeoutException || error instanceof java.util.concurrent.TimeoutException) return "timeout";
        return "error";
    }
}
