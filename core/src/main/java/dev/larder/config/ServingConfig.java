package dev.larder.config;

import dev.larder.spi.ConfigException;
import dev.larder.spi.StoreOptions;

import java.time.Duration;
import java.util.Map;

/**
 * {@code serving:} in feature_store.yaml: how the facade bounds online reads.
 *
 * @param readThreads        threads reading blocking stores (default 16); asynchronous stores need none
 * @param maxConcurrentReads view reads in flight at once (default 256); beyond it a read waits for a
 *                           slot until the request deadline, then fails as busy
 * @param requestTimeout     the deadline of one online read (default 5 s)
 */
public record ServingConfig(int readThreads, int maxConcurrentReads, Duration requestTimeout) {
    public static final ServingConfig DEFAULTS = new ServingConfig(16, 256, Duration.ofSeconds(5));

    public ServingConfig {
        if (readThreads < 1) throw new IllegalArgumentException("readThreads must be at least 1: " + readThreads);
        if (maxConcurrentReads < 1) throw new IllegalArgumentException("maxConcurrentReads must be at least 1: " + maxConcurrentReads);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
    }

    /** Reads the {@code serving:} section; every problem at once, naming file and key. */
    public static ServingConfig from(String source, Map<String, ?> section) {
        StoreOptions o = StoreOptions.ofSection(source, "serving", "serving", section);
        int threads = o.integer("read_threads", DEFAULTS.readThreads(), 1, 1024);
        int reads = o.integer("max_concurrent_reads", DEFAULTS.maxConcurrentReads(), 1, 100_000);
        Duration timeout = o.duration("request_timeout", DEFAULTS.requestTimeout());
        if (timeout.isZero() || timeout.isNegative()) {
            o.problem("request_timeout", "must be positive, e.g. 500ms or 5s");
            timeout = DEFAULTS.requestTimeout();
        }
        o.validate();
        return new ServingConfig(threads, reads, timeout);
    }

    public ServingConfig withReadThreads(int n) {
        return new ServingConfig(n, maxConcurrentReads, requestTimeout);
    }

    public ServingConfig withMaxConcurrentReads(int n) {
        return new ServingConfig(readThreads, n, requestTimeout);
    }

    public ServingConfig withRequestTimeout(Duration d) {
        return new ServingConfig(readThreads, maxConcurrentReads, d);
    }

    static ServingConfig parse(String source, Object raw, java.util.List<String> problems) {
        if (raw == null) return DEFAULTS;
        if (!(raw instanceof Map)) {
            problems.add(source + ": serving: expected a mapping such as {request_timeout: 5s}");
            return DEFAULTS;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, ?> m = (Map<String, ?>) raw;
            return from(source, m);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return DEFAULTS;
        }
    }
}
