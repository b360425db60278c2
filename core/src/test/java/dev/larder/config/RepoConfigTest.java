package dev.larder.config;

import dev.larder.LarderException;
import dev.larder.spi.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepoConfigTest {
    @TempDir
    Path repo;

    private RepoConfig load(String yaml) throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), yaml);
        return RepoConfig.load(repo);
    }

    @Test
    void defaultsToSqliteAndTheDefaultRegistry() throws Exception {
        RepoConfig c = load("project: demo\n");
        assertThat(c.project()).isEqualTo("demo");
        assertThat(c.onlineStoreType()).isEqualTo("sqlite");
        assertThat(c.registryPath()).isEqualTo(repo.resolve("data/registry.json"));
        assertThat(c.materializationBatchSize()).isEqualTo(RepoConfig.DEFAULT_BATCH_SIZE);
        assertThat(load("project: demo\nonline_store:\n  path: x.db\n").onlineStoreType()).isEqualTo("sqlite");
    }

    @Test
    void readsFeastStyleConfiguration() throws Exception {
        RepoConfig c = load("project: demo\nprovider: local\nregistry: reg/registry.json\nentity_key_serialization_version: 3\n"
                + "online_store:\n  type: redis\n  connection_string: localhost:6379\nmaterialization:\n  batch_size: 500\n");
        assertThat(c.onlineStoreType()).isEqualTo("redis");
        assertThat(c.onlineStore().raw()).containsEntry("connection_string", "localhost:6379").doesNotContainKey("type");
        assertThat(c.registryPath()).isEqualTo(repo.resolve("reg/registry.json"));
        assertThat(c.materializationBatchSize()).isEqualTo(500);
    }

    @Test
    void onlySerializationVersion3IsSupported() {
        assertThatThrownBy(() -> load("project: demo\nentity_key_serialization_version: 2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(repo.resolve("feature_store.yaml") + ": entity_key_serialization_version: '2' is not supported; Larder reads and writes version 3 only");
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        assertThatThrownBy(() -> load("online_stor:\n  type: redis\nmaterialization:\n  batch_size: 0\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).endsWith("project: is required (a name such as my_project)"),
                        p -> assertThat(p).contains("online_stor: unknown key; valid keys: [").contains("online_store"),
                        p -> assertThat(p).endsWith("materialization.batch_size: '0' is not valid; out of range (allowed: 1 to 1000000)")));
    }

    @Test
    void malformedYamlNamesFileLineAndColumn() {
        assertThatThrownBy(() -> load("project: demo\nonline_store:\n  type: [redis\n"))
                .isInstanceOf(LarderException.class)
                .hasMessageStartingWith(repo.resolve("feature_store.yaml") + ": line ")
                .hasMessageContaining("column")
                .hasMessageContaining("malformed YAML");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> RepoConfig.load(repo))
                .hasMessage(repo.resolve("feature_store.yaml") + ": file not found");
    }
}
