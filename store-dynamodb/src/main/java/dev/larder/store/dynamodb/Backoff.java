package dev.larder.store.dynamodb;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Exponential backoff with full jitter (AWS's recommendation for UnprocessedKeys / UnprocessedItems):
 * before retry {@code n} (from 0) wait a random time in {@code [0, min(cap, base * 2^n)]}. Waiting
 * is scheduled, never a sleeping thread: {@link #after} completes on a timer.
 *
 * @param base  the first retry's upper bound
 * @param cap   the largest upper bound
 * @param limit how long, from the first attempt, retries may go on
 */
record Backoff(Duration base, Duration cap, Duration limit) {

    static Backoff upTo(Duration limit) {
        return new Backoff(Duration.ofMillis(20), Duration.ofSeconds(2), limit);
    }

    /** The wait before retry {@code retry} (0-based). */
    Duration delay(int retry) {
        long ceiling = base.toNanos() << Math.min(retry, 30);
        if (ceiling <= 0 || ceiling > cap.toNanos()) ceiling = cap.toNanos();
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    /** The deadline (System.nanoTime) of an operation starting now. */
    long deadlineFromNow() {
        return System.nanoTime() + limit.toNanos();
    }

    /** Whether retry {@code retry}, after its wait, would start past the deadline. */
    static boolean expired(long deadlineNanos, Duration wait) {
        return System.nanoTime() + wait.toNanos() - deadlineNanos > 0;
    }

    /** A future completed after {@code wait}, on a shared timer thread, not the caller's. */
    static CompletableFuture<Void> after(Duration wait) {
        Executor timer = CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS);
        return CompletableFuture.runAsync(() -> { }, timer);
    }
}
