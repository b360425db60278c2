package dev.larder.engine;

import dev.larder.spi.StoreOptions;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a provider gets to create an engine.
 *
 * @param project        the Feast project name
 * @param repoPath       the feature repository directory; relative paths resolve against it
 * @param options        the {@code batch_engine:} options other than {@code type}, typed and checked
 * @param writeBatchSize rows per write call into the online store ({@code materialization.batch_size},
 *                       Feast's {@code online_write_batch_size})
 */
public record EngineContext(String project, Path repoPath, StoreOptions options, int writeBatchSize) {
    public EngineContext {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(repoPath, "repoPath");
        Objects.requireNonNull(options, "options");
        if (writeBatchSize < 1) throw new IllegalArgumentException("writeBatchSize must be positive: " + writeBatchSize);
    }
}
