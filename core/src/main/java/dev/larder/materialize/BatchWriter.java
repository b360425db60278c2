package dev.larder.materialize;

import dev.larder.engine.MaterializationProgress;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes rows one at a time into the online store in batches of a fixed size: at most one batch
 * is held, however many rows pass through. Not thread-safe: one per writing thread (one per Spark
 * task).
 */
public final class BatchWriter {
    private final OnlineStore store;
    private final FeatureView view;
    private final int batchSize;
    private final MaterializationProgress progress;
    private List<FeatureRow> batch;
    private long written;

    public BatchWriter(OnlineStore store, FeatureView view, int batchSize, MaterializationProgress progress) {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
        this.store = store;
        this.view = view;
        this.batchSize = batchSize;
        this.progress = progress;
        this.batch = new ArrayList<>(Math.min(batchSize, 1024));
    }

    public void add(FeatureRow row) {
        batch.add(row);
        if (batch.size() >= batchSize) flush();
    }

    /** Writes what is left; returns the rows written in all. */
    public long finish() {
        if (!batch.isEmpty()) flush();
        return written;
    }

    private void flush() {
        store.write(view, batch, n -> { });
        written += batch.size();
        progress.written(batch.size());
        batch = new ArrayList<>(Math.min(batchSize, 1024));
    }
}
