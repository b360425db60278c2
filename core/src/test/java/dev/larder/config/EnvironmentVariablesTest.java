package dev.larder.config;

import dev.larder.spi.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentVariablesTest {
    private static final Map<String, String> ENV = Map.of("PW", "s3cr,et=@'x", "HOST", "redis.internal", "PORT", "6380");

    @Test
    void expandsNestedTextValuesAndKeepsOtherTypes() {
        Map<String, Object> yaml = Map.of("project", "p", "online_store", Map.of("type", "redis",
                "connection_string", "${HOST}:${PORT},password=${PW}", "key_ttl_seconds", 60), "list", List.of("${HOST}", 3));
        Map<String, Object> out = EnvironmentVariables.expand("fs.yaml", yaml, ENV::get);
        assertThat(((Map<?, ?>) out.get("online_store")).get("connection_string")).isEqualTo("redis.internal:6380,password=s3cr,et=@'x");
        assertThat(((Map<?, ?>) out.get("online_store")).get("key_ttl_seconds")).isEqualTo(60);
        assertThat(out.get("list")).isEqualTo(List.of("redis.internal", 3));
    }

    @Test
    void doubleDollarIsALiteral() {
        assertThat(EnvironmentVariables.expand("fs.yaml", Map.of("a", "$${PW} and ${PORT}"), ENV::get)).containsEntry("a", "${PW} and 6380");
    }

    @Test
    void unsetVariablesAreNamedWithTheirKeysAllAtOnce() {
        assertThatThrownBy(() -> EnvironmentVariables.expand("fs.yaml",
                Map.of("online_store", Map.of("password", "${CASSANDRA_PASSWORD}", "hosts", List.of("${H1}"))), ENV::get))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("fs.yaml: online_store.password: environment variable CASSANDRA_PASSWORD is not set")
                .hasMessageContaining("online_store.hosts[0]: environment variable H1 is not set");
    }

    @Test
    void valuesAreNeverShownInErrors() {
        assertThatThrownBy(() -> EnvironmentVariables.expand("fs.yaml", Map.of("a", "${PW}${MISSING}"), ENV::get))
                .hasMessageNotContaining("s3cr");
    }
}
