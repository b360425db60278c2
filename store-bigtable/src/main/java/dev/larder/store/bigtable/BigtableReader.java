package dev.larder.store.bigtable;

import com.google.cloud.bigtable.data.v2.models.Filters;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.Value;
import dev.larder.spi.ViewRead;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.Timestamps;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.DistinctKeys;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;
import static dev.larder.store.bigtable.BigtableLayout.EVENT_TS;
import static dev.larder.store.bigtable.BigtableLayout.EVENT_TS_QUALIFIER;
import static dev.larder.store.bigtable.BigtableLayout.FAMILY;

/**
 * Reads views for keys: one ReadRows call per table for all keys and all views of the request in
 * that table, filtered to the newest cell of the requested qualifiers and the two newest
 * {@code event_ts} cells; a feature cell no newer than the previous event belongs to an older row
 * and is hidden, so a row never mixes events.
 */
final class BigtableReader {
    private final BigtableClients clients;
    private final BigtableStoreConfig config;
    private final Clock clock;
    private final Function<FeatureView, String> tableOf;

    BigtableReader(BigtableClients clients, BigtableStoreConfig config, Clock clock, Function<FeatureView, String> tableOf) {
        this.clients = clients;
        this.config = config;
        this.clock = clock;
        this.tableOf = tableOf;
    }

