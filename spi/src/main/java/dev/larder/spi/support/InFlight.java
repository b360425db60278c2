package dev.larder.spi.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Shared by the backends: runs {@code count} asynchronous tasks with at most {@code limit} in flight, starting the next
 * one as each completes: no thread per task and no thread waiting. After a failure no new task
 * starts; the result fails with the first error once the running tasks have settled.
 */
public final class InFlight {
    private final int count;
    private final int limit;
    private final IntFunction<CompletableFuture<?>> task;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger pumping = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int next; // only touched inside pump()'s exclusive section

    private InFlight(int count, int limit, IntFunction<CompletableFuture<?>> task) {
        this.count = count;
        this.limit = limit;
        this.task = task;
    }

    /**
     * Starts {@code task.apply(i)} for i = 0 … count-1, at most {@code limit} at a time.
     *
     * @return completes when every task has; fails with the first task's error (unwrapped)
     */
    public static CompletableFuture<Void> run(int count, int limit, IntFunction<CompletableFuture<?>> task) {
        if (count == 0) return CompletableFuture.completedFuture(null);
        InFlight f = new InFlight(count, Math.max(1, limit), task);
        f.pump();
        return f.done;
    }

    private void pump() {
        // One thread at a time starts tasks; a completion arriving meanwhile makes it loop once more.
        // That also keeps synchronously completing tasks from recursing.
        if (pumping.getAndIncrement() != 0) return;
        do {
            while (failure.get() == null && next < count && running.get() < limit) {
                int i = next++;
                running.incrementAndGet();
                CompletableFuture<?> f;
                try {
                    f = task.apply(i);
                } catch (Throwable t) {
                    f = CompletableFuture.failedFuture(t);
                }
                f.whenComplete((r, e) -> {
                    if (e != null) failure.compareAndSet(null, unwrap(e));
                    running.decrementAndGet();
                    pump();
                });
            }
            if (running.get() == 0 && (next >= count || failure.get() != null)) {
                Throwable t = failure.get();
                if (t == null) done.complete(null);
                else done.completeExceptionally(t);
            }
        } while (pumping.decrementAndGet() != 0);
    }

    /** The cause behind CompletionException / ExecutionException wrappers. */
    public static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
