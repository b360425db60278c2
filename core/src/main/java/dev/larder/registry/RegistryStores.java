package dev.larder.registry;

import dev.larder.config.RegistryConfig;
import dev.larder.registry.feast.FeastFileRegistryStore;
import dev.larder.registry.feast.FeastSqlRegistryStore;

/** Opens the registry store that feature_store.yaml's {@code registry:} selects. */
public final class RegistryStores {
    private RegistryStores() {
    }

    public static RegistryStore open(RegistryConfig config) {
        return switch (config.kind()) {
            case LARDER_JSON -> new LarderJsonRegistryStore(config);
            case FEAST_FILE -> new FeastFileRegistryStore(config);
            case FEAST_SQL -> new FeastSqlRegistryStore(config);
        };
    }
}
