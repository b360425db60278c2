package dev.larder;

import dev.larder.spi.ConfigException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Plugins of one kind found through {@link ServiceLoader} and selected by a type name from
 * feature_store.yaml: online stores ({@code online_store.type}) and materialization engines
 * ({@code batch_engine.type}). A duplicate name fails naming both classes; an unknown name lists
 * the available ones; a first-party name whose jar is missing names the Maven artifact to add.
 *
 * @param <P> the provider interface
 */
public final class ProviderDirectory<P> {
    private final String kind;
    private final Map<String, P> byType;
    private final Map<String, P> byName;
    private final Map<String, String> firstParty;

    private ProviderDirectory(String kind, Map<String, P> byType, Map<String, P> byName, Map<String, String> firstParty) {
        this.kind = kind;
        this.byType = Collections.unmodifiableMap(byType);
        this.byName = byName;
        this.firstParty = firstParty;
    }

    /**
     * @param service    the provider interface
     * @param loader     where to look
     * @param kind       what the providers provide, for messages ("online store")
     * @param type       a provider's type name
     * @param aliases    other names that select a provider (may be empty)
     * @param firstParty Larder's own types and the artifact providing each
     */
    public static <P> ProviderDirectory<P> load(Class<P> service, ClassLoader loader, String kind, Function<P, String> type,
                                                Function<P, Set<String>> aliases, Map<String, String> firstParty) {
        Map<String, P> byType = new TreeMap<>();
        Map<String, P> byName = new LinkedHashMap<>();
        for (P p : ServiceLoader.load(service, loader)) {
            byType.put(type.apply(p), p);
            register(byName, type.apply(p), p, kind);
            for (String alias : aliases.apply(p)) register(byName, alias, p, kind);
        }
        return new ProviderDirectory<>(kind, byType, byName, Map.copyOf(firstParty));
    }

    private static <P> void register(Map<String, P> byName, String name, P p, String kind) {
        P previous = byName.putIfAbsent(name, p);
        if (previous != null && previous != p) {
            throw new LarderException("Two " + kind + " providers declare type '" + name + "': "
                    + previous.getClass().getName() + " and " + p.getClass().getName()
                    + "; remove one of them from the class path");
        }
    }

    /** Providers by type (aliases left out), sorted by type. */
    public Map<String, P> all() {
        return byType;
    }

    /**
     * The provider selected by a type name or an alias.
     *
     * @param where for messages, e.g. {@code feature_store.yaml: online_store.type}
     * @throws ConfigException for an unknown name (listing the available types) or a first-party
     *                         type whose module is not on the class path (naming the artifact)
     */
    public P get(String type, String where) {
        P p = byName.get(type);
        if (p != null) {
            return p;
        }
        String artifact = firstParty.get(type);
        if (artifact != null) {
            throw new ConfigException(where + ": " + kind + " type '" + type + "' is not on the class path; add the Maven artifact "
                    + artifact + " to your application. Available: " + byType.keySet());
        }
        throw new ConfigException(where + ": Unknown " + kind + " type '" + type + "'. Available: " + byType.keySet());
    }
}