    CompletableFuture<List<List<OnlineRow>>> read(List<ViewRead> reads, List<EntityKey> keys) {
        DistinctKeys distinct = DistinctKeys.of(keys);
        List<String> entityIds = new ArrayList<>(distinct.size());
        for (EntityKey k : distinct.keys()) entityIds.add(EntityKeyCodec.entityId(k));
        OnlineRow[][] results = new OnlineRow[reads.size()][];
        if (keys.isEmpty()) {
            for (int r = 0; r < reads.size(); r++) results[r] = new OnlineRow[0];
            return CompletableFuture.completedFuture(expand(results, distinct));
        }
        Map<String, List<Integer>> byTable = new LinkedHashMap<>();
        for (int r = 0; r < reads.size(); r++) {
            byTable.computeIfAbsent(tableOf.apply(reads.get(r).view()), t -> new ArrayList<>()).add(r);
        }
        long now = Timestamps.toMicros(clock.instant());
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> group : byTable.entrySet()) {
            String table = group.getKey();
            Set<String> views = new LinkedHashSet<>();
            Set<String> qualifiers = new TreeSet<>();
            boolean everyFeature = true;
            boolean unbounded = false;
            long earliest = Long.MAX_VALUE;
            for (int r : group.getValue()) {
                ViewRead read = reads.get(r);
                views.add(read.view().name());
                qualifiers.addAll(read.features());
                everyFeature &= read.features().containsAll(read.view().featureNames());
                long bound = oldestKept(read.view(), now);
                if (bound == Long.MIN_VALUE) unbounded = true;
                else earliest = Math.min(earliest, bound);
            }
            Query query = Query.create(TableId.of(table));
            for (String view : views) {
                for (String id : entityIds) query.rowKey(ByteString.copyFromUtf8(id + "#" + view));
            }
            query.filter(readFilter(everyFeature ? null : qualifiers, unbounded ? Long.MIN_VALUE : earliest));
            String what = "read " + entityIds.size() + " keys of view(s) " + views + " from table '" + table + "'";
            calls.add(clients.call(clients.data().readRowsCallable().all().futureCall(query), Operation.READ, table, what).thenAccept(rows -> {
                Map<ByteString, Row> byKey = new HashMap<>(rows.size() * 2);
                for (Row row : rows) byKey.put(row.getKey(), row);
                for (int r : group.getValue()) {
                    ViewRead read = reads.get(r);
                    long bound = oldestKept(read.view(), now);
                    Map<ByteString, String> wanted = new HashMap<>(read.features().size() * 2);
                    for (String f : read.features()) wanted.put(ByteString.copyFromUtf8(f), f);
                    OnlineRow[] out = new OnlineRow[entityIds.size()];
                    for (int d = 0; d < out.length; d++) {
                        Row row = byKey.get(ByteString.copyFromUtf8(entityIds.get(d) + "#" + read.view().name()));
                        out[d] = row == null ? OnlineRow.ABSENT : decode(row, wanted, bound);
                    }
                    results[r] = out;
                }
            }));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture[0])).thenApply(v -> expand(results, distinct));
    }

    private static List<List<OnlineRow>> expand(OnlineRow[][] results, DistinctKeys distinct) {
        List<List<OnlineRow>> out = new ArrayList<>(results.length);
        for (OnlineRow[] perDistinct : results) out.add(distinct.expand(perDistinct));
        return out;
    }

    /** The oldest cell timestamp a read of this view returns: unbounded unless expired data is deleted. */
    private long oldestKept(FeatureView view, long nowMicros) {
        if (!config.deleteExpiredData() || view.maxAge().isEmpty()) return Long.MIN_VALUE;
        return nowMicros - Timestamps.toMicros(Instant.EPOCH.plus(view.maxAge().get()));
    }

    /**
     * The two newest cells of each column (the second {@code event_ts} dates the previous row),
     * within the time range (with expiry), of the requested qualifiers and {@code event_ts}; with
     * {@code features} null (every feature of the views requested), of every qualifier. No family
     * filter: family {@code larder} holds one small cell per row, which decoding skips. Regex
     * filters (family and qualifier filters are regexes) are avoided when they select nothing
     * the row does not hold anyway: the emulator evaluates them at about 50 µs a cell.
     */
    static Filters.Filter readFilter(Set<String> features, long oldestMicros) {
        Filters.ChainFilter chain = FILTERS.chain();
        if (oldestMicros != Long.MIN_VALUE) {
            chain.filter(FILTERS.timestamp().range().startClosed(Math.max(0, oldestMicros)));
        }
        if (features != null) {
            Set<String> named = new TreeSet<>(features);
            named.add(EVENT_TS);
            chain.filter(FILTERS.qualifier().regex(BigtableLayout.qualifierRegex(named)));
        }
        return chain.filter(FILTERS.limit().cellsPerColumn(2));
    }

    /**
     * One stored row: the newest event's time and those requested features written with it. Cells
     * come in column order, newest first within a column: the first cell of a feature is its
     * newest; it belongs to an older row, and is hidden, when it is no newer than the second
     * {@code event_ts} (only rows Feast wrote have one: Larder's writes replace the row).
     */
    private static OnlineRow decode(Row row, Map<ByteString, String> wanted, long oldestMicros) {
        List<RowCell> cells = row.getCells();
        int[] block = featureBlock(cells);
        ByteString eventValue = null;
        long newest = Long.MIN_VALUE;
        long previous = Long.MIN_VALUE;
        for (int i = block[0]; i < block[1]; i++) {
            RowCell c = cells.get(i);
            if (!c.getQualifier().equals(EVENT_TS_QUALIFIER)) continue;
            if (eventValue == null) {
                eventValue = c.getValue();
                newest = c.getTimestamp();
            } else {
                previous = c.getTimestamp();
                break;
            }
        }
        if (eventValue == null || newest < oldestMicros) {
            return OnlineRow.ABSENT;
        }
        Map<String, Value> values = new HashMap<>(wanted.size() * 2);
        byte[] scratch = new byte[256];
        ByteString last = null;
        for (int i = block[0]; i < block[1]; i++) {
            RowCell c = cells.get(i);
            ByteString q = c.getQualifier();
            if (q.equals(last)) continue; // an older version of the column just read
            last = q;
            String name = wanted.get(q);
            if (name != null && c.getTimestamp() > previous) {
                ByteString v = c.getValue();
                if (v.size() > scratch.length) scratch = new byte[Math.max(v.size(), scratch.length * 2)];
                v.copyTo(scratch, 0); // into one buffer per row: no array per cell
                values.put(name, ValueCodec.decode(scratch, 0, v.size()));
            }
        }
        return OnlineRow.of(Timestamps.parsePython(eventValue.toStringUtf8()), values);
    }

    /**
     * {@code [from, to)} of the cells of family {@code features}: one block, as cells come ordered
     * by family. The client hands consecutive cells of a family the same String, so names are
     * compared once per block.
     */
    private static int[] featureBlock(List<RowCell> cells) {
        int from = -1;
        String family = null;
        for (int i = 0; i < cells.size(); i++) {
            String f = cells.get(i).getFamily();
            if (f == family) continue;
            family = f;
            boolean features = f.equals(FAMILY);
            if (features && from < 0) from = i;
            else if (!features && from >= 0) return new int[] {from, i};
        }
        return from < 0 ? new int[] {0, 0} : new int[] {from, cells.size()};
    }
}
