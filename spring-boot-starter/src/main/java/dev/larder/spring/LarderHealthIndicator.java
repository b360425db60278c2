package dev.larder.spring;

import dev.larder.FeatureStore;
import dev.larder.StoreHealth;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code larder} in {@code /actuator/health}: UP when the online store answers one real read (the probe
 * {@code larder serve}'s /health makes), DOWN with the reason when it fails or does not answer in time; the
 * details name the store type and project and say when the registry was last read, and why its last re-read
 * failed if it did (the last good definitions are still served then, so the status stays UP).
 */
public class LarderHealthIndicator implements HealthIndicator, DisposableBean {
    private final FeatureStore store;
    private final String storeType;
    private final StoreHealth probe;
    private final Clock clock;

    public LarderHealthIndicator(FeatureStore store, String storeType, Duration timeout, Clock clock) {
        this.store = store;
        this.storeType = storeType;
        this.probe = new StoreHealth(store, storeType, timeout);
        this.clock = clock;
    }

    @Override
    public Health health() {
        Optional<String> problem = probe.problem();
        Health.Builder health = problem.isPresent() ? Health.down().withDetail("error", problem.get()) : Health.up();
        health.withDetail("store", storeType).withDetail("project", store.project()).withDetail("featureViews", store.featureViews().size());
        Optional<Instant> loadedAt = store.registryLoadedAt();
        loadedAt.ifPresent(t -> health.withDetail("registryLoadedAt", t.toString())
                .withDetail("registryAgeSeconds", Duration.between(t, clock.instant()).toSeconds()));
        store.registryRefreshFailure().ifPresent(f -> health.withDetail("registryRefreshFailure", f));
        return health.build();
    }

    @Override
    public void destroy() {
        probe.close();
    }
}
