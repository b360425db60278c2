package dev.larder.store.bigtable;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.admin.v2.models.ColumnFamily;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.admin.v2.models.GCRules;
import com.google.cloud.bigtable.admin.v2.models.ModifyColumnFamiliesRequest;
import com.google.cloud.bigtable.admin.v2.models.Table;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.BulkMutation;
import com.google.cloud.bigtable.data.v2.models.Filters;
import com.google.cloud.bigtable.data.v2.models.MutateRowsException;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.RowMutationEntry;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.larder.spi.Durations;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;
import dev.larder.spi.ViewRead;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.support.InFlight;
import dev.larder.spi.support.DistinctKeys;
import dev.larder.spi.codec.Timestamps;
import dev.larder.spi.codec.ValueCodec;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static com.google.cloud.bigtable.admin.v2.models.GCRules.GCRULES;
import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;
import static dev.larder.store.bigtable.BigtableLayout.EVENT_TS;
import static dev.larder.store.bigtable.BigtableLayout.EVENT_TS_QUALIFIER;
import static dev.larder.store.bigtable.BigtableLayout.FAMILY;

/**
 * Feast's Bigtable layout (see {@link BigtableLayout}) on google-cloud-bigtable: one data client and
 * one table-admin client per store.
 *
 * <p>Every cell of a row is written with the row's event time as its Bigtable timestamp, so the
 * newest event wins whatever the arrival order, natively and atomically (each row's cells are one
 * atomic mutation; Bigtable keeps versions and reads return the newest). A read is one ReadRows call
 * for all keys of a request (and of all requested views that share a table), filtered to the newest
 * cell of the requested qualifiers and the two newest {@code event_ts} cells: a feature cell no
 * newer than the previous event belongs to an older row and is hidden, so a row never mixes events.
 */
public final class BigtableOnlineStore implements OnlineStore {
    @Override
    public java.util.Set<dev.larder.spi.Capability> capabilities() {
        return new BigtableStoreProvider().capabilities().keySet();
    }

    @Override
    public java.time.temporal.ChronoUnit eventTimePrecision() {
        return java.time.temporal.ChronoUnit.MICROS;
    }

    /** Mutations per MutateRows request: Feast's MUTATIONS_PER_OP, half of Bigtable's 100,000 limit. */
    static final int MUTATIONS_PER_BATCH = 50_000;
    /** MutateRows requests of one write in flight at once. */
    static final int BATCHES_IN_FLIGHT = 4;
    /** Rows per ReadRows page when scanning a table (update and teardown). */
    static final int SCAN_PAGE = 10_000;

    private final String project;
    private final BigtableStoreConfig config;
    private final BigtableDataClient data;
    private final BigtableTableAdminClient admin;
    private final Clock clock;
    private volatile boolean closed;

    BigtableOnlineStore(String project, BigtableStoreConfig config, Clock clock) {
        this.project = project;
        this.config = config;
        this.clock = clock;
        BigtableDataClient d = null;
        try {
            d = BigtableDataClient.create(dataSettings(config));
            this.data = d;
            this.admin = BigtableTableAdminClient.create(adminSettings(config));
        } catch (IOException | RuntimeException e) {
            if (d != null) d.close();
            throw new IllegalStateException(where() + ": cannot create the Bigtable clients: " + e.getMessage(), e);
        }
    }

    static BigtableDataSettings dataSettings(BigtableStoreConfig config) {
        BigtableDataSettings.Builder b;
        if (config.emulatorHost().isPresent()) {
            String[] hp = BigtableStoreConfig.parseHostPort(config.emulatorHost().get());
            b = BigtableDataSettings.newBuilderForEmulator(hp[0], Integer.parseInt(hp[1]));
        } else {
            b = BigtableDataSettings.newBuilder();
        }
        b.setProjectId(config.projectId()).setInstanceId(config.instance());
        config.appProfileId().ifPresent(b::setAppProfileId);
        // Bound each call by request_timeout, retries included; await() enforces it as well.
        var stub = b.stubSettings();
        stub.readRowsSettings().setRetrySettings(bounded(stub.readRowsSettings().getRetrySettings(), config.requestTimeout()));
        stub.bulkMutateRowsSettings().setRetrySettings(bounded(stub.bulkMutateRowsSettings().getRetrySettings(), config.requestTimeout()));
        return b.build();
    }

