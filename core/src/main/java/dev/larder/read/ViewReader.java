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
    private final RowCache cache;
    private final ReadMetrics metrics;
    private final ReadTracing tracing;

    public ViewReader(OnlineStore store, int readThreads, int maxConcurrentReads, RowCache cache, ReadMetrics metrics, ReadTracing tracing) {
        this.store = store;
        this.cache = cache;
        this.metrics = metrics;
        this.tracing = tracing;
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
    public CompletableFuture<Map<String, List<OnlineRow>>> read(RequestPlan plan, Duration timeout, io.opentelemetry.api.trace.Span parent) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<List<RequestPlan.ViewPlan>> groups = new ArrayList<>();
        for (List<RequestPlan.ViewPlan> group : plan.groupsByJoinKeys(shareReads)) {
            // A cached view is read on its own: its misses, with every feature, so the cached row is whole.
            List<RequestPlan.ViewPlan> rest = new ArrayList<>();
            for (RequestPlan.ViewPlan p : group) {
                if (cache.caches(p.view().name())) groups.add(List.of(p));
                else rest.add(p);
            }
            if (!rest.isEmpty()) groups.add(rest);
        }
        Map<String, List<OnlineRow>> results = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> slots = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> all = InFlight.run(groups.size(), groups.size(), i -> {
            List<RequestPlan.ViewPlan> group = groups.get(i);
            CompletableFuture<Void> slot = permits.acquire(deadline - System.nanoTime());
            slots.add(slot);
            return slot.thenCompose(ok -> {
                return observed(group, parent).whenComplete((r, e) -> permits.release());
            }).thenAccept(rows -> {
                for (int g = 0; g < group.size(); g++) results.put(group.get(g).view().name(), rows.get(g));
            });
        });
        return all.orTimeout(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                .handle((ok, e) -> {
                    if (e == null) return results;
                    Throwable cause = InFlight.unwrap(e);
                    warn(plan, cause);
                    // The slot wait and the request deadline expire together: a read that never got a slot is busy, not slow.
                    if (cause instanceof TimeoutException && waitingForSlot(slots)) throw permits.busy();
                    if (cause instanceof TimeoutException) {
                        throw new RequestTimeoutException("The online read of " + plan.views().keySet() + " did not complete within "
                                + timeout.toMillis() + " ms (serving.request_timeout)");
                    }
                    if (cause instanceof RuntimeException) throw (RuntimeException) cause;
                    if (cause instanceof Error) throw (Error) cause;
                    throw new LarderException("Online read failed: " + cause, cause);
                });
    }

    private static boolean waitingForSlot(List<CompletableFuture<Void>> slots) {
        synchronized (slots) {
            for (CompletableFuture<Void> slot : slots) {
                if (!slot.isDone() || slot.isCompletedExceptionally()) return true;
            }
            return false;
        }
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

    /** A group's read with a span and a timer per view. */
    private CompletableFuture<List<List<OnlineRow>>> observed(List<RequestPlan.ViewPlan> group, io.opentelemetry.api.trace.Span parent) {
        long started = System.nanoTime();
        List<io.opentelemetry.api.trace.Span> spans = new ArrayList<>(group.size());
        for (RequestPlan.ViewPlan p : group) spans.add(tracing.startViewRead(parent, p.view().name(), p.keys().size()));
        boolean cached = group.size() == 1 && cache.caches(group.get(0).view().name());
        CompletableFuture<List<List<OnlineRow>>> read;
        try {
            read = cached ? readCached(group.get(0), spans.get(0)) : readGroup(group);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return read.whenComplete((r, e) -> {
            Throwable cause = e == null ? null : InFlight.unwrap(e);
            long nanos = System.nanoTime() - started;
            for (int i = 0; i < group.size(); i++) {
                metrics.viewRead(group.get(i).view().name(), cached ? "cache" : "store", nanos, cause);
                ReadTracing.end(spans.get(i), cause);
            }
        });
    }

    /** A cached view: hits from the cache, the misses from the store with every feature, then cached. */
    private CompletableFuture<List<List<OnlineRow>>> readCached(RequestPlan.ViewPlan p, io.opentelemetry.api.trace.Span span) {
        String view = p.view().name();
        OnlineRow[] rows = new OnlineRow[p.keys().size()];
        List<EntityKey> misses = new ArrayList<>();
        List<Integer> missAt = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            OnlineRow hit = cache.get(view, p.keys().get(i));
            if (hit != null) {
                rows[i] = hit;
            } else {
                misses.add(p.keys().get(i));
                missAt.add(i);
            }
        }
        span.setAttribute(ReadTracing.CACHE_HITS, (long) (rows.length - misses.size()));
        if (misses.isEmpty()) return CompletableFuture.completedFuture(List.of(java.util.Arrays.asList(rows)));
        List<String> all = p.view().featureNames();
        CompletableFuture<List<OnlineRow>> read = async ? store.readAsync(p.view(), misses, all)
                : CompletableFuture.supplyAsync(() -> store.read(p.view(), misses, all), executor);
        return read.thenApply(got -> {
            for (int m = 0; m < misses.size(); m++) {
                cache.put(view, misses.get(m), got.get(m));
                rows[missAt.get(m)] = got.get(m);
            }
            return List.of(java.util.Arrays.asList(rows));
        });
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
