package dev.larder.benchmarks;

import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.Filters;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.store.bigtable.BigtableLayout;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;

/**
 * The two Bigtable readers the benchmarks compare, on one emulator holding 500 keys of a view:
 * Larder's {@code OnlineStore.read}, and the raw data client sending the same ReadRows request
 * (the same row keys, built the same way, and the same filter as the store's read) and touching
 * every cell's value without decoding it: the floor for this layout on this server. Every feature
 * is read, as the facade reads a view's features.
 */
final class BigtableReaders implements AutoCloseable {
    private final BackendEnvironment env;
    private final OnlineStore store;
    private final FeatureView view;
    private final String table;
    private final List<EntityKey> requestKeys;
    private final List<String> featureNames;
    private final BigtableDataClient raw;

    BigtableReaders(int keys, int features) {
        env = Environments.start("bigtable");
        store = Environments.open(env, "bench");
        view = BenchData.view("bigtable_read_" + features, features);
        List<EntityKey> all = BenchData.load(store, view, 500);
        table = BigtableLayout.tableName("bench", view);
        requestKeys = all.subList(0, keys);
        featureNames = view.featureNames();
        BenchData.checkComplete("bigtable", larder(), keys, featureNames);
        try {
            raw = BigtableDataClient.create(BigtableDataSettings.newBuilderForEmulator("127.0.0.1", env.serverPort())
                    .setProjectId((String) env.storeOptions().get("project_id")).setInstanceId((String) env.storeOptions().get("instance")).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int cells = raw(new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
        if (cells != keys * (features + 2)) { // the features, event_ts and Larder's order cell
            throw new IllegalStateException("the raw client read " + cells + " cells; expected " + keys * (features + 2));
        }
    }

    List<OnlineRow> larder() {
        return store.read(view, requestKeys, featureNames);
    }

    /**
     * Builds the row keys and the filter, sends the ReadRows and touches every cell: the store's read
     * minus decoding. The rows are gathered by the client's unary {@code all()} callable, the
     * quickest way it offers to read a known set of rows (iterating {@code readRows(query)} instead
     * hands every row from the transport thread to the caller's, measured 1.6× slower at 100 keys).
     */
    int raw(Blackhole bh) {
        Query query = Query.create(TableId.of(table));
        for (EntityKey k : requestKeys) query.rowKey(ByteString.copyFromUtf8(EntityKeyCodec.entityId(k) + "#" + view.name()));
        query.filter(filter());
        int cells = 0;
        for (Row row : raw.readRowsCallable().all().call(query)) {
            for (RowCell c : row.getCells()) {
                bh.consume(c.getValue());
                cells++;
            }
        }
        return cells;
    }

    /**
     * The store's read filter for a read of every feature of a view without expiry (see
     * {@code BigtableReader.readFilter}), written out with the client's API: the two newest cells of
     * each column.
     */
    private static Filters.Filter filter() {
        return FILTERS.chain().filter(FILTERS.limit().cellsPerColumn(2));
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
