package dev.larder.spi;

import java.util.Map;
import java.util.Set;

/**
 * The service a backend registers with {@link java.util.ServiceLoader}, in a hand-written
 * {@code META-INF/services/dev.larder.spi.OnlineStoreProvider}. Providers are created once and
 * must be cheap to construct: no connections until {@link #create}.
 */
public interface OnlineStoreProvider {

    /** The {@code online_store.type} that selects this backend: lowercase and stable. */
    String type();

    /**
     * The capabilities a store of this backend can have and what each needs; a capability not in
     * the map is never supported. A created store's {@link OnlineStore#capabilities()} holds
     * every {@link CapabilitySupport#always() always} entry and the conditional ones its options meet.
     */
    Map<Capability, CapabilitySupport> capabilities();

    /**
     * Option keys whose values are secrets (passwords, tokens, connection strings that can carry
     * them). Larder never shows their values: not in configuration errors, logs or toString.
     */
    default Set<String> sensitiveOptions() {
        return Set.of();
    }

    /**
     * Where a store with these options keeps its data, without secrets: the SQLite file, the Redis
     * nodes and database, the keyspace on its hosts. Larder records it with each view's materialized
     * intervals, so that watermarks written to one store are not taken for another's after
     * {@code online_store} changes. Tuning options (timeouts, pool sizes) are not part of it. Empty
     * when the backend cannot tell (then only a change of type is noticed).
     */
    default String location(StoreOptions options) {
        return "";
    }

    /**
     * Creates a store from validated options. Invalid options throw {@link ConfigException}
     * listing every problem; the store connects lazily or here, as the backend prefers.
     */
    OnlineStore create(StoreContext context);
}
