package dev.larder.store.bigtable;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.bigtable.admin.v2.models.ColumnFamily;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.admin.v2.models.GCRules;
import com.google.cloud.bigtable.admin.v2.models.ModifyColumnFamiliesRequest;
import com.google.cloud.bigtable.admin.v2.models.Table;
import com.google.cloud.bigtable.data.v2.models.BulkMutation;
import com.google.cloud.bigtable.data.v2.models.Filters;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowMutationEntry;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.larder.spi.Durations;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.support.InFlight;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import static com.google.cloud.bigtable.admin.v2.models.GCRules.GCRULES;
import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;
import static dev.larder.store.bigtable.BigtableLayout.FAMILY;
import static dev.larder.store.bigtable.BigtableLayout.LARDER_FAMILY;

/**
 * Tables, column families and GC rules: {@code update}, {@code plan} and {@code teardown}. A table
 * is shared by the views of one entity set; a view leaving a table that stays loses only its rows.
 */
final class BigtableInfrastructure {
    /** Larder's family keeps one order cell per row (see BigtableLayout.orderValue); it never expires by age. */
    static final GCRules.GCRule LARDER_RULE = GCRULES.maxVersions(1);
    /** DeleteRow mutations per MutateRows request: Feast's MUTATIONS_PER_OP, half of Bigtable's 100,000 limit. */
    static final int DELETES_PER_BATCH = 50_000;
    /** MutateRows requests of one deletion in flight at once. */
    static final int BATCHES_IN_FLIGHT = 4;
    /** Rows per ReadRows page when scanning a table (update and teardown); also the most keys held at once. */
    static final int SCAN_PAGE = 10_000;

    private final BigtableClients clients;
    private final BigtableStoreConfig config;
    private final Function<FeatureView, String> tableOf;
    private final int scanPage;

