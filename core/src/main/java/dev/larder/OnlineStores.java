package dev.larder;

import dev.larder.spi.ConfigException;
import dev.larder.spi.OnlineStoreProvider;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The online-store providers found on the class path through {@link ServiceLoader}, by type.
 * Loaded once per class loader; a duplicate type fails naming both classes.
 */
public final class OnlineStores {
    /** First-party backends and the artifact that provides each, for "known but missing" errors. */
    public static final Map<String, String> FIRST_PARTY = Map.of(
            "sqlite", "dev.larder:larder-store-sqlite",
            "redis", "dev.larder:larder-store-redis",
            "dynamodb", "dev.larder:larder-store-dynamodb",
            "cassandra", "dev.larder:larder-store-cassandra",
            "bigtable", "dev.larder:larder-store-bigtable");

    private final Map<String, OnlineStoreProvider> providers;

    private OnlineStores(Map<String, OnlineStoreProvider> providers) {
        this.providers = Collections.unmodifiableMap(providers);
    }

    private static final class Holder {
        static final OnlineStores INSTANCE = load(OnlineStores.class.getClassLoader());
    }

    /** The providers visible to Larder's own class loader. */
    public static OnlineStores installed() {
        return Holder.INSTANCE;
    }

    public static OnlineStores load(ClassLoader loader) {
        Map<String, OnlineStoreProvider> found = new TreeMap<>();
        for (OnlineStoreProvider p : ServiceLoader.load(OnlineStoreProvider.class, loader)) {
            OnlineStoreProvider previous = found.putIfAbsent(p.type(), p);
            if (previous != null) {
                throw new LarderException("Two online store providers declare type '" + p.type() + "': "
                        + previous.getClass().getName() + " and " + p.getClass().getName()
                        + "; remove one of them from the class path");
            }
        }
        return new OnlineStores(found);
    }

    /** Providers by type, sorted by type. */
    public Map<String, OnlineStoreProvider> all() {
        return providers;
    }

    /**
     * The provider for a type.
     *
     * @param where for messages, e.g. {@code feature_store.yaml: online_store.type}
     * @throws ConfigException for an unknown type (listing the available ones) or a first-party
     *                         type whose module is not on the class path (naming the artifact)
     */
    public OnlineStoreProvider get(String type, String where) {
        OnlineStoreProvider p = providers.get(type);
        if (p != null) {
            return p;
        }
        String artifact = FIRST_PARTY.get(type);
        if (artifact != null) {
            throw new ConfigException(where + ": online store type '" + type + "' is not on the class path; add the Maven artifact "
                    + artifact + " to your application. Available: " + providers.keySet());
        }
        throw new ConfigException(where + ": Unknown online store type '" + type + "'. Available: " + providers.keySet());
    }

    /**
     * Creates the online store a repository configures: finds the provider by
     * {@code online_store.type} and hands it the options, with the provider's sensitive keys
     * marked so that no message shows their values.
     */
    public dev.larder.spi.OnlineStore open(dev.larder.config.RepoConfig config, java.time.Clock clock) {
        OnlineStoreProvider provider = get(config.onlineStoreType(), config.source() + ": online_store.type");
        return provider.create(new dev.larder.spi.StoreContext(config.project(), config.repoPath(),
                config.onlineStore().withSensitive(provider.sensitiveOptions()), clock));
    }
}
