package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.engine.MaterializationProgress;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStore;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Writes batches read on a second thread: the next batch is read and converted while this thread
 * writes the previous one, so reading the source and writing the store overlap instead of taking
 * turns. At most two batches wait between the threads, so memory is bounded by the batch size.
 *
 * <p>Any {@link Throwable} on the reading thread (an {@link Error} such as OutOfMemoryError
 * included) fails the write: only a reader that returned normally ends it successfully, so the
 * caller never records a watermark past rows that were not written.
 */
public final class PipelinedWriter {
    /** The rows to write, handed over in batches of at most {@code batchSize}. */
    @FunctionalInterface
    public interface RowBatches {
        void forEachBatch(int batchSize, Consumer<List<FeatureRow>> sink);
    }

    private static final List<FeatureRow> END_OF_ROWS = List.of();

    private PipelinedWriter() {
    }

    /** Writes every batch; returns the rows written. Throws if reading or writing failed. */
    public static long write(RowBatches rows, OnlineStore store, FeatureView view, int batchSize, MaterializationProgress progress) {
        BlockingQueue<List<FeatureRow>> queue = new ArrayBlockingQueue<>(2);
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        AtomicBoolean readerDone = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                rows.forEachBatch(batchSize, batch -> offer(queue, batch, stop));
                readerDone.set(true);
            } catch (Throwable e) { // an Error too: the run must fail, not end as if complete
                if (!stop.get()) readFailure.set(e);
            } finally {
                offer(queue, END_OF_ROWS, stop);
            }
        }, "larder-materialize-read");
        reader.setDaemon(true);
        reader.start();
        long written = 0;
        try {
            while (true) {
                List<FeatureRow> batch = queue.take();
                if (batch == END_OF_ROWS) break;
                store.write(view, batch, n -> { });
                written += batch.size();
                progress.written(batch.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LarderException("Materialization of '" + view.name() + "' was interrupted", e);
        } finally {
            stop.set(true);
            queue.clear();
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable failure = readFailure.get();
        if (failure instanceof RuntimeException) throw (RuntimeException) failure;
        if (failure != null) {
            throw new LarderException("feature view '" + view.name() + "': reading the source failed: " + failure, failure);
        }
        if (!readerDone.get()) {
            throw new LarderException("feature view '" + view.name() + "': reading the source stopped before its end");
        }
        return written;
    }

    private static void offer(BlockingQueue<List<FeatureRow>> queue, List<FeatureRow> batch, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                if (queue.offer(batch, 100, TimeUnit.MILLISECONDS)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (batch != END_OF_ROWS) throw new CancellationException("writing stopped");
    }
}
