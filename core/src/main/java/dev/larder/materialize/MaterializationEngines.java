package dev.larder.materialize;

import dev.larder.ProviderDirectory;
import dev.larder.engine.MaterializationEngine;
import dev.larder.engine.MaterializationEngineProvider;
import dev.larder.engine.EngineContext;
import dev.larder.config.RepoConfig;

import java.util.Map;

/**
 * The materialization engines found on the class path through {@link java.util.ServiceLoader},
 * selected by {@code batch_engine.type} (default {@code local}). Serving never loads them: only
 * materialization asks for an engine.
 */
public final class MaterializationEngines {
    /** First-party engines (and Feast's names for them) and the artifact that provides each. */
    public static final Map<String, String> FIRST_PARTY = Map.of(
            "local", "dev.larder:larder-materialize-local",
            "spark", "dev.larder:larder-materialize-spark",
            "spark.engine", "dev.larder:larder-materialize-spark");

    private final ProviderDirectory<MaterializationEngineProvider> providers;

    private MaterializationEngines(ProviderDirectory<MaterializationEngineProvider> providers) {
        this.providers = providers;
    }

    private static final class Holder {
        static final MaterializationEngines INSTANCE = load(MaterializationEngines.class.getClassLoader());
    }

    /** The engines visible to Larder's own class loader. */
    public static MaterializationEngines installed() {
        return Holder.INSTANCE;
    }

    public static MaterializationEngines load(ClassLoader loader) {
        return new MaterializationEngines(ProviderDirectory.load(MaterializationEngineProvider.class, loader,
                "materialization engine", MaterializationEngineProvider::type, MaterializationEngineProvider::aliases, FIRST_PARTY));
    }

    /** Providers by type, sorted by type. */
    public Map<String, MaterializationEngineProvider> all() {
        return providers.all();
    }

    /**
     * The provider for a type or alias.
     *
     * @throws dev.larder.spi.ConfigException for an unknown type (listing the available ones) or a
     *         first-party type whose module is not on the class path (naming the artifact)
     */
    public MaterializationEngineProvider get(String type, String where) {
        return providers.get(type, where);
    }

    /** Creates the engine a repository's feature_store.yaml selects, with its checked options. */
    public MaterializationEngine create(RepoConfig config) {
        MaterializationEngineProvider p = get(config.batchEngineType(), config.source() + ": batch_engine.type");
        return p.create(new EngineContext(config.project(), config.repoPath(), config.batchEngine(), config.materializationBatchSize()));
    }
}
