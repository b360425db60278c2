package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.Timestamps;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.DistinctKeys;
import dev.larder.spi.support.InFlight;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Feast's Cassandra layout: table {@code "<keyspace>"."<project>_<view>"}, one CQL row per
 * (entity key hex, feature), partitioned by entity key.
 *
 * <p>Newest wins natively: every cell is written {@code USING TIMESTAMP} = the row's event time in
 * microseconds, so Cassandra's own last-write-wins keeps the newest event whatever order writers,
 * retries or replicas see the writes in, without reading first. That also makes each insert
 * idempotent, so the driver may retry it safely. A write call sends one unlogged batch per entity
 * key (a single partition: atomic and isolated on each replica, and exempt from the server's
 * batch-size warning, which only applies to batches spanning partitions), with at most
 * {@code write_concurrency} batches in flight.
 *
 * <p>A read sends one prepared query per distinct entity key (a single-partition slice of only the
 * requested features: {@code feature_name IN ?}), at most {@code read_concurrency} in flight,
 * without blocking a thread; results come back in request order.
 */
public final class CassandraOnlineStore implements OnlineStore {
    @Override
    public java.util.Set<dev.larder.spi.Capability> capabilities() {
        return new CassandraStoreProvider().capabilities().keySet();
    }

    @Override
    public java.time.temporal.ChronoUnit eventTimePrecision() {
        return java.time.temporal.ChronoUnit.MILLIS;
    }

    /** Schema changes wait for agreement between nodes: give them longer than a data request. */
    static final Duration MIN_DDL_TIMEOUT = Duration.ofSeconds(60);
    /** The protocol's limit on statements in one batch. */
    static final int MAX_BATCH_STATEMENTS = 65_535;

    private final String project;
    private final CassandraStoreConfig config;
    private final CqlSession session;
    private final String where;
    /** Prepared once per table and kind, on first use; forgotten when the table is dropped. */
    private final Map<String, CompletableFuture<PreparedStatement>> prepared = new ConcurrentHashMap<>();
    private volatile boolean closed;

    CassandraOnlineStore(String project, CassandraStoreConfig config, CqlSession session) {
        this.project = project;
        this.config = config;
        this.session = session;
        this.where = "Cassandra store " + CassandraSessions.describe(config);
    }

    /** Feast's {@code _fq_table_name} without quotes: {@code <project>_<view>}. */
    String tableName(FeatureView view) {
        return project + "_" + view.name();
    }

    /** Quoted keyspace and table, as Feast writes them in CQL. */
    String qualifiedTable(FeatureView view) {
        return quote(config.keyspace()) + "." + quote(tableName(view));
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    String createTableCql(FeatureView view) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedTable(view) + " (entity_key TEXT, feature_name TEXT, value BLOB,"
                + " event_ts TIMESTAMP, created_ts TIMESTAMP, PRIMARY KEY ((entity_key), feature_name))"
                + " WITH CLUSTERING ORDER BY (feature_name ASC)";
    }

    String dropTableCql(FeatureView view) {
        return "DROP TABLE IF EXISTS " + qualifiedTable(view);
    }

    String createKeyspaceCql() {
        return "CREATE KEYSPACE IF NOT EXISTS " + quote(config.keyspace()) + " WITH replication = {'class': 'NetworkTopologyStrategy', '"
                + config.localDc().replace("'", "''") + "': " + config.replicationFactor() + "}";
    }

    String insertCql(FeatureView view) {
        return "INSERT INTO " + qualifiedTable(view) + " (entity_key, feature_name, value, event_ts, created_ts) VALUES (?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?" + (config.keyTtlSeconds() > 0 ? " AND TTL " + config.keyTtlSeconds() : "");
    }

    String selectCql(FeatureView view) {
        return "SELECT feature_name, value, event_ts FROM " + qualifiedTable(view) + " WHERE entity_key = ? AND feature_name IN ?";
    }

    // --------------------------------------------------------------------------------- write

