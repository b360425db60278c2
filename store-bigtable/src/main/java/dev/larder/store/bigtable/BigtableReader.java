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
import java.util.HashSet;
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
            boolean unbounded = false;
            long earliest = Long.MAX_VALUE;
            for (int r : group.getValue()) {
                ViewRead read = reads.get(r);
                views.add(read.view().name());
                qualifiers.addAll(read.features());
                long bound = oldestKept(read.view(), now);
                if (bound == Long.MIN_VALUE) unbounded = true;
                else earliest = Math.min(earliest, bound);
            }
            Query query = Query.create(TableId.of(table));
            for (String view : views) {
                for (String id : entityIds) query.rowKey(ByteString.copyFromUtf8(id + "#" + view));
            }
            query.filter(readFilter(qualifiers, unbounded ? Long.MIN_VALUE : earliest));
            String what = "read " + entityIds.size() + " keys of view(s) " + views + " from table '" + table + "'";
            calls.add(clients.call(clients.data().readRowsCallable().all().futureCall(query), Operation.READ, table, what).thenAccept(rows -> {
                Map<ByteString, Row> byKey = new HashMap<>();
                for (Row row : rows) byKey.put(row.getKey(), row);
                for (int r : group.getValue()) {
                    ViewRead read = reads.get(r);
                    long bound = oldestKept(read.view(), now);
                    Set<String> wanted = new HashSet<>(read.features());
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
     * Family {@code features}; cells within the time range; the newest cell of each requested
     * qualifier and the two newest {@code event_ts} cells (the second one dates the previous row).
     */
    static Filters.Filter readFilter(Set<String> features, long oldestMicros) {
        Filters.ChainFilter chain = FILTERS.chain().filter(FILTERS.family().exactMatch(FAMILY));
        if (oldestMicros != Long.MIN_VALUE) {
            chain.filter(FILTERS.timestamp().range().startClosed(Math.max(0, oldestMicros)));
        }
        Filters.Filter eventTs = FILTERS.chain().filter(FILTERS.qualifier().exactMatch(EVENT_TS)).filter(FILTERS.limit().cellsPerColumn(2));
        Set<String> named = new TreeSet<>(features);
        named.remove(EVENT_TS);
        if (named.isEmpty()) {
            return chain.filter(eventTs);
        }
        Filters.Filter values = FILTERS.chain().filter(FILTERS.qualifier().regex(BigtableLayout.qualifierRegex(named)))
                .filter(FILTERS.limit().cellsPerColumn(1));
        return chain.filter(FILTERS.interleave().filter(values).filter(eventTs));
    }

    /** One stored row: the newest event's time and those requested features written with it. */
    private static OnlineRow decode(Row row, Set<String> wanted, long oldestMicros) {
        ByteString eventValue = null;
        long newest = Long.MIN_VALUE;
        long previous = Long.MIN_VALUE;
        List<RowCell> cells = row.getCells(FAMILY);
        for (RowCell c : cells) {
            if (!c.getQualifier().equals(EVENT_TS_QUALIFIER)) continue;
            if (c.getTimestamp() > newest) {
                previous = newest;
                newest = c.getTimestamp();
                eventValue = c.getValue();
            } else if (c.getTimestamp() > previous && c.getTimestamp() < newest) {
                previous = c.getTimestamp();
            }
        }
        if (eventValue == null || newest < oldestMicros) {
            return OnlineRow.ABSENT;
        }
        Map<String, Value> values = new HashMap<>();
        for (RowCell c : cells) {
            if (c.getQualifier().equals(EVENT_TS_QUALIFIER) || c.getTimestamp() <= previous) continue;
            String name = c.getQualifier().toStringUtf8();
            if (wanted.contains(name)) values.put(name, ValueCodec.decode(c.getValue().toByteArray()));
        }
        return OnlineRow.of(Timestamps.parsePython(eventValue.toStringUtf8()), values);
    }
}
