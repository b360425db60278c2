package dev.larder.engine;

import dev.larder.spi.OnlineStore;

import java.util.Objects;

/**
 * Where an engine writes: the store opened in this JVM, and the description an engine that writes
 * from other processes (Spark executors) opens its own stores from.
 *
 * @param store the online store opened by the caller; the engine does not close it
 * @param spec  the same store's configuration, serializable
 */
public record OnlineTarget(OnlineStore store, StoreSpec spec) {
    public OnlineTarget {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(spec, "spec");
    }
}
