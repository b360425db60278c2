package dev.larder.read;

import dev.larder.StoreBusyException;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A counting semaphore whose waiters wait without a thread: {@link #acquire} returns a future
 * that completes when a permit is free, or fails with {@link StoreBusyException} when none frees
 * up within the timeout. Bounds the view reads in flight for blocking and asynchronous stores alike.
 */
final class AsyncPermits {
    private final int max;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
    private int available;

    AsyncPermits(int max, ScheduledExecutorService timer) {
        this.max = max;
        this.available = max;
        this.timer = timer;
    }

    CompletableFuture<Void> acquire(long timeoutNanos) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (this) {
            if (available > 0 && waiters.isEmpty()) {
                available--;
                f.complete(null);
                return f;
            }
            if (timeoutNanos <= 0) {
                f.completeExceptionally(busy());
                return f;
            }
            waiters.add(f);
        }
        timer.schedule(() -> {
            boolean removed;
            synchronized (this) {
                removed = waiters.remove(f);
            }
            if (removed) f.completeExceptionally(busy());
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        return f;
    }

    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiters.poll();
            if (next == null) {
                available++;
                return;
            }
        }
        next.complete(null); // the permit passes straight to the next waiter
    }

    synchronized int inUse() {
        return max - available;
    }

    StoreBusyException busy() {
        return new StoreBusyException("The online store is busy: all " + max + " concurrent view reads (serving.max_concurrent_reads)"
                + " stayed in use until the request deadline; retry later or raise the bound");
    }
}