    @Override
    public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        checkOpen();
        if (rows.isEmpty()) return;
        PreparedStatement insert = await(prepare(insertCql(view)), "write to", view);
        // One batch per partition; rows of the same key (even at different event times) share it,
        // and their cell timestamps decide which value stays.
        Map<String, List<FeatureRow>> byKey = new LinkedHashMap<>();
        for (FeatureRow row : rows) {
            byKey.computeIfAbsent(EntityKeyCodec.hex(EntityKeyCodec.serialize(row.entityKey())), k -> new ArrayList<>()).add(row);
        }
        List<Map.Entry<String, List<FeatureRow>>> partitions = new ArrayList<>(byKey.entrySet());
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> all = InFlight.run(partitions.size(), config.writeConcurrency(), i -> {
            Map.Entry<String, List<FeatureRow>> partition = partitions.get(i);
            int rowCount = partition.getValue().size();
            return writePartition(insert, partition.getKey(), partition.getValue()).thenRun(() -> {
                written.addAndGet(rowCount);
                progress.rowsWritten(rowCount);
            });
        });
        try {
            all.join();
        } catch (CompletionException e) {
            throw failure("write " + rows.size() + " rows of feature view '" + view.name() + "' to", view, InFlight.unwrap(e),
                    " (" + written.get() + " of " + rows.size() + " rows were written)");
        }
    }

    /**
     * One unlogged batch for the partition, built only when its turn comes (so a large write never
     * holds every statement at once). A batch holds at most 65,535 statements; a partition with
     * more values (never in practice) goes out as several batches, one after another.
     */
    private CompletableFuture<Void> writePartition(PreparedStatement insert, String keyHex, List<FeatureRow> rows) {
        List<BatchableStatement<?>> statements = new ArrayList<>();
        for (FeatureRow row : rows) {
            addInserts(insert, keyHex, row, statements);
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int from = 0; from < statements.size(); from += MAX_BATCH_STATEMENTS) {
            List<BatchableStatement<?>> part = statements.subList(from, Math.min(statements.size(), from + MAX_BATCH_STATEMENTS));
            Statement<?> statement = part.size() == 1 ? part.get(0)
                    : BatchStatement.newInstance(DefaultBatchType.UNLOGGED, part).setIdempotent(true);
            chain = chain.thenCompose(x -> session.executeAsync(statement).toCompletableFuture()).thenApply(rs -> null);
        }
        return chain;
    }

    private void addInserts(PreparedStatement insert, String keyHex, FeatureRow row, List<BatchableStatement<?>> out) {
        long timestamp = Timestamps.toMicros(row.eventTime());
        for (Map.Entry<String, Value> f : row.values().entrySet()) {
            BoundStatementBuilder b = insert.boundStatementBuilder()
                    .setString(0, keyHex)
                    .setString(1, f.getKey())
                    .setByteBuffer(2, ByteBuffer.wrap(ValueCodec.encode(f.getValue())))
                    .setInstant(3, row.eventTime());
            // created_ts stays unset when absent: binding null would write a tombstone.
            if (row.createdTime() != null) b.setInstant(4, row.createdTime());
            b.setLong(5, timestamp);
            out.add(b.setIdempotence(true).build());
        }
    }

    // --------------------------------------------------------------------------------- read

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        try {
            return readAsync(view, keys, features).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            throw new IllegalStateException(where + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(where + ": interrupted while reading " + qualifiedTable(view), e);
        }
    }

    @Override
    public CompletableFuture<List<OnlineRow>> readAsync(FeatureView view, List<EntityKey> keys, List<String> features) {
        checkOpen();
        DistinctKeys distinct = DistinctKeys.of(keys);
        OnlineRow[] found = new OnlineRow[distinct.size()];
        if (keys.isEmpty() || features.isEmpty()) {
            return CompletableFuture.completedFuture(distinct.expand(found));
        }
        List<String> requested = List.copyOf(new java.util.LinkedHashSet<>(features));
        return prepare(selectCql(view))
                .thenCompose(select -> InFlight.run(distinct.size(), config.readConcurrency(),
                        i -> readPartition(select, distinct.keys().get(i), requested).thenAccept(row -> found[i] = row)))
                // Completes off the driver's I/O threads, so callers' continuations never block them.
                .handleAsync((done, error) -> {
                    if (error != null) {
                        throw failure("read " + keys.size() + " keys of feature view '" + view.name() + "' from", view, InFlight.unwrap(error), "");
                    }
                    return distinct.expand(found);
                });
    }

    /** One single-partition query for the requested features of a key; null when the key has none. */
    private CompletableFuture<OnlineRow> readPartition(PreparedStatement select, EntityKey key, List<String> features) {
        Statement<?> statement = select.boundStatementBuilder()
                .setString(0, EntityKeyCodec.hex(EntityKeyCodec.serialize(key)))
                .setList(1, features, String.class)
                .setIdempotence(true).build();
        Map<String, Value> values = new HashMap<>();
        Instant[] newest = new Instant[1];
        return session.executeAsync(statement).toCompletableFuture().thenCompose(rs -> drain(rs, row -> {
            values.put(row.getString(0), ValueCodec.decode(bytes(row.getByteBuffer(1))));
            Instant t = row.getInstant(2);
            // Features of one key may carry different event times (partial rows): report the latest.
            if (t != null && (newest[0] == null || t.isAfter(newest[0]))) newest[0] = t;
        })).thenApply(x -> values.isEmpty() ? null : OnlineRow.of(newest[0] == null ? Instant.EPOCH : newest[0], values));
    }

    /** Feeds every row of every page to {@code sink}; pages beyond the first are fetched asynchronously. */
    private static CompletionStage<Void> drain(AsyncResultSet rs, Consumer<Row> sink) {
        for (Row row : rs.currentPage()) sink.accept(row);
        if (!rs.hasMorePages()) return CompletableFuture.completedFuture(null);
        return rs.fetchNextPage().thenCompose(nextPage -> drain(nextPage, sink));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) return new byte[0];
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    // --------------------------------------------------------------------------------- infrastructure

    @Override
    public void update(InfraChange change) {
        checkOpen();
        ensureKeyspace(true);
        for (FeatureView v : change.viewsToKeep()) {
            ddl(createTableCql(v), "create table " + qualifiedTable(v));
        }
        for (FeatureView v : change.viewsToDelete()) {
            dropTable(v);
        }
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        checkOpen();
        List<PlannedChange> out = new ArrayList<>();
        boolean keyspaceExists = ensureKeyspace(false);
        if (!keyspaceExists) {
            out.add(new PlannedChange(PlannedChange.Action.CREATE, "keyspace " + config.keyspace(), createKeyspaceCql()));
        }
        for (FeatureView v : change.viewsToKeep()) {
            String resource = "table " + config.keyspace() + "." + tableName(v);
            out.add(keyspaceExists && tableExists(v)
                    ? new PlannedChange(PlannedChange.Action.UNCHANGED, resource, "")
                    : new PlannedChange(PlannedChange.Action.CREATE, resource, createTableCql(v)));
        }
        for (FeatureView v : change.viewsToDelete()) {
            if (keyspaceExists && tableExists(v)) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, "table " + config.keyspace() + "." + tableName(v), dropTableCql(v)));
            }
        }
        return out;
    }

    @Override
    public void teardown(List<FeatureView> views) {
        checkOpen();
        if (!keyspaceExists()) return; // nothing to drop
        for (FeatureView v : views) dropTable(v);
    }

    private void dropTable(FeatureView v) {
        ddl(dropTableCql(v), "drop table " + qualifiedTable(v));
        prepared.remove(insertCql(v));
        prepared.remove(selectCql(v));
    }

    /**
     * Whether the keyspace exists; when it does not: creates it if {@code create} and
     * {@code create_keyspace} is set, else fails (for {@code create}) or reports false.
     */
    private boolean ensureKeyspace(boolean create) {
        if (keyspaceExists()) return true;
        if (!config.createKeyspace()) {
            throw new IllegalStateException(where + ": keyspace '" + config.keyspace() + "' does not exist; create it (e.g. "
                    + createKeyspaceCql() + ") or set create_keyspace: true");
        }
        if (create) {
            ddl(createKeyspaceCql(), "create keyspace " + quote(config.keyspace()));
            return true;
        }
        return false;
    }

    private boolean keyspaceExists() {
        return session.execute(SimpleStatement.newInstance("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
                config.keyspace())).one() != null;
    }

    private boolean tableExists(FeatureView v) {
        return session.execute(SimpleStatement.newInstance("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
                config.keyspace(), tableName(v))).one() != null;
    }

    private void ddl(String cql, String what) {
        Duration timeout = config.requestTimeout().compareTo(MIN_DDL_TIMEOUT) > 0 ? config.requestTimeout() : MIN_DDL_TIMEOUT;
        try {
            session.execute(SimpleStatement.newInstance(cql).setTimeout(timeout));
        } catch (RuntimeException e) {
            throw new IllegalStateException(where + ": cannot " + what + ": " + describe(e), e);
        }
    }

    // --------------------------------------------------------------------------------- helpers

    private CompletableFuture<PreparedStatement> prepare(String cql) {
        CompletableFuture<PreparedStatement> f = prepared.computeIfAbsent(cql, c -> session.prepareAsync(c).toCompletableFuture());
        // A failed preparation (e.g. the table does not exist yet) is not cached.
        f.whenComplete((ps, error) -> {
            if (error != null) prepared.remove(cql, f);
        });
        return f;
    }

    private PreparedStatement await(CompletableFuture<PreparedStatement> f, String what, FeatureView view) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw failure(what, view, e.getCause(), "");
        }
    }

    private RuntimeException failure(String what, FeatureView view, Throwable error, String suffix) {
        error = InFlight.unwrap(error);
        String message = where + ": cannot " + what + " table " + qualifiedTable(view) + ": " + describe(error) + suffix;
        if (error instanceof InvalidQueryException && String.valueOf(error.getMessage()).contains("unconfigured table")) {
            message += "; the table does not exist: run 'larder apply' (update) to create it";
        }
        return new IllegalStateException(message, error);
    }

    /** One line saying what went wrong, in the driver's words but without its multi-line detail. */
    static String describe(Throwable e) {
        if (e instanceof DriverTimeoutException) {
            return "no answer within request_timeout (" + e.getMessage() + ")";
        }
        if (e instanceof NoNodeAvailableException) {
            return "no Cassandra node is available (all nodes down or unreachable)";
        }
        if (e instanceof AllNodesFailedException) {
            List<String> parts = new ArrayList<>();
            ((AllNodesFailedException) e).getAllErrors().forEach((node, errors) -> {
                String last = errors.isEmpty() ? "failed" : networkCause(errors.get(errors.size() - 1));
                parts.add(node.getEndPoint() + ": " + last);
            });
            return "every node failed: " + String.join("; ", parts);
        }
        return oneLine(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** The socket-level reason (e.g. "Connection refused") buried under the driver's wrappers, else the driver's own message. */
    static String networkCause(Throwable error) {
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(error));
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) continue;
            if (t instanceof java.net.SocketException || t instanceof java.net.UnknownHostException) {
                return oneLine(t.getClass().getSimpleName() + ": " + t.getMessage());
            }
            if (t.getCause() != null) todo.add(t.getCause());
            todo.addAll(Arrays.asList(t.getSuppressed()));
        }
        return oneLine(error.getMessage());
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(where + " is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        prepared.clear();
        session.close();
    }

    @Override
    public String toString() {
        return "CassandraOnlineStore{" + CassandraSessions.describe(config) + ", project=" + project + "}";
    }
}
