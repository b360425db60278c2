package dev.larder.engine;

import java.util.Set;

/**
 * The service a materialization engine registers with {@link java.util.ServiceLoader}, in a
 * hand-written {@code META-INF/services/dev.larder.engine.MaterializationEngineProvider}.
 * {@code batch_engine.type} in feature_store.yaml selects it (default {@code local}). Providers are
 * created once and must be cheap to construct: nothing starts until {@link #create}.
 */
public interface MaterializationEngineProvider {

    /** The {@code batch_engine.type} that selects this engine: lowercase and stable. */
    String type();

    /** Other names that select it, e.g. Feast's spelling ({@code spark.engine}). */
    default Set<String> aliases() {
        return Set.of();
    }

    /**
     * Creates an engine from its options. Reads every option through the context's typed
     * {@link dev.larder.spi.StoreOptions} getters, then calls {@code validate()}, so that an
     * unknown key or a bad value fails with every problem listed.
     */
    MaterializationEngine create(EngineContext context);
}
