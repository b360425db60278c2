package dev.larder.spi;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An online store: a connection to one backend for one project. Thread-safe: one instance serves
 * every thread of a host application and is closed once at the end.
 *
 * <p>Operations behind capabilities the store does not report in {@link #capabilities()} throw
 * {@link UnsupportedOperationException}. Failures of the backend (not of the caller's input) are
 * {@link OnlineStoreException}s.
 *
 * <h2>Which row wins</h2>
 * Every store applies one rule, {@link dev.larder.spi.support.NewestWins}: a row replaces the
 * stored row of its entity key and view when its event time is newer, or equal with a newer
 * created time; otherwise the stored row stays. Within one write the same rule picks the row of a
 * key (on a full tie the first row). Times are compared at the store's
 * {@link #eventTimePrecision()} and must lie in {@link dev.larder.spi.support.NewestWins#MIN} …
 * {@link dev.larder.spi.support.NewestWins#MAX}. A row replaces the stored row whole: features
 * the row does not carry read as absent afterwards.
 */
public interface OnlineStore extends AutoCloseable {

    /**
     * The capabilities this store has with its options: a subset of what its provider lists in
     * {@link OnlineStoreProvider#capabilities()}, holding every unconditional one.
     */
    Set<Capability> capabilities();

    /**
     * The finest unit of event and created times the store keeps (Feast's layouts differ:
     * SQLite keeps seconds, Cassandra milliseconds, DynamoDB and Bigtable microseconds, Redis
     * nanoseconds). Reads return times truncated to it; times that differ only below it are equal.
     */
    ChronoUnit eventTimePrecision();

    /**
     * Writes rows of one view under the rule above (for stores with
     * {@link Capability#CONCURRENT_WRITES_SAME_KEY}, atomically so against other writers).
     * Either completes or throws; a time outside the accepted range is an
     * {@link IllegalArgumentException} before anything is written.
     */
    void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress);

    /**
     * Reads the given features of one view for each key: one result per key, in request order
     * ({@link OnlineRow#ABSENT} for a key with no row). Duplicate keys give equal results.
     */
    List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features);

    /**
     * The same read, without blocking the calling thread ({@link Capability#ASYNC_READ}). The
     * future may complete on the client library's I/O thread, as Lettuce's and the Cassandra
     * driver's do: a caller's continuation must not block (use an {@code ...Async} stage with an
     * executor for blocking work). A store does not hop to another thread to complete it; that
     * hand-off cost Cassandra reads 5–25% (docs/benchmarks/README.md, issue 20).
     */
    default CompletableFuture<List<OnlineRow>> readAsync(FeatureView view, List<EntityKey> keys, List<String> features) {
        throw new UnsupportedOperationException("asynchronous reads are not supported by " + getClass().getSimpleName());
    }

    /**
     * Reads several views that share the same join keys for the same keys; one list of results
     * per view, in the order of {@code reads}. Backends that collocate by entity key override this
     * to serve all views in one round trip ({@link Capability#MULTI_VIEW_READ}); the default reads
     * one view after another.
     */
    default List<List<OnlineRow>> readViews(List<ViewRead> reads, List<EntityKey> keys) {
        List<List<OnlineRow>> out = new ArrayList<>(reads.size());
        for (ViewRead r : reads) {
            out.add(read(r.view(), keys, r.features()));
        }
        return out;
    }

    /**
     * {@link #readViews} without blocking the calling thread, for stores declaring
     * {@link Capability#ASYNC_READ}. The default runs one {@link #readAsync} per view
     * concurrently; stores with {@link Capability#MULTI_VIEW_READ} override it with one round trip.
     */
    default CompletableFuture<List<List<OnlineRow>>> readViewsAsync(List<ViewRead> reads, List<EntityKey> keys) {
        List<CompletableFuture<List<OnlineRow>>> parts = new ArrayList<>(reads.size());
        for (ViewRead r : reads) {
            parts.add(readAsync(r.view(), keys, r.features()));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(done -> {
            List<List<OnlineRow>> out = new ArrayList<>(parts.size());
            for (CompletableFuture<List<OnlineRow>> p : parts) out.add(p.join());
            return out;
        });
    }

    /** Creates what the kept views need and drops what only the deleted views used. Idempotent. */
    void update(InfraChange change);

    /** What {@link #update} would do for this change, without changing anything. */
    List<PlannedChange> plan(InfraChange change);

    /** Removes everything the store holds for these views. Idempotent. */
    void teardown(List<FeatureView> views);

    /** Releases connections and threads. Does not throw checked exceptions. */
    @Override
    void close();
}
