package dev.larder.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The metadata spring-boot-configuration-processor generates, which IDEs read to complete larder.* properties. */
class ConfigurationMetadataTest {
    @Test
    void listsEveryLarderPropertyWithItsTypeAndADescription() throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json on the class path").isNotNull();
            for (JsonNode p : new ObjectMapper().readTree(in).get("properties")) byName.put(p.get("name").asText(), p);
        }
        Map<String, String> expected = Map.of(
                "larder.repo", "java.lang.String",
                "larder.serving.read-threads", "java.lang.Integer",
                "larder.serving.max-concurrent-reads", "java.lang.Integer",
                "larder.serving.request-timeout", "java.time.Duration",
                "larder.cache.enabled", "java.lang.Boolean",
                "larder.cache.max-entries", "java.lang.Long",
                "larder.cache.expire-after-write", "java.time.Duration",
                "larder.cache.cache-not-found", "java.lang.Boolean",
                "larder.health.timeout", "java.time.Duration");
        assertThat(byName).containsOnlyKeys(expected.keySet());
        expected.forEach((name, type) -> {
            assertThat(byName.get(name).get("type").asText()).as(name).isEqualTo(type);
            assertThat(byName.get(name).path("description").asText()).as(name + " description").isNotBlank();
        });
        assertThat(byName.get("larder.repo").get("description").asText()).contains("feature_store.yaml");
    }
}
