package dev.larder;

import dev.larder.registry.RegistryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The catalog of a registry, re-read every {@code cache_ttl_seconds} as Feast's registry cache is:
 * the first request after the interval reloads it (other requests meanwhile keep the current one)
 * and swaps the new catalog in whole. A reload that fails keeps the last good catalog, logs one
 * line, and is tried again after another interval.
 */
public final class RefreshingCatalog implements Supplier<Catalog> {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshingCatalog.class);

    private record Snapshot(Catalog catalog, Instant loadedAt, Instant nextRefresh) {
    }

    private final RegistryStore store;
    private final String project;
    private final Duration ttl;
    private final Clock clock;
    private final ReentrantLock reloading = new ReentrantLock();
    private final AtomicBoolean reloadQueued = new AtomicBoolean();
    private volatile Snapshot current;
    private volatile String lastFailure;

    /**
     * Loads the registry once; it must hold the project.
     *
     * @param ttl how long a catalog is served before a reload; zero = never reload
     */
    public RefreshingCatalog(RegistryStore store, String project, Duration ttl, Clock clock) {
        this.store = store;
        this.project = project;
        this.ttl = ttl;
        this.clock = clock;
        Instant now = clock.instant();
        this.current = new Snapshot(Catalog.of(store.loadApplied(project)), now, now.plus(ttl));
    }

    @Override
    public Catalog get() {
        Snapshot s = current;
        if (ttl.isZero()) return s.catalog();
        Instant now = clock.instant();
        if (now.isBefore(s.nextRefresh()) || !reloading.tryLock()) return current.catalog();
        try {
            if (current == s) reload(s, now);
            return current.catalog();
        } finally {
            reloading.unlock();
        }
    }

    /**
     * The catalog being served, without waiting for a registry read: when a reload is due it runs
     * on {@code background} (one at a time) and a later call sees its result. For callers that
     * must not block, such as a server's event loop.
     */
    public Catalog getWithoutWaiting(Executor background) {
        Snapshot s = current;
        if (!ttl.isZero() && !clock.instant().isBefore(s.nextRefresh()) && reloadQueued.compareAndSet(false, true)) {
            try {
                background.execute(() -> {
                    try {
                        get();
                    } finally {
                        reloadQueued.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                reloadQueued.set(false); // closing: keep serving what is loaded
            }
        }
        return s.catalog();
    }

    private void reload(Snapshot s, Instant now) {
        try {
            current = new Snapshot(Catalog.of(store.loadApplied(project)), now, now.plus(ttl));
            lastFailure = null;
        } catch (RuntimeException e) {
            current = new Snapshot(s.catalog(), s.loadedAt(), now.plus(ttl));
            lastFailure = e.getMessage();
            LOG.warn("Registry refresh failed, still serving the definitions loaded at {} (next try in {} s): {}",
                    s.loadedAt(), ttl.toSeconds(), e.getMessage());
        }
    }

    /** When the catalog being served was loaded. */
    public Instant loadedAt() {
        return current.loadedAt();
    }

    /** Why the latest reload failed; empty when it succeeded. */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }
}
