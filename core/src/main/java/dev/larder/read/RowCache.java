package dev.larder.read;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.larder.config.CacheConfig;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The in-process cache of online rows (Caffeine), one cache per cached view, keyed by entity
 * key. A cached row holds every feature of its view and its event time, so whichever features a
 * later request asks for come from it, and OUTSIDE_MAX_AGE is still judged at request time.
 * A key the store does not have is remembered only with {@code cache_not_found}. Writes through
 * the same facade invalidate the keys they touch; a materialization invalidates its views.
 */
public final class RowCache {
    private final Map<String, Entry> byView;

    private record Entry(Cache<EntityKey, OnlineRow> cache, boolean cacheNotFound) {
    }

    private RowCache(Map<String, Entry> byView) {
        this.byView = byView;
    }

    /**
     * @param clock the facade's clock: entries expire by it, so tests move time instead of sleeping
     */
    public static RowCache of(CacheConfig config, Collection<FeatureView> views, MeterRegistry meters, java.time.Clock clock) {
        com.github.benmanes.caffeine.cache.Ticker ticker = clock.equals(java.time.Clock.systemUTC())
                ? com.github.benmanes.caffeine.cache.Ticker.systemTicker()
                : () -> { java.time.Instant t = clock.instant(); return t.getEpochSecond() * 1_000_000_000L + t.getNano(); };
        Map<String, Entry> byView = new HashMap<>();
        if (config.anyEnabled()) {
            for (FeatureView v : views) {
                CacheConfig.Settings s = config.forView(v.name());
                if (!s.enabled()) continue;
                Cache<EntityKey, OnlineRow> cache = Caffeine.newBuilder().maximumSize(s.maxEntries())
                        .expireAfterWrite(s.expireAfterWrite()).ticker(ticker).recordStats().build();
                CaffeineCacheMetrics.monitor(meters, cache, "larder", Tags.of("view", v.name()));
                byView.put(v.name(), new Entry(cache, s.cacheNotFound()));
            }
        }
        return new RowCache(Map.copyOf(byView));
    }

    public boolean caches(String view) {
        return byView.containsKey(view);
    }

    /** The cached row of a key (possibly {@link OnlineRow#ABSENT}), or null on a miss. */
    public OnlineRow get(String view, EntityKey key) {
        return byView.get(view).cache().getIfPresent(key);
    }

    /** Remembers a row read from the store; an absent one only with {@code cache_not_found}. */
    public void put(String view, EntityKey key, OnlineRow row) {
        Entry e = byView.get(view);
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
