package dev.larder.read;

import dev.larder.LarderException;
import dev.larder.RequestTimeoutException;
import dev.larder.spi.Capability;
import dev.larder.spi.EntityKey;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ViewRead;
import dev.larder.spi.support.InFlight;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The middle step of an online read: reads every planned view's distinct keys from the store,
 * views sharing join keys in one call where the store has {@link Capability#MULTI_VIEW_READ},
 * groups concurrently. Stores with {@link Capability#ASYNC_READ} are read on their own client
 * without a thread per read; blocking stores on a fixed pool of {@code readThreads}. At most
 * {@code maxConcurrentReads} view reads are in flight; a read waits for a free slot up to the
 * request's deadline, and the whole read fails at the deadline.
 */
public final class ViewReader implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ViewReader.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final java.util.concurrent.atomic.AtomicLong lastWarning = new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final java.util.concurrent.atomic.AtomicLong unreported = new java.util.concurrent.atomic.AtomicLong();
    private final OnlineStore store;
    private final boolean async;
    private final boolean shareReads;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final AsyncPermits permits;

    public ViewReader(OnlineStore store, int readThreads, int maxConcurrentReads) {
        this.store = store;
        this.async = store.capabilities().contains(Capability.ASYNC_READ);
        this.shareReads = store.capabilities().contains(Capability.MULTI_VIEW_READ);
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "larder-deadline"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.permits = new AsyncPermits(maxConcurrentReads, timer);
        this.executor = async ? null : new ThreadPoolExecutor(readThreads, readThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "larder-read-" + n.incrementAndGet()));
        if (executor != null) ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** View reads in flight now (for metrics and tests). */
    public int readsInFlight() {
        return permits.inUse();
    }

    /**
     * Reads the plan's views; completes with one row per distinct key of each view's plan, or fails
     * with the store's error, a {@link dev.larder.StoreBusyException} or a {@link RequestTimeoutException}.
     */
    public CompletableFuture<Map<String, List<OnlineRow>>> read(RequestPlan plan, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<List<RequestPlan.ViewPlan>> groups = plan.groupsByJoinKeys(shareReads);
        Map<String, List<OnlineRow>> results = new ConcurrentHashMap<>();
        CompletableFuture<Void> all = InFlight.run(groups.size(), groups.size(), i -> {
            List<RequestPlan.ViewPlan> group = groups.get(i);
            return permits.acquire(deadline - System.nanoTime()).thenCompose(ok -> {
                CompletableFuture<List<List<OnlineRow>>> read;
                try {
                    read = readGroup(group);
                } catch (RuntimeException e) {
                    read = CompletableFuture.failedFuture(e);
                }
                return read.whenComplete((r, e) -> permits.release());
            }).thenAccept(rows -> {
                for (int g = 0; g < group.size(); g++) results.put(group.get(g).view().name(), rows.get(g));
            });
        });
        return all.orTimeout(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                .handle((ok, e) -> {
                    if (e == null) return results;
                    Throwable cause = InFlight.unwrap(e);
                    warn(plan, cause);
                    if (cause instanceof TimeoutException) {
                        throw new RequestTimeoutException("The online read of " + plan.views().keySet() + " did not complete within "
                                + timeout.toMillis() + " ms (serving.request_timeout)");
                    }
                    if (cause instanceof RuntimeException) throw (RuntimeException) cause;
                    if (cause instanceof Error) throw (Error) cause;
                    throw new LarderException("Online read failed: " + cause, cause);
                });
    }

    /** One warning line per failure, at most one every 10 s, counting the ones in between. */
    private void warn(RequestPlan plan, Throwable cause) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last < WARN_EVERY_NANOS || !lastWarning.compareAndSet(last, now)) {
            unreported.incrementAndGet();
            return;
        }
        long more = unreported.getAndSet(0);
        LOG.warn("Online read of {} failed: {}{}", plan.views().keySet(), cause.getMessage(),
                more == 0 ? "" : " (and " + more + " more failed reads in the last seconds)");
    }

    private CompletableFuture<List<List<OnlineRow>>> readGroup(List<RequestPlan.ViewPlan> group) {
        if (group.size() == 1) {
            RequestPlan.ViewPlan p = group.get(0);
            if (async) return store.readAsync(p.view(), p.keys(), p.features()).thenApply(List::of);
            return CompletableFuture.supplyAsync(() -> List.of(store.read(p.view(), p.keys(), p.features())), executor);
        }
        // Views sharing join keys: read the union of their keys once.
        LinkedHashSet<EntityKey> union = new LinkedHashSet<>();
        for (RequestPlan.ViewPlan p : group) union.addAll(p.keys());
        List<EntityKey> keys = new ArrayList<>(union);
        List<ViewRead> reads = new ArrayList<>();
        for (RequestPlan.ViewPlan p : group) reads.add(new ViewRead(p.view(), p.features()));
        CompletableFuture<List<List<OnlineRow>>> all = async
                ? store.readViewsAsync(reads, keys)
                : CompletableFuture.supplyAsync(() -> store.readViews(reads, keys), executor);
        return all.thenApply(rows -> {
            Map<EntityKey, Integer> pos = new HashMap<>();
            for (int i = 0; i < keys.size(); i++) pos.put(keys.get(i), i);
            List<List<OnlineRow>> out = new ArrayList<>();
            for (int g = 0; g < group.size(); g++) {
                List<OnlineRow> viewRows = new ArrayList<>();
                for (EntityKey k : group.get(g).keys()) viewRows.add(rows.get(g).get(pos.get(k)));
                out.add(viewRows);
            }
            return out;
        });
    }

    @Override
    public void close() {
        if (executor != null) executor.shutdownNow();
        timer.shutdownNow();
    }
}
