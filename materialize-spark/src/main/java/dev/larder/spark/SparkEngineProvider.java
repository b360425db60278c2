package dev.larder.spark;

import dev.larder.engine.EngineContext;
import dev.larder.engine.MaterializationEngine;
import dev.larder.engine.MaterializationEngineProvider;

import java.util.Set;

/** {@code batch_engine.type: spark} (Feast's {@code spark.engine} works too). */
public final class SparkEngineProvider implements MaterializationEngineProvider {
    public static final String TYPE = "spark";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<String> aliases() {
        return Set.of("spark.engine");
    }

    @Override
    public MaterializationEngine create(EngineContext context) {
        return SparkEngine.fromConfig(SparkEngineConfig.from(context.options()), context.writeBatchSize());
    }
}
