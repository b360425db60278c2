package dev.larder.config;

import dev.larder.spi.ConfigException;
import dev.larder.spi.StoreOptions;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code online_cache:} in feature_store.yaml: the in-process cache of online rows, off unless
 * enabled globally or for a view.
 *
 * <pre>
 * online_cache:
 *   enabled: true             # every view (default false)
 *   max_entries: 100000       # entity keys per view (default 100,000)
 *   expire_after_write: 60s   # default 60 s
 *   cache_not_found: false    # remember keys the store does not have (default false)
 *   views:                    # per view, overriding the values above
 *     driver_hourly_stats: {max_entries: 10000, expire_after_write: 5s}
 *     fraud_scores: {enabled: false}
 * </pre>
 */
public record CacheConfig(Settings defaults, Map<String, Settings> views) {

    /** One view's cache settings. */
    public record Settings(boolean enabled, long maxEntries, Duration expireAfterWrite, boolean cacheNotFound) {
    }

    public static final CacheConfig OFF = new CacheConfig(new Settings(false, 100_000, Duration.ofSeconds(60), false), Map.of());

    /** The settings that apply to a view. */
    public Settings forView(String view) {
        return views.getOrDefault(view, defaults);
    }

    /** Whether any view is cached. */
    public boolean anyEnabled() {
        return defaults.enabled() || views.values().stream().anyMatch(Settings::enabled);
    }

    /** Every view cached with these settings (for code-built stores and tests). */
    public static CacheConfig all(long maxEntries, Duration expireAfterWrite, boolean cacheNotFound) {
        return new CacheConfig(new Settings(true, maxEntries, expireAfterWrite, cacheNotFound), Map.of());
    }

    static CacheConfig parse(String source, Object raw, List<String> problems) {
        if (raw == null) return OFF;
        if (!(raw instanceof Map)) {
            problems.add(source + ": online_cache: expected a mapping such as {enabled: true, max_entries: 100000, expire_after_write: 60s}");
            return OFF;
        }
        @SuppressWarnings("unchecked")
        StoreOptions o = StoreOptions.ofSection(source, "online_cache", "online_cache", (Map<String, ?>) raw);
        Settings defaults = settings(o, OFF.defaults());
        Map<String, Settings> views = new HashMap<>();
        StoreOptions perView = o.section("views");
        for (String view : perView.raw().keySet()) {
            views.put(view, settings(perView.section(view), defaults));
        }
        try {
            o.validate();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return OFF;
        }
        return new CacheConfig(defaults, Map.copyOf(views));
    }

    private static Settings settings(StoreOptions o, Settings inherited) {
        boolean enabled = o.bool("enabled", inherited.enabled());
        long max = o.longValue("max_entries", inherited.maxEntries(), 1, 1_000_000_000L);
        Duration ttl = o.duration("expire_after_write", inherited.expireAfterWrite());
        if (ttl.isNegative() || ttl.isZero()) {
            o.problem("expire_after_write", "must be positive, e.g. 5s or 10m");
            ttl = inherited.expireAfterWrite();
        }
        boolean notFound = o.bool("cache_not_found", inherited.cacheNotFound());
        return new Settings(enabled, max, ttl, notFound);
    }
}
