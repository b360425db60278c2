package dev.larder.store.bigtable;

import dev.larder.OnlineStores;
import dev.larder.spi.ConfigException;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every option key, every default, and the bad-config errors (no server needed). */
class BigtableStoreConfigTest {

    private static BigtableStoreConfig config(Map<String, Object> raw) {
        return BigtableStoreConfig.from(StoreOptions.of("feature_store.yaml", "bigtable", raw));
    }

    @Test
    void defaults() {
        BigtableStoreConfig c = config(Map.of("instance", "inst", "project_id", "proj"));
        assertThat(c.projectId()).isEqualTo("proj");
        assertThat(c.instance()).isEqualTo("inst");
        assertThat(c.maxVersions()).isEqualTo(2).isEqualTo(BigtableStoreConfig.DEFAULT_MAX_VERSIONS);
        assertThat(c.appProfileId()).isEmpty();
        assertThat(c.emulatorHost()).isEmpty();
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.deleteExpiredData()).isFalse();
        assertThat(c.endpoint()).isEqualTo("Cloud Bigtable");
    }

    @Test
    void everyOption() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("type", "bigtable");
        raw.put("project_id", "my-project");
        raw.put("instance", "my-instance");
        raw.put("max_versions", 5);
        raw.put("app_profile_id", "serving");
        raw.put("emulator_host", "127.0.0.1:8086");
        raw.put("request_timeout", "3s");
        raw.put("delete_expired_data", "true");
        BigtableStoreConfig c = config(raw);
        assertThat(c).isEqualTo(new BigtableStoreConfig("my-project", "my-instance", 5, Optional.of("serving"),
                Optional.of("127.0.0.1:8086"), Duration.ofSeconds(3), true));
        assertThat(c.endpoint()).isEqualTo("the Bigtable emulator at 127.0.0.1:8086");
    }

    @Test
    void emulatorWithoutProjectUsesAPlaceholderProject() {
        BigtableStoreConfig c = config(Map.of("instance", "i", "emulator_host", "localhost:9000"));
        assertThat(c.projectId()).isEqualTo(BigtableStoreConfig.EMULATOR_PROJECT);
    }

    @Test
    void missingInstance() {
        assertThatThrownBy(() -> config(Map.of("project_id", "p", "emulator_host", "127.0.0.1:1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("feature_store.yaml: online_store.instance: is required for the bigtable store");
    }

    @Test
    void unknownOptionIsReportedWithTheValidOnes() {
        assertThatThrownBy(() -> config(Map.of("project_id", "p", "instance", "i", "instance_id", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("online_store.instance_id: unknown option for the bigtable store")
                .hasMessageContaining("[app_profile_id, delete_expired_data, emulator_host, instance, max_versions, project_id, request_timeout]");
    }

    @Test
    void everyProblemAtOnce() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("project_id", "p");
        raw.put("max_versions", 0);
        raw.put("emulator_host", "localhost");
        raw.put("request_timeout", "soon");
        raw.put("delete_expired_data", "maybe");
        raw.put("colour", "blue");
        ConfigException e = (ConfigException) org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> config(raw));
        assertThat(e.problems()).hasSize(6);
        assertThat(e.getMessage())
                .contains("online_store.instance: is required")
                .contains("online_store.max_versions: '0' is not valid; out of range (allowed: 1 to any larger number)")
                .contains("online_store.emulator_host: 'localhost' is not valid; expected host:port")
                .contains("online_store.request_timeout: 'soon' is not valid; expected a duration")
                .contains("online_store.delete_expired_data: 'maybe' is not valid; expected true or false")
                .contains("online_store.colour: unknown option");
    }

    @Test
    void zeroTimeoutIsRejected() {
        assertThatThrownBy(() -> config(Map.of("instance", "i", "emulator_host", "127.0.0.1:1", "request_timeout", 0)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("online_store.request_timeout: must be greater than zero");
    }

    @Test
    void hostPortForms() {
        assertThat(BigtableStoreConfig.parseHostPort("127.0.0.1:8086")).containsExactly("127.0.0.1", "8086");
        assertThat(BigtableStoreConfig.parseHostPort("[::1]:8086")).containsExactly("::1", "8086");
        assertThat(BigtableStoreConfig.parseHostPort("host:")).isNull();
        assertThat(BigtableStoreConfig.parseHostPort(":80")).isNull();
        assertThat(BigtableStoreConfig.parseHostPort("host:99999")).isNull();
    }

    @Test
    void providerIsFoundByTypeAndRejectsBadConfigBeforeConnecting() {
        var provider = OnlineStores.installed().get("bigtable", "test");
        assertThat(provider).isInstanceOf(BigtableStoreProvider.class);
        assertThatThrownBy(() -> provider.create(new StoreContext("demo", Path.of("."),
                StoreOptions.of("bigtable", Map.of("emulator_host", "127.0.0.1:1", "bogus", 1)))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("online_store.instance: is required")
                .hasMessageContaining("online_store.bogus: unknown option");
    }
}