    static BigtableTableAdminSettings adminSettings(BigtableStoreConfig config) throws IOException {
        BigtableTableAdminSettings.Builder b;
        if (config.emulatorHost().isPresent()) {
            String[] hp = BigtableStoreConfig.parseHostPort(config.emulatorHost().get());
            b = BigtableTableAdminSettings.newBuilderForEmulator(hp[0], Integer.parseInt(hp[1]));
        } else {
            b = BigtableTableAdminSettings.newBuilder();
        }
        return b.setProjectId(config.projectId()).setInstanceId(config.instance()).build();
    }

    private static RetrySettings bounded(RetrySettings r, Duration timeout) {
        return r.toBuilder().setTotalTimeoutDuration(timeout).setInitialRpcTimeoutDuration(timeout)
                .setMaxRpcTimeoutDuration(timeout).build();
    }

    String tableName(FeatureView view) {
        return BigtableLayout.tableName(project, view);
    }

    // --------------------------------------------------------------------------------- write

    @Override
    public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        checkOpen();
        checkView(view);
        if (rows.isEmpty()) return;
        String table = tableName(view);
        // Within a batch only the newest row of a key can win; sending just it keeps the result
        // independent of the order in which Bigtable applies entries of one request.
        Map<ByteString, FeatureRow> newest = new LinkedHashMap<>();
        for (FeatureRow row : rows) {
            newest.merge(BigtableLayout.rowKey(row.entityKey(), view.name()), row,
                    (old, now) -> now.eventTime().isBefore(old.eventTime()) ? old : now);
        }
        Deque<CompletableFuture<Integer>> inFlight = new ArrayDeque<>();
        BulkMutation batch = BulkMutation.create(TableId.of(table));
        int mutations = 0;
        int batchRows = 0;
        for (Map.Entry<ByteString, FeatureRow> e : newest.entrySet()) {
            FeatureRow row = e.getValue();
            long ts = BigtableLayout.cellTimestamp(row.eventTime());
            RowMutationEntry entry = RowMutationEntry.create(e.getKey());
            for (Map.Entry<String, Value> f : row.values().entrySet()) {
                entry.setCell(FAMILY, ByteString.copyFromUtf8(f.getKey()), ts, ByteString.copyFrom(ValueCodec.encode(f.getValue())));
            }
            entry.setCell(FAMILY, EVENT_TS_QUALIFIER, ts, BigtableLayout.eventTsValue(row.eventTime()));
            int cells = row.values().size() + 1;
            if (batchRows > 0 && mutations + cells > MUTATIONS_PER_BATCH) {
                send(view, table, batch, batchRows, inFlight, progress);
                batch = BulkMutation.create(TableId.of(table));
                mutations = 0;
                batchRows = 0;
            }
            batch.add(entry);
            mutations += cells;
            batchRows++;
        }
        send(view, table, batch, batchRows, inFlight, progress);
        while (!inFlight.isEmpty()) {
            progress.rowsWritten(await(inFlight.poll()));
        }
        if (rows.size() > newest.size()) {
            progress.rowsWritten(rows.size() - newest.size()); // older duplicates, superseded within the batch
        }
    }

    private void send(FeatureView view, String table, BulkMutation batch, int batchRows,
                      Deque<CompletableFuture<Integer>> inFlight, ProgressListener progress) {
        if (batchRows == 0) return;
        while (inFlight.size() >= BATCHES_IN_FLIGHT) {
            progress.rowsWritten(await(inFlight.poll()));
        }
        String what = "write " + batchRows + " rows of view '" + view.name() + "' to table '" + table + "'";
        inFlight.add(call(data.bulkMutateRowsAsync(batch), what).thenApply(v -> batchRows));
    }

    // --------------------------------------------------------------------------------- read

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        return await(readAsync(view, keys, features));
    }

    @Override
    public CompletableFuture<List<OnlineRow>> readAsync(FeatureView view, List<EntityKey> keys, List<String> features) {
        return readGroups(List.of(new ViewRead(view, features)), keys).thenApply(r -> r.get(0));
    }

    /** Views in the same table are read together: one ReadRows call per table, all tables at once. */
    @Override
    public List<List<OnlineRow>> readViews(List<ViewRead> reads, List<EntityKey> keys) {
        return await(readGroups(reads, keys));
    }

    @Override
    public CompletableFuture<List<List<OnlineRow>>> readViewsAsync(List<ViewRead> reads, List<EntityKey> keys) {
        return readGroups(reads, keys);
    }

    private CompletableFuture<List<List<OnlineRow>>> readGroups(List<ViewRead> reads, List<EntityKey> keys) {
        try {
            checkOpen();
            for (ViewRead r : reads) checkView(r.view());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
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
            byTable.computeIfAbsent(tableName(reads.get(r).view()), t -> new ArrayList<>()).add(r);
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
            calls.add(call(data.readRowsCallable().all().futureCall(query), what).thenAccept(rows -> {
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
    private OnlineRow decode(Row row, Set<String> wanted, long oldestMicros) {
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

    // --------------------------------------------------------------------------------- infrastructure

    /** The family's GC rule: max_versions, and with delete_expired_data the largest ttl of the table's views. */
    GCRules.GCRule gcRule(List<FeatureView> views) {
        GCRules.GCRule versions = GCRULES.maxVersions(config.maxVersions());
        if (!config.deleteExpiredData() || views.isEmpty()) return versions;
        Duration longest = Duration.ZERO;
        for (FeatureView v : views) {
            if (v.maxAge().isEmpty()) return versions; // a view without ttl keeps its rows forever
            if (v.ttl().compareTo(longest) > 0) longest = v.ttl();
        }
        return GCRULES.union().rule(versions).rule(GCRULES.maxAge(longest.toMillis(), TimeUnit.MILLISECONDS));
    }

    private Map<String, List<FeatureView>> byTable(List<FeatureView> views) {
        Map<String, List<FeatureView>> out = new LinkedHashMap<>();
        for (FeatureView v : views) {
            checkView(v);
            out.computeIfAbsent(tableName(v), t -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** Tables of the deleted views that no kept view uses; and, per kept table, the deleted views' names. */
    private record Deletions(Set<String> tables, Map<String, Set<String>> viewRows) {
    }

    private Deletions deletions(InfraChange change, Map<String, List<FeatureView>> keep) {
        Set<String> keptViews = new HashSet<>();
        for (FeatureView v : change.viewsToKeep()) keptViews.add(v.name());
        Set<String> tables = new LinkedHashSet<>();
        Map<String, Set<String>> viewRows = new LinkedHashMap<>();
        for (FeatureView v : change.viewsToDelete()) {
            if (keptViews.contains(v.name())) continue;
            String t = tableName(v);
            if (keep.containsKey(t)) viewRows.computeIfAbsent(t, x -> new TreeSet<>()).add(v.name());
            else tables.add(t);
        }
        return new Deletions(tables, viewRows);
    }

    @Override
    public void update(InfraChange change) {
        checkOpen();
        Map<String, List<FeatureView>> keep = byTable(change.viewsToKeep());
        Deletions del = deletions(change, keep);
        for (Map.Entry<String, List<FeatureView>> e : keep.entrySet()) {
            ensureTable(e.getKey(), gcRule(e.getValue()));
        }
        for (String t : del.tables()) {
            deleteTable(t);
        }
        // The table stays for other views: remove only the deleted views' rows.
        for (Map.Entry<String, Set<String>> e : del.viewRows().entrySet()) {
            if (getTable(e.getKey()).isPresent()) {
                deleteRows(e.getKey(), scanKeys(e.getKey(), e.getValue(), null));
            }
        }
    }

    private void ensureTable(String table, GCRules.GCRule rule) {
        Optional<Table> existing = getTable(table);
        if (existing.isEmpty()) {
            try {
                await(call(admin.createTableAsync(CreateTableRequest.of(table).addFamily(FAMILY, rule)), "create table '" + table + "'"));
                return;
            } catch (BigtableStoreException e) {
                if (!(e.getCause() instanceof AlreadyExistsException)) throw e;
                existing = getTable(table); // created concurrently by another store: check its family below
                if (existing.isEmpty()) throw e;
            }
        }
        Optional<ColumnFamily> family = family(existing.get());
        if (family.isEmpty()) {
            await(call(admin.modifyFamiliesAsync(ModifyColumnFamiliesRequest.of(table).addFamily(FAMILY, rule)),
                    "create column family '" + FAMILY + "' in table '" + table + "'"));
        } else if (!sameRule(family.get(), rule)) {
            await(call(admin.modifyFamiliesAsync(ModifyColumnFamiliesRequest.of(table).updateFamily(FAMILY, rule)),
                    "set the GC rule of column family '" + FAMILY + "' in table '" + table + "'"));
        }
    }

    private static Optional<ColumnFamily> family(Table table) {
        return table.getColumnFamilies().stream().filter(f -> f.getId().equals(FAMILY)).findFirst();
    }

    private static boolean sameRule(ColumnFamily family, GCRules.GCRule rule) {
        return family.getGCRule().toProto().equals(rule.toProto());
    }

    static String describe(GCRules.GCRule rule) {
        var p = rule.toProto();
        if (p.hasMaxNumVersions()) return "max " + p.getMaxNumVersions() + " versions";
        if (p.hasMaxAge()) return "max age " + Durations.format(Duration.ofSeconds(p.getMaxAge().getSeconds(), p.getMaxAge().getNanos()));
        if (p.hasUnion()) {
            List<String> parts = new ArrayList<>();
            for (var r : p.getUnion().getRulesList()) parts.add(describe(GCRULES.fromProto(r)));
            return String.join(" or ", parts);
        }
        return p.toString().trim().isEmpty() ? "no GC" : p.toString().trim().replace('\n', ' ');
    }

    private Optional<Table> getTable(String table) {
        try {
            return Optional.of(await(call(admin.getTableAsync(table), "look up table '" + table + "'")));
        } catch (BigtableStoreException e) {
            if (e.getCause() instanceof NotFoundException) return Optional.empty();
            throw e;
        }
    }

    private void deleteTable(String table) {
        try {
            await(call(admin.deleteTableAsync(table), "delete table '" + table + "'"));
        } catch (BigtableStoreException e) {
            if (!(e.getCause() instanceof NotFoundException)) throw e;
        }
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        checkOpen();
        Map<String, List<FeatureView>> keep = byTable(change.viewsToKeep());
        Deletions del = deletions(change, keep);
        List<PlannedChange> out = new ArrayList<>();
        for (Map.Entry<String, List<FeatureView>> e : keep.entrySet()) {
            String t = e.getKey();
            GCRules.GCRule rule = gcRule(e.getValue());
            Optional<Table> existing = getTable(t);
            if (existing.isEmpty()) {
                out.add(new PlannedChange(PlannedChange.Action.CREATE, "table " + t,
                        "column family " + FAMILY + ", GC rule " + describe(rule) + ", instance " + config.instance()));
                continue;
            }
            Optional<ColumnFamily> family = family(existing.get());
            if (family.isEmpty()) {
                out.add(new PlannedChange(PlannedChange.Action.CREATE, "column family " + FAMILY + " in table " + t, "GC rule " + describe(rule)));
            } else if (!sameRule(family.get(), rule)) {
                out.add(new PlannedChange(PlannedChange.Action.CREATE, "GC rule of column family " + FAMILY + " in table " + t,
                        "replaces " + describe(family.get().getGCRule()) + " with " + describe(rule)));
            } else {
                out.add(new PlannedChange(PlannedChange.Action.UNCHANGED, "table " + t, ""));
            }
        }
        for (String t : del.tables()) {
            if (getTable(t).isPresent()) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, "table " + t, "no applied view uses it any more"));
            }
        }
        for (Map.Entry<String, Set<String>> e : del.viewRows().entrySet()) {
            if (getTable(e.getKey()).isEmpty()) continue;
            for (String v : e.getValue()) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, "rows of view " + v + " in table " + e.getKey(),
                        "the table stays for the other views"));
            }
        }
        return out;
    }

    /**
     * Removes the views' rows; a table left without rows of other views is deleted, as Feast's
     * teardown deletes its tables. Rows of other views in a shared table stay.
     */
    @Override
    public void teardown(List<FeatureView> views) {
        checkOpen();
        for (Map.Entry<String, List<FeatureView>> e : byTable(views).entrySet()) {
            String table = e.getKey();
            if (getTable(table).isEmpty()) continue;
            Set<String> names = new HashSet<>();
            for (FeatureView v : e.getValue()) names.add(v.name());
            boolean[] others = new boolean[1];
            List<ByteString> mine = scanKeys(table, null, key -> {
                if (!names.contains(BigtableLayout.viewOf(key))) others[0] = true;
            });
            if (others[0]) {
                List<ByteString> own = new ArrayList<>();
                for (ByteString k : mine) if (names.contains(BigtableLayout.viewOf(k))) own.add(k);
                deleteRows(table, own);
            } else {
                deleteTable(table);
            }
        }
    }

    /**
     * Row keys of a table, page by page, values stripped. With {@code views}, only those views' rows
     * (filtered by Bigtable); every key seen is also passed to {@code seen}.
     */
    private List<ByteString> scanKeys(String table, Set<String> views, java.util.function.Consumer<ByteString> seen) {
        Filters.ChainFilter filter = FILTERS.chain();
        if (views != null) {
            List<String> escaped = new ArrayList<>();
            for (String v : views) escaped.add(BigtableLayout.literal(v));
            filter.filter(FILTERS.key().regex("^[^#]*#(?:" + String.join("|", escaped) + ")$"));
        }
        filter.filter(FILTERS.limit().cellsPerRow(1)).filter(FILTERS.value().strip());
        Query.QueryPaginator pages = Query.create(TableId.of(table)).filter(filter).createPaginator(SCAN_PAGE);
        List<ByteString> keys = new ArrayList<>();
        while (true) {
            List<Row> rows = await(call(data.readRowsCallable().all().futureCall(pages.getNextQuery()), "scan the row keys of table '" + table + "'"));
            for (Row r : rows) {
                keys.add(r.getKey());
                if (seen != null) seen.accept(r.getKey());
            }
            if (rows.size() < SCAN_PAGE || !pages.advance(rows.get(rows.size() - 1).getKey())) break;
        }
        return keys;
    }

    private void deleteRows(String table, List<ByteString> keys) {
        for (int from = 0; from < keys.size(); from += MUTATIONS_PER_BATCH) {
            BulkMutation bulk = BulkMutation.create(TableId.of(table));
            for (ByteString k : keys.subList(from, Math.min(keys.size(), from + MUTATIONS_PER_BATCH))) {
                bulk.add(RowMutationEntry.create(k).deleteRow());
            }
            await(call(data.bulkMutateRowsAsync(bulk), "delete " + bulk.getEntryCount() + " rows from table '" + table + "'"));
        }
    }

    // --------------------------------------------------------------------------------- calls and errors

    /** The client's future as a CompletableFuture bounded by request_timeout, failing with a clear message. */
    private <T> CompletableFuture<T> call(ApiFuture<T> future, String what) {
        CompletableFuture<T> cf = new CompletableFuture<>();
        ApiFutures.addCallback(future, new ApiFutureCallback<T>() {
            @Override
            public void onFailure(Throwable t) {
                cf.completeExceptionally(failure(what, t));
            }

            @Override
            public void onSuccess(T result) {
                cf.complete(result);
            }
        }, MoreExecutors.directExecutor());
        Duration timeout = config.requestTimeout();
        return cf.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).exceptionally(e -> {
            Throwable cause = InFlight.unwrap(e);
            if (cause instanceof TimeoutException) {
                future.cancel(true);
                throw new BigtableStoreException(where() + ": cannot " + what + ": no answer within request_timeout "
                        + Durations.format(timeout) + "; check that " + config.endpoint() + " is reachable", cause);
            }
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            throw new CompletionException(cause);
        });
    }

    private BigtableStoreException failure(String what, Throwable t) {
        if (t instanceof BigtableStoreException) return (BigtableStoreException) t;
        String hint = "";
        if (t instanceof NotFoundException && !what.startsWith("look up") && !what.startsWith("delete table")) {
            hint = " (run 'larder apply' to create the tables)";
        }
        String detail = t.getMessage();
        Throwable root = t;
        if (t instanceof MutateRowsException m && !m.getFailedMutations().isEmpty()) {
            ApiException first = m.getFailedMutations().get(0).getError();
            detail = m.getFailedMutations().size() + " rows failed, first: " + (first == null ? "?" : first.getMessage());
            if (first != null) root = first;
        } else if (t instanceof CancellationException) {
            detail = "cancelled";
        }
        if (root instanceof com.google.api.gax.rpc.UnavailableException || root instanceof com.google.api.gax.rpc.DeadlineExceededException) {
            hint = " (check that " + config.endpoint() + " is reachable; request_timeout " + Durations.format(config.requestTimeout()) + ")";
        }
        return new BigtableStoreException(where() + ": cannot " + what + ": " + detail + hint, t);
    }

    /** Waits for a bounded call; a failure is rethrown as it is (with its clear message). */
    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) throw (RuntimeException) c;
            if (c instanceof Error) throw (Error) c;
            throw e;
        }
    }

    private String where() {
        return "Bigtable store (" + config.endpoint() + ", project " + config.projectId() + ", instance " + config.instance() + ")";
    }

    private static void checkView(FeatureView view) {
        if (view.feature(EVENT_TS).isPresent()) {
            throw new IllegalArgumentException("Feature view '" + view.name() + "' has a feature named '" + EVENT_TS
                    + "'; Feast's Bigtable layout reserves that column for the event time: rename the feature");
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(where() + " is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            data.close();
        } finally {
            admin.close();
        }
    }

    @Override
    public String toString() {
        return "BigtableOnlineStore{project=" + project + ", " + config + "}";
    }

    /** A Bigtable call failed or timed out; the message names the endpoint, the operation and the table. */
    public static final class BigtableStoreException extends IllegalStateException {
        BigtableStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
