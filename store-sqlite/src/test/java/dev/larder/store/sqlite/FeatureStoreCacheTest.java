package dev.larder.store.sqlite;

import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.config.CacheConfig;
import dev.larder.config.RepoConfig;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-process cache's rules, each against a real SQLite store: a write that bypasses the
 * facade (another process, the store directly) shows whether a read came from the cache.
 */
class FeatureStoreCacheTest {
    static final FeatureView DRIVER = FeatureView.of("driver_stats", new Field("driver_id", ValueType.INT64),
            List.of(new Field("conv_rate", ValueType.FLOAT), new Field("trips", ValueType.INT64)), Duration.ofHours(1));
    static final FeatureView OTHER = FeatureView.of("other_stats", new Field("driver_id", ValueType.INT64),
            List.of(new Field("rating", ValueType.DOUBLE)), Duration.ZERO);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path repo;
    final AtomicReference<Instant> now = new AtomicReference<>(T0.plusSeconds(60));
    final Clock clock = new Clock() {
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    FeatureStore fs;

    private FeatureStore open(String cacheYaml) throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), "project: demo\nonline_store: {type: sqlite, path: data/online.db}\n" + cacheYaml);
        fs = FeatureStore.builder().config(RepoConfig.load(repo)).views(List.of(DRIVER, OTHER)).clock(clock).meterRegistry(meters).build();
        fs.updateInfrastructure();
        return fs;
    }

    @AfterEach
    void close() {
        if (fs != null) fs.close();
    }

    private static FeatureRow driver(long id, float conv, long trips, Instant t) {
        return new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(id)), Map.of("conv_rate", Value.ofFloat(conv), "trips", Value.ofInt64(trips)), t);
    }

    /** Writes to the store behind the facade's back, as another process would. */
    private void writeBehind(FeatureRow row) {
        fs.onlineStore().write(DRIVER, List.of(row), r -> { });
    }

    private OnlineResponse read(String... features) {
        return fs.getOnlineFeatures(List.of(features), List.of(Map.of("driver_id", 1L)));
    }

    private double cacheGets(String result) {
        return meters.get("cache.gets").tags("cache", "larder", "view", "driver_stats", "result", result).functionCounter().count();
    }

    @Test
    void offByDefault() throws Exception {
        open("");
        fs.write("driver_stats", List.of(driver(1, 0.5f, 5, T0)));
        assertThat(read("driver_stats:trips").value(0, "trips")).isEqualTo(Value.ofInt64(5));
        writeBehind(driver(1, 0.6f, 6, T0.plusSeconds(1)));
        assertThat(read("driver_stats:trips").value(0, "trips")).isEqualTo(Value.ofInt64(6));
        assertThat(fs.cache().caches("driver_stats")).isFalse();
    }

    @Test
    void aCachedRowServesLaterReadsOfAnyOfItsFeatures() throws Exception {
        open("online_cache: {enabled: true, max_entries: 100, expire_after_write: 60s}\n");
        fs.write("driver_stats", List.of(driver(1, 0.5f, 5, T0)));
        assertThat(read("driver_stats:trips").value(0, "trips")).isEqualTo(Value.ofInt64(5)); // miss: read with every feature
        writeBehind(driver(1, 0.6f, 6, T0.plusSeconds(1)));
        OnlineResponse r = read("driver_stats:conv_rate", "driver_stats:trips");
        assertThat(r.value(0, "trips")).as("served from the cache").isEqualTo(Value.ofInt64(5));
        assertThat(r.value(0, "conv_rate")).as("a feature not asked for the first time").isEqualTo(Value.ofFloat(0.5f));
        assertThat(cacheGets("hit")).isEqualTo(1);
        assertThat(cacheGets("miss")).isEqualTo(1);
    }

    @Test
    void aWriteThroughTheFacadeInvalidatesTheKeysItTouches() throws Exception {
        open("online_cache: {enabled: true}\n");
        fs.write("driver_stats", List.of(driver(1, 0.5f, 5, T0), driver(2, 0.5f, 50, T0)));
        fs.getOnlineFeatures(List.of("driver_stats:trips"), List.of(Map.of("driver_id", 1L), Map.of("driver_id", 2L)));
        fs.write("driver_stats", List.of(driver(1, 0.7f, 7, T0.plusSeconds(2))));
        writeBehind(driver(2, 0.9f, 90, T0.plusSeconds(2)));
        OnlineResponse r = fs.getOnlineFeatures(List.of("driver_stats:trips"), List.of(Map.of("driver_id", 1L), Map.of("driver_id", 2L)));
        assertThat(r.value(0, "trips")).as("written through the facade: fresh").isEqualTo(Value.ofInt64(7));
        assertThat(r.value(1, "trips")).as("untouched key: still cached").isEqualTo(Value.ofInt64(50));
        fs.invalidateCache("driver_stats"); // what a materialization does
        assertThat(fs.getOnlineFeatures(List.of("driver_stats:trips"), List.of(Map.of("driver_id", 2L))).value(0, "trips"))
                .isEqualTo(Value.ofInt64(90));
    }

    @Test
    void outsideMaxAgeIsJudgedAtRequestTimeForCachedRows() throws Exception {
        open("online_cache: {enabled: true, expire_after_write: 10h}\n");
        fs.write("driver_stats", List.of(driver(1, 0.5f, 5, T0)));
        assertThat(read("driver_stats:trips").status(0, "trips")).isEqualTo(FieldStatus.PRESENT);
        now.set(T0.plus(Duration.ofHours(2))); // the view's ttl is 1 h
        OnlineResponse r = read("driver_stats:trips");
        assertThat(r.status(0, "trips")).isEqualTo(FieldStatus.OUTSIDE_MAX_AGE);
        assertThat(r.eventTime(0, "trips")).isEqualTo(T0);
        assertThat(cacheGets("hit")).as("the second read came from the cache").isEqualTo(1);
    }

    @Test
    void entriesExpireAfterWriteByTheFacadesClock() throws Exception {
        open("online_cache: {enabled: true, expire_after_write: 30s}\n");
        fs.write("driver_stats", List.of(driver(1, 0.5f, 5, T0)));
        read("driver_stats:trips");
        writeBehind(driver(1, 0.6f, 6, T0.plusSeconds(1)));
        now.set(now.get().plusSeconds(29));
        assertThat(read("driver_stats:trips").value(0, "trips")).isEqualTo(Value.ofInt64(5));
        now.set(now.get().plusSeconds(2));
        assertThat(read("driver_stats:trips").value(0, "trips")).as("expired: read again").isEqualTo(Value.ofInt64(6));
    }

    @Test
    void notFoundIsCachedOnlyWhenConfigured() throws Exception {
        open("online_cache: {enabled: true}\n");
        assertThat(read("driver_stats:trips").status(0, "trips")).isEqualTo(FieldStatus.NOT_FOUND);
        writeBehind(driver(1, 0.5f, 5, T0));
        assertThat(read("driver_stats:trips").status(0, "trips")).as("NOT_FOUND was not cached").isEqualTo(FieldStatus.PRESENT);
        fs.close();
        Files.delete(repo.resolve("data/online.db"));
        open("online_cache: {enabled: true, cache_not_found: true}\n");
        assertThat(read("driver_stats:trips").status(0, "trips")).isEqualTo(FieldStatus.NOT_FOUND);
        writeBehind(driver(1, 0.5f, 5, T0));
        assertThat(read("driver_stats:trips").status(0, "trips")).as("NOT_FOUND cached").isEqualTo(FieldStatus.NOT_FOUND);
    }

    @Test
    void perViewSettingsOverrideTheDefaults() throws Exception {
        open("online_cache:\n  enabled: false\n  views:\n    driver_stats: {enabled: true, max_entries: 2}\n");
        assertThat(fs.cache().caches("driver_stats")).isTrue();
        assertThat(fs.cache().caches("other_stats")).isFalse();
        for (long id = 1; id <= 5; id++) fs.write("driver_stats", List.of(driver(id, 0.1f, id, T0)));
        for (long id = 1; id <= 5; id++) fs.getOnlineFeatures(List.of("driver_stats:trips"), List.of(Map.of("driver_id", id)));
        assertThat(fs.cache().size("driver_stats")).as("bounded by max_entries").isLessThanOrEqualTo(2);
    }

    @Test
    void aBadCacheConfigNamesTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> open("online_cache: {enabled: true, max_entrys: 5, expire_after_write: -1s}\n"))
                .hasMessageContaining("online_cache.max_entrys").hasMessageContaining("unknown option")
                .hasMessageContaining("online_cache.expire_after_write");
    }

    @Test
    void codeBuiltStoresTakeACacheConfig() throws Exception {
        open("");
        fs.close();
        fs = FeatureStore.builder().config(RepoConfig.load(repo)).views(List.of(DRIVER)).cache(CacheConfig.all(10, Duration.ofMinutes(1), false))
                .clock(clock).build();
        assertThat(fs.cache().caches("driver_stats")).isTrue();
    }
}
