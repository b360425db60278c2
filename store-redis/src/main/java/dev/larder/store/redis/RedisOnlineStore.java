package dev.larder.store.redis;

import dev.larder.spi.Capability;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.ViewRead;
import dev.larder.spi.support.NewestWins;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An online store in Feast's Redis layout ({@link RedisLayout}) on Redis standalone, Cluster or
 * Sentinel: reads through {@link RedisReader}, writes through {@link RedisWriter}, views through
 * {@link RedisViews}, failures as {@link dev.larder.spi.OnlineStoreException}s from
 * {@link RedisFailures}. Thread-safe: one instance (one client, one connection) serves every thread.
 *
 * <p>Times are kept to the nanosecond (a protobuf Timestamp holds nanos), so truncation to the
 * store's precision changes nothing.
 */
public final class RedisOnlineStore implements OnlineStore {
    static final ChronoUnit PRECISION = ChronoUnit.NANOS;

    private final String project;
    private final RedisStoreConfig config;
    private final String where;
    private final Set<Capability> capabilities;
    private final RedisPipe pipe;
    private final RedisFailures failures;
    private final RedisLayout layout;
    private final RedisReader reader;
    private final RedisWriter writer;
    private final RedisViews views;
    private volatile boolean closed;

    /** Connects now; fails with the server address when the server cannot be reached. */
    public RedisOnlineStore(String project, RedisStoreConfig config) {
        this.project = project;
        this.config = config;
        this.where = config.describe();
        this.capabilities = capabilities(config);
        this.failures = new RedisFailures(where, project, config.commandTimeout());
        try {
            this.pipe = RedisPipe.open(config);
        } catch (RuntimeException e) {
            throw failures.failure(Operation.CONNECT, "connect", e);
        }
        this.layout = new RedisLayout(project);
        this.reader = new RedisReader(layout, pipe, failures);
        this.writer = new RedisWriter(layout, pipe, failures, new NewestWins(PRECISION), config.keyTtl().getSeconds());
        this.views = new RedisViews(layout, pipe, failures, where);
    }

    /** What a store with these options does: everything the provider lists, expiry only with a key ttl. */
    static Set<Capability> capabilities(RedisStoreConfig config) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        RedisStoreProvider.CAPABILITIES.forEach((c, support) -> {
            if (!support.isConditional()) out.add(c);
        });
        if (!config.keyTtl().isZero()) out.add(Capability.DELETE_EXPIRED_DATA);
        return Collections.unmodifiableSet(out);
    }

    public RedisStoreConfig config() {
        return config;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public ChronoUnit eventTimePrecision() {
        return PRECISION;
    }

    // --------------------------------------------------------------------------------- read

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        String what = "read " + keys.size() + " keys of view '" + view.name() + "'";
        return failures.await(readViewsAsync(List.of(new ViewRead(view, features)), keys, what), Operation.READ, what).get(0);
    }

    @Override
    public CompletableFuture<List<OnlineRow>> readAsync(FeatureView view, List<EntityKey> keys, List<String> features) {
        String what = "read " + keys.size() + " keys of view '" + view.name() + "'";
        return readViewsAsync(List.of(new ViewRead(view, features)), keys, what).thenApply(r -> r.get(0));
    }

    @Override
    public List<List<OnlineRow>> readViews(List<ViewRead> reads, List<EntityKey> keys) {
        String what = readWhat(reads, keys);
        return failures.await(readViewsAsync(reads, keys, what), Operation.READ, what);
    }

    /** Several views sharing join keys in one HMGET per distinct key ({@link Capability#MULTI_VIEW_READ}). */
    @Override
    public CompletableFuture<List<List<OnlineRow>>> readViewsAsync(List<ViewRead> reads, List<EntityKey> keys) {
        return readViewsAsync(reads, keys, readWhat(reads, keys));
    }

    private CompletableFuture<List<List<OnlineRow>>> readViewsAsync(List<ViewRead> reads, List<EntityKey> keys, String what) {
        try {
            checkOpen();
            return reader.read(reads, keys, what);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String readWhat(List<ViewRead> reads, List<EntityKey> keys) {
        List<String> names = new ArrayList<>();
        for (ViewRead r : reads) names.add(r.view().name());
        return "read " + keys.size() + " keys of views " + names;
    }

    // --------------------------------------------------------------------------------- write and infrastructure

    @Override
    public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        checkOpen();
        if (rows.isEmpty()) return;
        writer.write(view, rows, progress);
    }

    @Override
    public void update(InfraChange change) {
        checkOpen();
        views.update(change, Operation.UPDATE);
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        checkOpen();
        return views.plan(change);
    }

    @Override
    public void teardown(List<FeatureView> toRemove) {
        checkOpen();
        views.update(new InfraChange(List.of(), toRemove), Operation.TEARDOWN);
    }

    // --------------------------------------------------------------------------------- lifecycle

    private void checkOpen() {
        if (closed) throw new IllegalStateException("The Redis online store for project '" + project + "' (" + where + ") is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pipe.close();
    }

    @Override
    public String toString() {
        return "RedisOnlineStore{" + where + ", project=" + project + "}";
    }
}
