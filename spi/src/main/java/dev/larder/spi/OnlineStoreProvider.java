package dev.larder.spi;

import java.util.Set;

/**
 * The service a backend registers with {@link java.util.ServiceLoader}, in a hand-written
 * {@code META-INF/services/dev.larder.spi.OnlineStoreProvider}. Providers are created once and
 * must be cheap to construct: no connections until {@link #create}.
 */
public interface OnlineStoreProvider {

    /** The {@code online_store.type} that selects this backend: lowercase and stable. */
    String type();

    /** The rows of the functionality matrix this backend supports, each proven by the kit. */
    Set<Capability> capabilities();

    /**
     * Creates a store from validated options. Invalid options throw {@link ConfigException}
     * listing every problem; the store connects lazily or here, as the backend prefers.
     */
    OnlineStore create(StoreContext context);
}
