package dev.larder;

import dev.larder.spi.ConfigException;
import dev.larder.spi.OnlineStoreProvider;

import java.util.Map;
import java.util.Set;

/**
 * The online-store providers found on the class path through {@link java.util.ServiceLoader}, by
 * type. Loaded once per class loader; a duplicate type fails naming both classes.
 */
public final class OnlineStores {
    /** First-party backends and the artifact that provides each, for "known but missing" errors. */
    public static final Map<String, String> FIRST_PARTY = Map.of(
            "sqlite", "dev.larder:larder-store-sqlite",
            "redis", "dev.larder:larder-store-redis",
            "dynamodb", "dev.larder:larder-store-dynamodb",
            "cassandra", "dev.larder:larder-store-cassandra",
            "bigtable", "dev.larder:larder-store-bigtable");

    private final ProviderDirectory<OnlineStoreProvider> providers;

    private OnlineStores(ProviderDirectory<OnlineStoreProvider> providers) {
        this.providers = providers;
    }

    private static final class Holder {
        static final OnlineStores INSTANCE = load(OnlineStores.class.getClassLoader());
    }

    /** The providers visible to Larder's own class loader. */
    public static OnlineStores installed() {
        return Holder.INSTANCE;
    }

    public static OnlineStores load(ClassLoader loader) {
        return new OnlineStores(ProviderDirectory.load(OnlineStoreProvider.class, loader, "online store",
                OnlineStoreProvider::type, p -> Set.of(), FIRST_PARTY));
    }

    /** Providers by type, sorted by type. */
    public Map<String, OnlineStoreProvider> all() {
        return providers.all();
    }

    /**
     * The provider for a type.
     *
     * @param where for messages, e.g. {@code feature_store.yaml: online_store.type}
     * @throws ConfigException for an unknown type (listing the available ones) or a first-party
     *                         type whose module is not on the class path (naming the artifact)
     */
    public OnlineStoreProvider get(String type, String where) {
        return providers.get(type, where);
    }

    /**
     * Creates the online store a repository configures: finds the provider by
     * {@code online_store.type} and hands it the options, with the provider's sensitive keys
     * marked so that no message shows their values.
     */
    public dev.larder.spi.OnlineStore open(dev.larder.config.RepoConfig config, java.time.Clock clock) {
        return open(config.project(), config.repoPath(), config.onlineStore(), config.source() + ": online_store.type", clock);
    }

    /**
     * Creates an online store from its options (those of {@code online_store:}, whose
     * {@link dev.larder.spi.StoreOptions#storeType()} selects the provider), e.g. in a process that
     * got the configuration as data (a Spark executor).
     *
     * @param where for messages, e.g. {@code feature_store.yaml: online_store.type}
     */
    public dev.larder.spi.OnlineStore open(String project, java.nio.file.Path repoPath, dev.larder.spi.StoreOptions options,
                                          String where, java.time.Clock clock) {
        OnlineStoreProvider provider = get(options.storeType(), where);
        return provider.create(new dev.larder.spi.StoreContext(project, repoPath, options.withSensitive(provider.sensitiveOptions()), clock));
    }
}