    BigtableInfrastructure(BigtableClients clients, BigtableStoreConfig config, Function<FeatureView, String> tableOf, int scanPage) {
        this.clients = clients;
        this.config = config;
        this.tableOf = tableOf;
        this.scanPage = scanPage;
    }

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
            BigtableLayout.checkView(v);
            out.computeIfAbsent(tableOf.apply(v), t -> new ArrayList<>()).add(v);
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
            String t = tableOf.apply(v);
            if (keep.containsKey(t)) viewRows.computeIfAbsent(t, x -> new TreeSet<>()).add(v.name());
            else tables.add(t);
        }
        return new Deletions(tables, viewRows);
    }

    void update(InfraChange change) {
        Map<String, List<FeatureView>> keep = byTable(change.viewsToKeep());
        Deletions del = deletions(change, keep);
        for (Map.Entry<String, List<FeatureView>> e : keep.entrySet()) {
            ensureTable(e.getKey(), gcRule(e.getValue()));
        }
        for (String t : del.tables()) {
            deleteTable(t, Operation.UPDATE);
        }
        // The table stays for other views: remove only the deleted views' rows.
        for (Map.Entry<String, Set<String>> e : del.viewRows().entrySet()) {
            if (getTable(e.getKey(), Operation.UPDATE).isPresent()) {
                scanKeys(e.getKey(), e.getValue(), Operation.UPDATE, page -> deleteRows(e.getKey(), page, Operation.UPDATE));
            }
        }
    }

    private void ensureTable(String table, GCRules.GCRule rule) {
        Optional<Table> existing = getTable(table, Operation.UPDATE);
        if (existing.isEmpty()) {
            try {
                clients.callAndWait(clients.admin().createTableAsync(CreateTableRequest.of(table).addFamily(FAMILY, rule)
                        .addFamily(LARDER_FAMILY, LARDER_RULE)), Operation.UPDATE, table, "create table '" + table + "'");
                return;
            } catch (OnlineStoreException e) {
                if (!(e.getCause() instanceof AlreadyExistsException)) throw e;
                existing = getTable(table, Operation.UPDATE); // created concurrently by another store: check its families below
                if (existing.isEmpty()) throw e;
            }
        }
        for (FamilyChange c : familyChanges(existing.get(), rule)) {
            ModifyColumnFamiliesRequest request = ModifyColumnFamiliesRequest.of(table);
            if (c.existing() == null) request.addFamily(c.family(), c.rule());
            else request.updateFamily(c.family(), c.rule());
            clients.callAndWait(clients.admin().modifyFamiliesAsync(request), Operation.UPDATE, table,
                    (c.existing() == null ? "create column family '" : "set the GC rule of column family '") + c.family() + "' in table '" + table + "'");
        }
    }

    /** A family to create ({@code existing} null) or whose GC rule to replace. */
    private record FamilyChange(String family, GCRules.GCRule rule, GCRules.GCRule existing) {
    }

    /** What an existing table needs: family {@code features} with the rule, and Larder's family. */
    private static List<FamilyChange> familyChanges(Table table, GCRules.GCRule rule) {
        List<FamilyChange> out = new ArrayList<>();
        for (Map.Entry<String, GCRules.GCRule> wanted : List.of(Map.entry(FAMILY, rule), Map.entry(LARDER_FAMILY, LARDER_RULE))) {
            Optional<ColumnFamily> family = table.getColumnFamilies().stream().filter(f -> f.getId().equals(wanted.getKey())).findFirst();
            if (family.isEmpty()) {
                out.add(new FamilyChange(wanted.getKey(), wanted.getValue(), null));
            } else if (!family.get().getGCRule().toProto().equals(wanted.getValue().toProto())) {
                out.add(new FamilyChange(wanted.getKey(), wanted.getValue(), family.get().getGCRule()));
            }
        }
        return out;
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

    private Optional<Table> getTable(String table, Operation operation) {
        try {
            return Optional.of(clients.callAndWait(clients.admin().getTableAsync(table), operation, table, "look up table '" + table + "'"));
        } catch (OnlineStoreException e) {
            if (e.getCause() instanceof NotFoundException) return Optional.empty();
            throw e;
        }
    }

    private void deleteTable(String table, Operation operation) {
        try {
            clients.callAndWait(clients.admin().deleteTableAsync(table), operation, table, "delete table '" + table + "'");
        } catch (OnlineStoreException e) {
            if (!(e.getCause() instanceof NotFoundException)) throw e;
        }
    }

    List<PlannedChange> plan(InfraChange change) {
        Map<String, List<FeatureView>> keep = byTable(change.viewsToKeep());
        Deletions del = deletions(change, keep);
        List<PlannedChange> out = new ArrayList<>();
        for (Map.Entry<String, List<FeatureView>> e : keep.entrySet()) {
            String t = e.getKey();
            GCRules.GCRule rule = gcRule(e.getValue());
            Optional<Table> existing = getTable(t, Operation.PLAN);
            if (existing.isEmpty()) {
                out.add(new PlannedChange(PlannedChange.Action.CREATE, "table " + t, "column family " + FAMILY + ", GC rule "
                        + describe(rule) + "; column family " + LARDER_FAMILY + "; instance " + config.instance()));
                continue;
            }
            List<FamilyChange> changes = familyChanges(existing.get(), rule);
            if (changes.isEmpty()) {
                out.add(new PlannedChange(PlannedChange.Action.UNCHANGED, "table " + t, ""));
            }
            for (FamilyChange c : changes) {
                if (c.existing() == null) {
                    out.add(new PlannedChange(PlannedChange.Action.CREATE, "column family " + c.family() + " in table " + t, "GC rule " + describe(c.rule())));
                } else {
                    out.add(new PlannedChange(PlannedChange.Action.CREATE, "GC rule of column family " + c.family() + " in table " + t,
                            "replaces " + describe(c.existing()) + " with " + describe(c.rule())));
                }
            }
        }
        for (String t : del.tables()) {
            if (getTable(t, Operation.PLAN).isPresent()) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, "table " + t, "no applied view uses it any more"));
            }
        }
        for (Map.Entry<String, Set<String>> e : del.viewRows().entrySet()) {
            if (getTable(e.getKey(), Operation.PLAN).isEmpty()) continue;
            for (String v : e.getValue()) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, "rows of view " + v + " in table " + e.getKey(),
                        "the table stays for the other views"));
            }
        }
        return out;
    }

    /**
     * Removes the views' rows; a table left without rows of other views is deleted, as Feast's
     * teardown deletes its tables. Rows of other views in a shared table stay. Keys are scanned a
     * page at a time and the views' rows deleted a page at a time, so memory holds one page
     * whatever the table's size; a table found to hold only these views is then dropped whole.
     */
    void teardown(List<FeatureView> views) {
        for (Map.Entry<String, List<FeatureView>> e : byTable(views).entrySet()) {
            String table = e.getKey();
            if (getTable(table, Operation.TEARDOWN).isEmpty()) continue;
            Set<String> names = new HashSet<>();
            for (FeatureView v : e.getValue()) names.add(v.name());
            boolean[] others = new boolean[1];
            List<ByteString> pending = new ArrayList<>();
            scanKeys(table, null, Operation.TEARDOWN, page -> {
                for (ByteString key : page) {
                    if (names.contains(BigtableLayout.viewOf(key))) pending.add(key);
                    else others[0] = true;
                }
                if (pending.size() >= scanPage) { // at most two pages of keys are ever held
                    deleteRows(table, pending, Operation.TEARDOWN);
                    pending.clear();
                }
            });
            if (others[0]) {
                deleteRows(table, pending, Operation.TEARDOWN);
            } else {
                deleteTable(table, Operation.TEARDOWN); // whatever of these views' rows is left goes with it
            }
        }
    }

    /**
     * Row keys of a table, values stripped, handed over a page ({@link #scanPage} keys) at a time.
     * With {@code views}, only those views' rows (filtered by Bigtable).
     */
    private void scanKeys(String table, Set<String> views, Operation operation, Consumer<List<ByteString>> pageOfKeys) {
        Filters.ChainFilter filter = FILTERS.chain();
        if (views != null) {
            List<String> escaped = new ArrayList<>();
            for (String v : views) escaped.add(BigtableLayout.literal(v));
            filter.filter(FILTERS.key().regex("^[^#]*#(?:" + String.join("|", escaped) + ")$"));
        }
        filter.filter(FILTERS.limit().cellsPerRow(1)).filter(FILTERS.value().strip());
        Query.QueryPaginator pages = Query.create(TableId.of(table)).filter(filter).createPaginator(scanPage);
        while (true) {
            List<Row> rows = clients.callAndWait(clients.data().readRowsCallable().all().futureCall(pages.getNextQuery()), operation, table,
                    "scan the row keys of table '" + table + "'");
            List<ByteString> keys = new ArrayList<>(rows.size());
            for (Row r : rows) keys.add(r.getKey());
            if (!keys.isEmpty()) pageOfKeys.accept(keys);
            if (rows.size() < scanPage || !pages.advance(rows.get(rows.size() - 1).getKey())) break;
        }
    }

    private void deleteRows(String table, List<ByteString> keys, Operation operation) {
        int batches = (keys.size() + DELETES_PER_BATCH - 1) / DELETES_PER_BATCH;
        BigtableClients.await(InFlight.run(batches, BATCHES_IN_FLIGHT, b -> {
            BulkMutation bulk = BulkMutation.create(TableId.of(table));
            for (ByteString k : keys.subList(b * DELETES_PER_BATCH, Math.min(keys.size(), (b + 1) * DELETES_PER_BATCH))) {
                bulk.add(RowMutationEntry.create(k).deleteRow());
            }
            return clients.call(clients.data().bulkMutateRowsAsync(bulk), operation, table,
                    "delete " + bulk.getEntryCount() + " rows from table '" + table + "'");
        }));
    }
}
