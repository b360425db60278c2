package dev.larder.local;

import dev.larder.engine.EngineContext;
import dev.larder.engine.MaterializationEngine;
import dev.larder.engine.MaterializationEngineProvider;

/** {@code batch_engine.type: local}, the default engine. */
public final class LocalEngineProvider implements MaterializationEngineProvider {
    public static final String TYPE = "local";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public MaterializationEngine create(EngineContext context) {
        return new LocalEngine(LocalEngineConfig.from(context.options(), context.repoPath()), context.writeBatchSize());
    }
}
