package dev.larder.local;

import dev.larder.engine.MaterializationEngine;
import dev.larder.engine.MaterializationProgress;
import dev.larder.engine.MaterializationTask;
import dev.larder.engine.OnlineTarget;
import dev.larder.engine.ViewOutcome;
import dev.larder.materialize.PipelinedWriter;

/**
 * The default engine: DuckDB selects the latest rows in this process, and they are written through
 * the online store opened here, the next batch read while the previous one is written.
 */
public final class LocalEngine implements MaterializationEngine {
    private final LocalEngineConfig config;
    private final int batchSize;
    private DuckDbSource source;

    public LocalEngine(LocalEngineConfig config, int batchSize) {
        this.config = config;
        this.batchSize = batchSize;
    }

    @Override
    public ViewOutcome materialize(MaterializationTask task, OnlineTarget target, MaterializationProgress progress) {
        if (source == null) source = new DuckDbSource(config);
        try (DuckDbSource.Selection sel = source.select(task)) {
            if (!sel.note().isEmpty()) return ViewOutcome.emptySource(sel.note());
            progress.selected(sel.count());
            return ViewOutcome.written(PipelinedWriter.write(sel::forEachBatch, target.store(), task.view(), batchSize, progress));
        }
    }

    @Override
    public void close() {
        if (source != null) source.close();
    }
}
