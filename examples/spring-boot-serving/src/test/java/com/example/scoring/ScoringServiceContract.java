package com.example.scoring;

import dev.larder.FeatureStore;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.Value;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The service over real HTTP on a random port, with the FeatureStore bean the starter made from larder.repo;
 * each subclass points larder.repo at a repository on its own backend.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // Spring Boot tests turn metrics export (the Prometheus registry) off unless asked
abstract class ScoringServiceContract {
    @Autowired
    TestRestTemplate http;
    @Autowired
    FeatureStore store;

    /** The online_store type the repository names, as /actuator/health must report it. */
    abstract String storeType();

    @BeforeEach
    void pushFeatures() {
        Instant recent = Instant.now().minusSeconds(60);
        store.write("driver_hourly_stats", List.of(
                row(1001, 0.4f, 0.9f, 500, recent),
                row(1002, 0.2f, 0.5f, 2000, recent),
                row(1004, 0.9f, 0.9f, 10, Instant.now().minusSeconds(3 * 24 * 3600)))); // older than the view's ttl of 1 day
    }

    private static FeatureRow row(long driverId, float conv, float acc, long trips, Instant at) {
        return new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(driverId)),
                Map.of("conv_rate", Value.ofFloat(conv), "acc_rate", Value.ofFloat(acc), "avg_daily_trips", Value.ofInt64(trips)), at);
    }

    @Test
    @SuppressWarnings("unchecked")
    void scoresDriversWithFeaturesReadThroughTheBean() {
        ResponseEntity<Map> r = http.postForEntity("/score", Map.of("driver_ids", List.of(1001, 1002, 1003, 1004)), Map.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
        List<Map<String, Object>> scores = (List<Map<String, Object>>) r.getBody().get("scores");
        assertThat(scores).extracting(s -> ((Number) s.get("driverId")).longValue()).containsExactly(1001L, 1002L, 1003L, 1004L);
        // 0.5 * 0.4 + 0.3 * 0.9 + 0.2 * 500/1000, and trips capped at 1000 for 1002.
        assertThat(((Number) scores.get(0).get("score")).doubleValue()).isCloseTo(0.57, within(1e-6));
        assertThat(((Number) scores.get(1).get("score")).doubleValue()).isCloseTo(0.45, within(1e-6));
        assertThat(scores.get(0).get("missing")).isEqualTo(Map.of());
        assertThat(scores.get(2).get("score")).isNull();
        assertThat(scores.get(2).get("missing")).isEqualTo(Map.of("conv_rate", "NOT_FOUND", "acc_rate", "NOT_FOUND", "avg_daily_trips", "NOT_FOUND"));
        assertThat(scores.get(3).get("score")).isNull();
        assertThat((Map<String, Object>) scores.get(3).get("missing")).containsEntry("conv_rate", "OUTSIDE_MAX_AGE");
    }

    @Test
    void aRequestWithoutDriversIs400NamingTheField() {
        ResponseEntity<Map> r = http.postForEntity("/score", Map.of("driver_ids", List.of()), Map.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat((String) r.getBody().get("error")).contains("driver_ids");
    }

    @Test
    @SuppressWarnings("unchecked")
    void actuatorHealthReportsTheStore() {
        ResponseEntity<Map> r = http.getForEntity("/actuator/health", Map.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(r.getBody().get("status")).isEqualTo("UP");
        Map<String, Object> larder = (Map<String, Object>) ((Map<String, Object>) r.getBody().get("components")).get("larder");
        assertThat(larder.get("status")).isEqualTo("UP");
        Map<String, Object> details = (Map<String, Object>) larder.get("details");
        assertThat(details).containsEntry("store", storeType()).containsEntry("project", "scoring_test").containsEntry("featureViews", 1)
                .containsKeys("registryLoadedAt", "registryAgeSeconds");
    }

    @Test
    void larderMetersAppearUnderActuatorPrometheusAfterARequest() {
        assertThat(http.postForEntity("/score", Map.of("driver_ids", List.of(1001)), Map.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        String metrics = http.getForObject("/actuator/prometheus", String.class);
        assertThat(metrics).containsPattern("larder_online_read_seconds_count\\{[^}]*outcome=\"[a-z_]+\"[^}]*\\} [1-9]");
        assertThat(metrics).containsPattern("larder_online_view_read_seconds_count\\{[^}]*store=\"" + storeType() + "\"[^}]*view=\"driver_hourly_stats\"[^}]*\\} [1-9]");
        assertThat(metrics).containsPattern("larder_online_values_total\\{status=\"PRESENT\",view=\"driver_hourly_stats\"\\} [1-9]");
    }
}
