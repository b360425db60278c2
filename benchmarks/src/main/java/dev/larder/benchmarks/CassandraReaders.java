package dev.larder.benchmarks;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.store.cassandra.CassandraStoreConfig;
import org.openjdk.jmh.infra.Blackhole;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two Cassandra readers the benchmarks compare, on one node holding 500 keys of a view:
 * Larder's {@code OnlineStore.read}, and the raw java-driver session running the CQL the store
 * runs ({@code SELECT entity_key, feature_name, value, event_ts ... WHERE entity_key IN ? AND
 * feature_name IN ?}, prepared) in the same requests: one query per {@code read_batch_size} (20)
 * keys, {@code read_concurrency / read_batch_size} (100 / 20 = 5) queries in flight, the next sent
 * as one completes (the store's defaults), reading every column of every row and decoding nothing:
 * the floor for Feast's layout on this server.
 */
final class CassandraReaders implements AutoCloseable {
    /** The store's default {@code read_batch_size}: keys per query. */
    static final int BATCH = CassandraStoreConfig.DEFAULT_READ_BATCH_SIZE;
    /** Queries in flight: the store's default {@code read_concurrency} (partition reads in flight) over the batch size. */
    static final int IN_FLIGHT = Math.max(1, CassandraStoreConfig.DEFAULT_CONCURRENCY / BATCH);

    private final BackendEnvironment env;
    private final OnlineStore store;
    private final FeatureView view;
    private final List<EntityKey> requestKeys;
    private final List<String> featureNames;
    private final CqlSession raw;
    private final PreparedStatement select;

    CassandraReaders(int keys, int features) {
        env = Environments.start("cassandra");
        store = Environments.open(env, "bench");
        view = BenchData.view("cassandra_read_" + features, features);
        List<EntityKey> all = BenchData.load(store, view, 500);
        requestKeys = all.subList(0, keys);
        featureNames = view.featureNames();
        BenchData.checkComplete("cassandra", larder(), keys, featureNames);

        String dc = (String) ((java.util.Map<?, ?>) env.storeOptions().get("load_balancing")).get("local_dc");
        // The store's request timeout (10 s) rather than the driver's 2 s, which a loaded machine exceeds.
        raw = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", env.serverPort())).withLocalDatacenter(dc)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, CassandraStoreConfig.DEFAULT_REQUEST_TIMEOUT).build())
                .build();
        // Feast's table name <project>_<view> in the store's keyspace (CassandraCql.selectValues).
        select = raw.prepare("SELECT entity_key, feature_name, value, event_ts FROM \"" + env.storeOptions().get("keyspace")
                + "\".\"bench_" + view.name() + "\" WHERE entity_key IN ? AND feature_name IN ?");
        int rows = raw(new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
        if (rows != keys * features) {
            throw new IllegalStateException("the raw driver read " + rows + " rows; expected " + keys * features);
        }
    }

    List<OnlineRow> larder() {
        return store.read(view, requestKeys, featureNames);
    }

    /**
     * Serializes the keys to hex, sends one query per {@link #BATCH} keys with {@link #IN_FLIGHT} in
     * flight (each lane sends the next batch when its query's last page is read), and reads every
     * column of every row of every page.
     */
    int raw(Blackhole bh) {
        List<String> hexes = new ArrayList<>(requestKeys.size());
        for (EntityKey k : requestKeys) hexes.add(EntityKeyCodec.hex(EntityKeyCodec.serialize(k)));
        int batches = (hexes.size() + BATCH - 1) / BATCH;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger rows = new AtomicInteger();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < Math.min(IN_FLIGHT, batches); lane++) lanes.add(lane(hexes, batches, next, rows, bh));
        for (CompletableFuture<Void> l : lanes) l.join();
        return rows.get();
    }

    /** Runs batches one after another, taking the next unsent one each time, until none is left. */
    private CompletableFuture<Void> lane(List<String> hexes, int batches, AtomicInteger next, AtomicInteger rows, Blackhole bh) {
        int b = next.getAndIncrement();
        if (b >= batches) return CompletableFuture.completedFuture(null);
        List<String> batch = hexes.subList(b * BATCH, Math.min(hexes.size(), (b + 1) * BATCH));
        return raw.executeAsync(select.bind(batch, featureNames).setIdempotent(true)).toCompletableFuture()
                .thenCompose(rs -> drain(rs, bh, 0))
                .thenCompose(n -> {
                    rows.addAndGet(n);
                    return lane(hexes, batches, next, rows, bh);
                });
    }

    private static CompletionStage<Integer> drain(AsyncResultSet rs, Blackhole bh, int before) {
        int n = before;
        for (Row row : rs.currentPage()) {
            bh.consume(row.getString(0));
            bh.consume(row.getString(1));
            bh.consume(row.getByteBuffer(2));
            bh.consume(row.getInstant(3));
            n++;
        }
        if (!rs.hasMorePages()) return CompletableFuture.completedFuture(n);
        int sofar = n;
        return rs.fetchNextPage().thenCompose(next -> drain(next, bh, sofar));
    }

    @Override
    public void close() {
        try {
            if (raw != null) raw.close();
            store.close();
        } finally {
            env.close();
        }
    }
}
