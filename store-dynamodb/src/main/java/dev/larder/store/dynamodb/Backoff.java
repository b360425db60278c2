package dev.larder.store.dynamodb;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToIntFunction;

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

    /**
     * Sends {@code first}, then what each response leaves unprocessed (BatchGetItem's
     * UnprocessedKeys, BatchWriteItem's UnprocessedItems), waiting {@link #delay} before each
     * resend, until nothing is left or the next resend would start past {@link #limit} from now.
     *
     * @param send     sends a request; completes with what is left of it, null when nothing
     * @param size     how many keys or items a leftover request holds, for the failure
     * @param total    how many the first request held
     * @param what     what is left, for the failure: "keys of a BatchGetItem (UnprocessedKeys)"
     * @param why      the likely reason, for the failure
     * @return fails with {@link DynamoDBErrors.Unprocessed} past the limit
     */
    <T> CompletableFuture<Void> untilDone(T first, Function<T, CompletableFuture<T>> send, ToIntFunction<T> size, int total,
                                          String what, String why) {
        return resend(first, send, size, total, what, why, deadlineFromNow(), 0);
    }

    private <T> CompletableFuture<Void> resend(T request, Function<T, CompletableFuture<T>> send, ToIntFunction<T> size, int total,
                                               String what, String why, long deadline, int retry) {
        return send.apply(request).thenCompose(left -> {
            if (left == null) return CompletableFuture.completedFuture(null);
            Duration wait = delay(retry);
            if (expired(deadline, wait)) {
                return CompletableFuture.failedFuture(new DynamoDBErrors.Unprocessed(size.applyAsInt(left) + " of " + total + " " + what
                        + " were still unprocessed after retrying for "
                        + (limit.toSeconds() > 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms") + " (unprocessed_retry_timeout); " + why));
            }
            return after(wait).thenCompose(x -> resend(left, send, size, total, what, why, deadline, retry + 1));
        });
    }
}
