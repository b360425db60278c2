package dev.larder.spring;

import dev.larder.FeatureStore;
import dev.larder.config.RepoConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import java.time.Clock;
import java.time.Duration;

/** The {@code larder} health indicator, when the application has Actuator ({@code management.health.larder.enabled=false} turns it off). */
@AutoConfiguration(after = LarderAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(FeatureStore.class)
@ConditionalOnEnabledHealthIndicator("larder")
public class LarderHealthContributorAutoConfiguration {
    /** Probes wait at most this long unless larder.health.timeout says otherwise (or the request timeout is shorter). */
    static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(5);

    @Bean
    @ConditionalOnMissingBean(name = "larderHealthIndicator")
    public LarderHealthIndicator larderHealthIndicator(FeatureStore store, ObjectProvider<RepoConfig> config, LarderProperties properties) {
        RepoConfig repo = config.getIfUnique();
        String storeType = repo != null ? repo.onlineStoreType() : store.onlineStore().getClass().getSimpleName();
        Duration timeout = properties.getHealth().getTimeout();
        if (timeout == null) {
            Duration request = store.servingConfig().requestTimeout();
            timeout = request.compareTo(DEFAULT_HEALTH_TIMEOUT) < 0 ? request : DEFAULT_HEALTH_TIMEOUT;
        }
        return new LarderHealthIndicator(store, storeType, timeout, Clock.systemUTC());
    }
}
