package dev.larder.spring;

import dev.larder.FeatureStore;
import dev.larder.config.RepoConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * One {@link FeatureStore} for the application, opened from {@code larder.repo} at startup (a wrong repository
 * fails the startup with Larder's error) and closed at shutdown. Its meters go to the application's
 * {@link MeterRegistry} and its spans to the application's {@link OpenTelemetry} when it has them; an application
 * that defines its own FeatureStore bean keeps it.
 */
@AutoConfiguration(afterName = {
        // So that the application's registry and OpenTelemetry beans are defined first (both are optional).
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration"})
@EnableConfigurationProperties(LarderProperties.class)
public class LarderAutoConfiguration {

    /** feature_store.yaml of {@code larder.repo}. */
    @Bean
    @ConditionalOnMissingBean({RepoConfig.class, FeatureStore.class})
    public RepoConfig larderRepoConfig(LarderProperties properties) {
        return FeatureStoreFactory.loadConfig(properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(FeatureStore.class)
    public FeatureStore larderFeatureStore(RepoConfig config, LarderProperties properties, ObjectProvider<MeterRegistry> meters,
                                           ObjectProvider<OpenTelemetry> openTelemetry) {
        return FeatureStoreFactory.open(config, properties, meters.getIfUnique(), openTelemetry.getIfUnique());
    }
}
