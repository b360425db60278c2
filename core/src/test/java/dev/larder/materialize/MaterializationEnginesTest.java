package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.config.RepoConfig;
import dev.larder.engine.EngineContext;
import dev.larder.engine.MaterializationEngine;
import dev.larder.engine.MaterializationEngineProvider;
import dev.larder.spi.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * batch_engine in feature_store.yaml and engine discovery. The providers below only exist to be
 * found: discovery is what is tested (the engines themselves are tested in their modules).
 */
class MaterializationEnginesTest {
    @TempDir
    Path dir;

    public static class AlphaEngines implements MaterializationEngineProvider {
        @Override public String type() { return "alpha"; }
        @Override public Set<String> aliases() { return Set.of("alpha.engine"); }
        @Override public MaterializationEngine create(EngineContext context) {
            context.options().string("speed", "fast");
            context.options().validate();
            throw new UnsupportedOperationException("discovery test only: options " + context.options());
        }
    }

    public static class OtherAlphaEngines extends AlphaEngines {
    }

    public static class BetaEngines extends AlphaEngines {
        @Override public String type() { return "beta"; }
        @Override public Set<String> aliases() { return Set.of(); }
    }

    private ClassLoader loaderListing(Class<?>... providers) throws IOException {
        Path services = dir.resolve("classes/META-INF/services");
        Files.createDirectories(services);
        StringBuilder sb = new StringBuilder();
        for (Class<?> c : providers) sb.append(c.getName()).append('\n');
        Files.writeString(services.resolve(MaterializationEngineProvider.class.getName()), sb);
        return new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, getClass().getClassLoader());
    }

    private RepoConfig config(String yaml) throws IOException {
        Files.writeString(dir.resolve("feature_store.yaml"), yaml);
        return RepoConfig.load(dir);
    }

    @Test
    void batchEngineDefaultsToLocal() throws IOException {
        RepoConfig c = config("project: demo\n");
        assertThat(c.batchEngineType()).isEqualTo("local");
        assertThat(c.batchEngine().raw()).isEmpty();
        assertThat(config("project: demo\nbatch_engine: spark.engine\n").batchEngineType()).isEqualTo("spark.engine");
    }

    @Test
    void batchEngineOptionsAreTheEnginesOwn() throws IOException {
        RepoConfig c = config("project: demo\nbatch_engine:\n  type: spark\n  master: local[2]\n  partitions: 4\n");
        assertThat(c.batchEngineType()).isEqualTo("spark");
        assertThat(c.batchEngine().raw()).containsEntry("master", "local[2]").containsEntry("partitions", 4).doesNotContainKey("type");
        assertThatThrownBy(() -> config("project: demo\nbatch_engine: [spark]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("batch_engine: expected a mapping with a 'type' key");
    }

    @Test
    void feastsOnlineWriteBatchSizeIsTheBatchSize() throws IOException {
        assertThat(config("project: demo\nmaterialization:\n  online_write_batch_size: 250\n").materializationBatchSize()).isEqualTo(250);
        assertThat(config("project: demo\nmaterialization:\n  online_write_batch_size: 250\n  batch_size: 250\n").materializationBatchSize()).isEqualTo(250);
        assertThatThrownBy(() -> config("project: demo\nmaterialization:\n  online_write_batch_size: 250\n  batch_size: 300\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("materialization.online_write_batch_size: '250' contradicts batch_size '300'");
        assertThatThrownBy(() -> config("project: demo\nmaterialization:\n  batch_sise: 300\n"))
                .hasMessageContaining("valid options: [batch_size, online_write_batch_size]");
    }

    @Test
    void findsEnginesByTypeAndAlias() throws IOException {
        MaterializationEngines engines = MaterializationEngines.load(loaderListing(AlphaEngines.class, BetaEngines.class));
        assertThat(engines.all().keySet()).containsExactly("alpha", "beta");
        assertThat(engines.get("alpha.engine", "x")).isInstanceOf(AlphaEngines.class);
        assertThat(engines.get("beta", "x")).isInstanceOf(BetaEngines.class);
    }

    @Test
    void unknownTypeListsTheAvailableOnes() throws IOException {
        MaterializationEngines engines = MaterializationEngines.load(loaderListing(AlphaEngines.class, BetaEngines.class));
        RepoConfig c = config("project: demo\nbatch_engine: {type: sprak}\n");
        assertThatThrownBy(() -> engines.create(c)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("feature_store.yaml") + ": batch_engine.type: Unknown materialization engine type 'sprak'. Available: [alpha, beta]");
    }

    @Test
    void knownFirstPartyEngineMissingFromTheClassPathNamesTheArtifact() throws IOException {
        MaterializationEngines engines = MaterializationEngines.load(loaderListing(AlphaEngines.class));
        for (String type : new String[] {"spark", "spark.engine"}) {
            assertThatThrownBy(() -> engines.get(type, "feature_store.yaml: batch_engine.type")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("materialization engine type '" + type + "' is not on the class path")
                    .hasMessageContaining("dev.larder:larder-materialize-spark");
        }
        assertThatThrownBy(() -> engines.get("local", "x")).hasMessageContaining("dev.larder:larder-materialize-local");
    }

    @Test
    void duplicateTypeFailsNamingBothClasses() throws IOException {
        ClassLoader loader = loaderListing(AlphaEngines.class, OtherAlphaEngines.class);
        assertThatThrownBy(() -> MaterializationEngines.load(loader)).isInstanceOf(LarderException.class)
                .hasMessageContaining("type 'alpha'").hasMessageContaining(AlphaEngines.class.getName())
                .hasMessageContaining(OtherAlphaEngines.class.getName());
    }

    @Test
    void theEngineGetsItsOptionsAndUnknownOnesFail() throws IOException {
        MaterializationEngines engines = MaterializationEngines.load(loaderListing(AlphaEngines.class));
        RepoConfig c = config("project: demo\nbatch_engine:\n  type: alpha\n  sped: slow\n");
        assertThatThrownBy(() -> engines.create(c)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("feature_store.yaml") + ": batch_engine.sped: unknown option for the alpha materialization engine; valid options: [speed]");
    }

    @Test
    void coreDoesNotCarryAnEngine() {
        // Serving must not need DuckDB or Spark: neither is on core's class path, and no engine is built in.
        assertThat(MaterializationEngines.installed().all()).isEmpty();
        assertThatThrownBy(() -> Class.forName("org.duckdb.DuckDBDriver")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.spark.sql.SparkSession")).isInstanceOf(ClassNotFoundException.class);
    }
}
