package dev.larder.read;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.larder.config.CacheConfig;
import dev.larder.spi.EntityKey;
import dev.larder.spi.OnlineRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import java.util.Map;

/**
 * The in-process cache of online rows (Caffeine), one cache per cached view, keyed by entity
 * key. A cached row holds every feature of its view and its event time, so whichever features a
 * later request asks for come from it, and OUTSIDE_MAX_AGE is still judged at request time.
 * A key the store does not have is remembered only with {@code cache_not_found}. Writes through
 * the same facade invalidate the keys they touch; a materialization invalidates its views.
 */
public final class RowCache {
    private final CacheConfig config;
    private final MeterRegistry meters;
    private final com.github.benmanes.caffeine.cache.Ticker ticker;
    // One cache per cached view, made on first use: views come and go with registry refreshes.
    private final Map<String, Entry> byView = new java.util.concurrent.ConcurrentHashMap<>();

    private record Entry(Cache<EntityKey, OnlineRow> cache, boolean cacheNotFound) {
    }

    /**
     * @param clock the facade's clock: entries expire by it, so tests move time instead of sleeping
     */
    public RowCache(CacheConfig config, MeterRegistry meters, java.time.Clock clock) {
        this.config = config;
        this.meters = meters;
        this.ticker = clock.equals(java.time.Clock.systemUTC())
                ? com.github.benmanes.caffeine.cache.Ticker.systemTicker()
                : () -> { java.time.Instant t = clock.instant(); return t.getEpochSecond() * 1_000_000_000L + t.getNano(); };
    }

    private Entry entry(String view) {
        return byView.computeIfAbsent(view, v -> {
            CacheConfig.Settings s = config.forView(v);
            Cache<EntityKey, OnlineRow> cache = Caffeine.newBuilder().maximumSize(s.maxEntries())
                    .expireAfterWrite(s.expireAfterWrite()).ticker(ticker).recordStats().build();
            CaffeineCacheMetrics.monitor(meters, cache, "larder", Tags.of("view", v));
            return new Entry(cache, s.cacheNotFound());
        });
    }

    public boolean caches(String view) {
        return config.forView(view).enabled();
    }

    /** The cached row of a key (possibly {@link OnlineRow#ABSENT}), or null on a miss. */
    public OnlineRow get(String view, EntityKey key) {
        return entry(view).cache().getIfPresent(key);
    }

    /** Remembers a row read from the store; an absent one only with {@code cache_not_found}. */
    public void put(String view, EntityKey key, OnlineRow row) {
        Entry e = entry(view);
        if (row.isPresent() || e.cacheNotFound()) e.cache().put(key, row);
    }

    /** Forgets keys a write touched. */
    public void invalidate(String view, Iterable<EntityKey> keys) {
        Entry e = byView.get(view);
        if (e != null) e.cache().invalidateAll(keys);
    }

    /** Forgets a whole view (after a materialization). */
    public void invalidateAll(String view) {
        Entry e = byView.get(view);
        if (e != null) e.cache().invalidateAll();
    }

    /** Entries held for a view (estimate; for tests and metrics). */
    public long size(String view) {
        Entry e = byView.get(view);
        if (e == null) return 0;
        e.cache().cleanUp();
        return e.cache().estimatedSize();
    }
}
