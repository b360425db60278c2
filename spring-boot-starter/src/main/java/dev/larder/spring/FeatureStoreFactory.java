package dev.larder.spring;

import dev.larder.FeatureStore;
import dev.larder.LarderException;
import dev.larder.config.CacheConfig;
import dev.larder.config.RepoConfig;
import dev.larder.registry.RegistryStore;
import dev.larder.registry.RegistryStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the feature repository {@code larder.repo} names, as {@link FeatureStore#open} does, with the
 * {@code larder.*} overrides applied and the application's meter registry and OpenTelemetry.
 */
final class FeatureStoreFactory {
    private FeatureStoreFactory() {
    }

    /** Reads {@code <larder.repo>/feature_store.yaml}; Larder's own error (naming the file and key) when it is wrong. */
    static RepoConfig loadConfig(LarderProperties properties) {
        String repo = properties.getRepo();
        if (repo == null || repo.isBlank()) {
            throw new LarderException("larder.repo is not set: set it to the feature repository directory, the folder holding "
                    + RepoConfig.FILE_NAME + " (for example larder.repo=feature_repo in application.properties)");
        }
        return RepoConfig.load(Path.of(repo));
    }

    /**
     * @param meters where Larder's meters go; null keeps Larder's default (Micrometer's global registry)
     * @param otel   where Larder's spans go; null keeps Larder's default (GlobalOpenTelemetry)
     */
    static FeatureStore open(RepoConfig config, LarderProperties properties, MeterRegistry meters, OpenTelemetry otel) {
        checkOverrides(properties);
        RegistryStore registry = RegistryStores.open(config.registry());
        // Read once before the online store is opened: a missing registry or project then fails with nothing left open.
        registry.loadApplied(config.project());
        FeatureStore.Builder builder = FeatureStore.builder().config(config).registry(registry, config.registry().cacheTtl());
        LarderProperties.Serving serving = properties.getServing();
        if (serving.getReadThreads() != null) builder.readThreads(serving.getReadThreads());
        if (serving.getMaxConcurrentReads() != null) builder.maxConcurrentReads(serving.getMaxConcurrentReads());
        if (serving.getRequestTimeout() != null) builder.requestTimeout(serving.getRequestTimeout());
        builder.cache(cache(config.cache(), properties.getCache()));
        if (meters != null) builder.meterRegistry(meters);
        if (otel != null) builder.openTelemetry(otel);
        return builder.build();
    }

    /** The repository's cache with the set {@code larder.cache.*} properties replacing its defaults; per-view settings stay. */
    static CacheConfig cache(CacheConfig fromRepo, LarderProperties.Cache p) {
        CacheConfig.Settings d = fromRepo.defaults();
        CacheConfig.Settings merged = new CacheConfig.Settings(
                p.getEnabled() != null ? p.getEnabled() : d.enabled(),
                p.getMaxEntries() != null ? p.getMaxEntries() : d.maxEntries(),
                p.getExpireAfterWrite() != null ? p.getExpireAfterWrite() : d.expireAfterWrite(),
                p.getCacheNotFound() != null ? p.getCacheNotFound() : d.cacheNotFound());
        return new CacheConfig(merged, fromRepo.views());
    }

    /** Every out-of-range property at once, each named as the application sets it. */
    static void checkOverrides(LarderProperties p) {
        List<String> problems = new ArrayList<>();
        atLeast(problems, "larder.serving.read-threads", p.getServing().getReadThreads(), 1, 1024);
        atLeast(problems, "larder.serving.max-concurrent-reads", p.getServing().getMaxConcurrentReads(), 1, 100_000);
        positive(problems, "larder.serving.request-timeout", p.getServing().getRequestTimeout());
        if (p.getCache().getMaxEntries() != null && p.getCache().getMaxEntries() < 1) {
            problems.add("larder.cache.max-entries: must be at least 1; got " + p.getCache().getMaxEntries());
        }
        positive(problems, "larder.cache.expire-after-write", p.getCache().getExpireAfterWrite());
        positive(problems, "larder.health.timeout", p.getHealth().getTimeout());
        if (!problems.isEmpty()) throw new LarderException(String.join("; ", problems));
    }

    private static void atLeast(List<String> problems, String key, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            problems.add(key + ": must be between " + min + " and " + max + "; got " + value);
        }
    }

    private static void positive(List<String> problems, String key, Duration value) {
        if (value != null && (value.isZero() || value.isNegative())) {
            problems.add(key + ": must be positive, e.g. 500ms or 5s; got " + value);
        }
    }
}
