package dev.larder.spark;

import dev.larder.engine.MaterializationProgress;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.collection.Iterator;

import java.util.concurrent.TimeoutException;

/**
 * Reports a job's written rows to the driver's progress as its tasks finish, not only at the end:
 * a driver-side listener reads each successful task's update of the job's row accumulator.
 * Listener events arrive on Spark's listener thread and may trail the job; {@link #finish} waits for
 * them, stops listening and reports any rest, so the rows reported add up to the accumulator's value
 * once.
 *
 * <pre>{@code
 * try (TaskProgress p = TaskProgress.listen(sc, written, progress)) {
 *     dataset.foreachPartition(...);   // each finished task moves the progress on
 *     p.finish();                     // the remainder, exactly once
 * }
 * }</pre>
 */
final class TaskProgress extends SparkListener implements AutoCloseable {
    /** How long {@link #finish} waits for the listener thread to catch up. */
    static final long DRAIN_MILLIS = 2_000;

    private final SparkContext sc;
    private final LongAccumulator written;
    private final MaterializationProgress progress;
    private long reported;
    private boolean done;

    private TaskProgress(SparkContext sc, LongAccumulator written, MaterializationProgress progress) {
        this.sc = sc;
        this.written = written;
        this.progress = progress;
    }

    static TaskProgress listen(SparkContext sc, LongAccumulator written, MaterializationProgress progress) {
        TaskProgress p = new TaskProgress(sc, written, progress);
        sc.addSparkListener(p);
        return p;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        // A failed or killed attempt's rows are not in the accumulator; its retry reports them.
        if (end.taskInfo() == null || !Success$.MODULE$.equals(end.reason())) return;
        Iterator<AccumulableInfo> it = end.taskInfo().accumulables().iterator();
        while (it.hasNext()) {
            AccumulableInfo a = it.next();
            if (a.id() == written.id() && a.update().isDefined()) {
                report(((Number) a.update().get()).longValue());
            }
        }
    }

    private synchronized void report(long rows) {
        if (done || rows <= 0) return;
        reported += rows;
        progress.written(rows);
    }

    /**
     * After the job succeeded: lets the listener thread deliver the job's task events (up to
     * {@link #DRAIN_MILLIS}; not holding the lock, which delivering takes), then stops listening and
     * reports what the events have not.
     */
    void finish() {
        try {
            // Spark's own drain (private[spark] in Scala, public to Java), the one way to know its queue is delivered.
            sc.listenerBus().waitUntilEmpty(DRAIN_MILLIS);
        } catch (TimeoutException e) {
            // a busy application's listeners: report the rest at once
        }
        synchronized (this) {
            close();
            long rest = written.value() - reported;
            if (rest > 0) progress.written(rest);
            reported = written.value();
        }
    }

    @Override
    public synchronized void close() {
        if (!done) {
            done = true;
            sc.removeSparkListener(this);
        }
    }
}
