package com.example.scoring;

import dev.larder.testing.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on a real redis-server this test starts (Debian's redis-server package; the launcher fails with the
 * command to install it when it is missing). The last test stops the server and checks the service says so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisScoringServiceTest extends ScoringServiceContract {
    static final RedisServer REDIS = RedisServer.start();
    static final Path REPO = FeatureRepos.applied("{type: redis, connection_string: \"" + REDIS.address() + "\"}");

    @DynamicPropertySource
    static void larderRepo(DynamicPropertyRegistry registry) {
        registry.add("larder.repo", REPO::toString);
    }

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    @Override
    String storeType() {
        return "redis";
    }

    @Test
    @Order(Integer.MAX_VALUE)
    @SuppressWarnings("unchecked")
    void withRedisStoppedHealthIsDownAndScoringIs503() {
        REDIS.stop();
        ResponseEntity<Map> health = http.getForEntity("/actuator/health", Map.class);
        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        Map<String, Object> larder = (Map<String, Object>) ((Map<String, Object>) health.getBody().get("components")).get("larder");
        assertThat(larder.get("status")).isEqualTo("DOWN");
        assertThat((String) ((Map<String, Object>) larder.get("details")).get("error")).contains("redis online store");

        ResponseEntity<Map> score = http.postForEntity("/score", Map.of("driver_ids", List.of(1001)), Map.class);
        assertThat(score.getStatusCode().value()).isIn(503, 504);
    }
}
