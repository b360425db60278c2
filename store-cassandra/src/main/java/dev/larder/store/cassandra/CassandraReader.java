package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.Value;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.DistinctKeys;
import dev.larder.spi.support.InFlight;
import dev.larder.spi.support.NewestWins;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads keys in batches: one query per {@code read_batch_size} distinct keys
 * ({@code WHERE entity_key IN ? AND feature_name IN ?}), without blocking a thread. The
 * coordinator reads a query's partitions in parallel, so {@code read_concurrency} keeps its
 * meaning in Feast (partition reads in flight per call): {@code read_concurrency / read_batch_size}
 * queries in flight, at least one. Serves reads, and the read a write makes of the rows it may replace.
 */
final class CassandraReader {
    private final CqlSession session;
    private final CassandraCql cql;
    private final PreparedStatements prepared;
    private final int batchSize;
    /** Queries in flight per call. */
    private final int concurrency;

    /**
     * @param batchSize          keys per query
     * @param partitionsInFlight partition reads in flight per call (at least one query)
     */
    CassandraReader(CqlSession session, CassandraCql cql, PreparedStatements prepared, int batchSize, int partitionsInFlight) {
        this.session = session;
        this.cql = cql;
        this.prepared = prepared;
        this.batchSize = batchSize;
        this.concurrency = Math.max(1, partitionsInFlight / batchSize);
    }

    static String keyHex(EntityKey key) {
        return EntityKeyCodec.hex(EntityKeyCodec.serialize(key));
    }

    /** The requested features of each key, in request order; the event time is the newest among the features found. */
    CompletableFuture<List<OnlineRow>> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        DistinctKeys distinct = DistinctKeys.of(keys);
        List<String> hexes = new ArrayList<>(distinct.size());
        for (EntityKey k : distinct.keys()) hexes.add(keyHex(k));
        Map<String, Found> found = new ConcurrentHashMap<>();
        return select(cql.selectValues(view), hexes, features, () -> new Consumer<>() {
            // A key's rows arrive together (one partition, one query): its entry is looked up once, not once per feature.
            private ByteBuffer key;
            private Found f;

            @Override
            public void accept(Row row) {
                ByteBuffer k = row.getBytesUnsafe(0);
                if (f == null || !k.equals(key)) {
                    key = k;
                    f = found.computeIfAbsent(row.getString(0), hex -> new Found());
                }
                f.values.put(row.getString(1), decode(row.getBytesUnsafe(2)));
                Instant t = row.getInstant(3);
                if (t != null && (f.newest == null || t.isAfter(f.newest))) f.newest = t;
            }
        }).thenApply(done -> {
            OnlineRow[] rows = new OnlineRow[hexes.size()];
            for (int i = 0; i < rows.length; i++) {
                Found f = found.get(hexes.get(i));
                rows[i] = f == null ? null : OnlineRow.of(f.newest == null ? NewestWins.MIN : f.newest, f.values);
            }
            return distinct.expand(rows);
        });
    }

    /** The stored rows (their times and cells' write timestamps) of the given keys of a view; keys without a row are absent. */
    CompletableFuture<Map<String, StoredRow>> stored(FeatureView view, List<String> keyHexes, NewestWins rule) {
        Map<String, StoredRow.Builder> builders = new ConcurrentHashMap<>();
        return select(cql.selectStored(view), keyHexes, view.featureNames(), () -> row -> builders
                .computeIfAbsent(row.getString(0), k -> new StoredRow.Builder(rule))
                .add(row.getInstant(1), row.getInstant(2), nullableLong(row, 3), nullableLong(row, 4), nullableLong(row, 5)))
                .thenApply(done -> {
                    Map<String, StoredRow> out = new HashMap<>(builders.size() * 2);
                    builders.forEach((k, b) -> out.put(k, b.build()));
                    return out;
                });
    }

    /**
     * Runs a select bound to (keys, features) for each batch of keys and feeds every row of every
     * page to a sink of its own ({@code sinks} gives one per query). The rows of one key come from
     * one query, in order; different queries' sinks may run at the same time on different threads.
     */
    private CompletableFuture<Void> select(String selectCql, List<String> keyHexes, List<String> features, Supplier<Consumer<Row>> sinks) {
        if (keyHexes.isEmpty() || features.isEmpty()) return CompletableFuture.completedFuture(null);
        int batches = (keyHexes.size() + batchSize - 1) / batchSize;
        List<String> distinctFeatures = List.copyOf(new java.util.LinkedHashSet<>(features));
        return prepared.get(selectCql).thenCompose(select -> InFlight.run(batches, concurrency, i -> {
            List<String> batch = keyHexes.subList(i * batchSize, Math.min(keyHexes.size(), (i + 1) * batchSize));
            return session.executeAsync(bind(select, batch, distinctFeatures)).toCompletableFuture()
                    .thenCompose(rs -> drain(rs, sinks.get()));
        }));
    }

    private static com.datastax.oss.driver.api.core.cql.BoundStatement bind(PreparedStatement select, List<String> keys, List<String> features) {
        return select.boundStatementBuilder()
                .setList(0, keys, String.class)
                .setList(1, features, String.class)
                .setIdempotence(true).build();
    }

    /** Feeds every row of every page to {@code sink}; pages beyond the first are fetched asynchronously. */
    private static CompletionStage<Void> drain(AsyncResultSet rs, Consumer<Row> sink) {
        for (Row row : rs.currentPage()) sink.accept(row);
        if (!rs.hasMorePages()) return CompletableFuture.completedFuture(null);
        return rs.fetchNextPage().thenCompose(next -> drain(next, sink));
    }

    private static Long nullableLong(Row row, int i) {
        return row.isNull(i) ? null : row.getLong(i);
    }

    /** A stored value, decoded in place when the driver's buffer is array-backed (it is), else from a copy. */
    private static Value decode(ByteBuffer buffer) {
        if (buffer == null) return Value.UNSET; // what zero bytes decode to
        if (buffer.hasArray()) return ValueCodec.decode(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return ValueCodec.decode(b);
    }

    /** What one key's query found; filled by one query's pages in turn. */
    private static final class Found {
        final Map<String, Value> values = new HashMap<>();
        Instant newest;
    }
}
