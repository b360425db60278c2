package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.InFlight;
import dev.larder.spi.support.NewestWins;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes rows under the newest-wins rule. A write call keeps each key's newest row
 * ({@link NewestWins#latestPerKey}), reads what the keys hold now (times and cells' write
 * timestamps, in batches), drops rows that would not replace the stored row, stamps the rest
 * ({@link CellTimestamps}) and sends one single-partition {@code UNLOGGED} batch per key: an
 * insert per feature and, for a row with only some of the view's features, a delete of the others
 * at the same timestamp, so the row replaces the stored one whole. Batches are atomic and isolated
 * per partition on each replica, and idempotent (their timestamps are fixed before sending).
 */
final class CassandraWriter {
    /** The protocol's limit on statements in one batch. */
    static final int MAX_BATCH_STATEMENTS = 65_535;

    private final CqlSession session;
    private final CassandraCql cql;
    private final PreparedStatements prepared;
    private final CassandraReader reader;
    private final CellTimestamps stamps;
    private final NewestWins rule;
    private final int concurrency;
    private final String where;

    CassandraWriter(CqlSession session, CassandraCql cql, PreparedStatements prepared, CassandraReader reader,
                    CellTimestamps stamps, NewestWins rule, int concurrency, String where) {
        this.session = session;
        this.cql = cql;
        this.prepared = prepared;
        this.reader = reader;
        this.stamps = stamps;
        this.rule = rule;
        this.concurrency = concurrency;
        this.where = where;
    }

    void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        List<FeatureRow> latest = rule.latestPerKey(view, rows); // range checks first: nothing written on a bad time
        if (latest.isEmpty()) return;
        String resource = "table " + cql.qualifiedTable(view) + " on " + where;
        List<String> hexes = new ArrayList<>(latest.size());
        Map<String, Integer> rowsPerKey = new HashMap<>(latest.size() * 2);
        for (FeatureRow r : latest) hexes.add(CassandraReader.keyHex(r.entityKey()));
        for (FeatureRow r : rows) rowsPerKey.merge(CassandraReader.keyHex(r.entityKey()), 1, Integer::sum);

        Map<String, StoredRow> stored;
        PreparedStatement insert;
        PreparedStatement delete;
        try {
            CompletableFuture<Map<String, StoredRow>> reading = reader.stored(view, hexes, rule);
            CompletableFuture<PreparedStatement> inserting = prepared.get(cql.insert(view));
            CompletableFuture<PreparedStatement> deleting = prepared.get(cql.deleteFeatures(view));
            stored = reading.join();
            insert = inserting.join();
            delete = deleting.join();
        } catch (CompletionException e) {
            throw CassandraFailures.of(OnlineStoreException.Operation.WRITE, resource,
                    "reading the stored rows of " + hexes.size() + " keys of feature view '" + view.name() + "' before writing", e);
        }

        List<Planned> planned = new ArrayList<>(latest.size());
        List<String> hidden = new ArrayList<>();
        long settled = 0;
        for (int i = 0; i < latest.size(); i++) {
            FeatureRow row = latest.get(i);
            String hex = hexes.get(i);
            StoredRow s = stored.get(hex);
            if (s != null && !rule.replaces(row.eventTime(), row.createdTime(), s.eventTime(), s.createdTime())) {
                settled += rowsPerKey.get(hex); // the stored row is newer: nothing to write
                continue;
            }
            long stamp = stamps.stamp(row, s);
            if (stamp == Long.MIN_VALUE) {
                if (hidden.size() < 3) hidden.add(row.entityKey() + " (event time " + rule.truncate(row.eventTime())
                        + ", stored cells written at " + CellTimestamps.instant(s.writeTime()) + ")");
                continue;
            }
            planned.add(new Planned(hex, row, stamp, rowsPerKey.get(hex)));
        }
        if (!hidden.isEmpty()) {
            throw new OnlineStoreException(CassandraFailures.STORE_TYPE, OnlineStoreException.Operation.WRITE, resource, false,
                    "nothing written: with write_timestamp: event_time, newer rows of feature view '" + view.name()
                            + "' would be hidden by stored cells written later than their event time (by Feast, or with write_timestamp: now),"
                            + " e.g. " + String.join("; ", hidden) + "; write this table with write_timestamp: now");
        }
        if (settled > 0) progress.rowsWritten(settled);

        AtomicLong done = new AtomicLong(settled);
        CompletableFuture<Void> all = InFlight.run(planned.size(), concurrency, i -> {
            Planned p = planned.get(i);
            return send(view, insert, delete, p).thenRun(() -> {
                done.addAndGet(p.inputRows);
                progress.rowsWritten(p.inputRows);
            });
        });
        try {
            all.join();
        } catch (CompletionException e) {
            throw CassandraFailures.of(OnlineStoreException.Operation.WRITE, resource,
                    rows.size() + " rows of feature view '" + view.name() + "' (" + done.get() + " of " + rows.size()
                            + " rows were written or found superseded before the failure)", e);
        }
    }

    /**
     * One batch for the key, built only when its turn comes (a large write never holds every
     * statement at once). Past the protocol's 65,535 statements (never in practice) the key's
     * statements go out as several batches, one after another.
     */
    private CompletableFuture<Void> send(FeatureView view, PreparedStatement insert, PreparedStatement delete, Planned p) {
        List<BatchableStatement<?>> statements = new ArrayList<>(p.row.values().size() + 1);
        Instant event = rule.truncate(p.row.eventTime());
        Instant created = rule.truncate(p.row.createdTime());
        for (Map.Entry<String, Value> f : p.row.values().entrySet()) {
            BoundStatementBuilder b = insert.boundStatementBuilder()
                    .setString(0, p.hex)
                    .setString(1, f.getKey())
                    .setByteBuffer(2, ByteBuffer.wrap(ValueCodec.encode(f.getValue())))
                    .setInstant(3, event);
            // created_ts stays unset when absent (binding null would write a tombstone); the
            // older created time left behind is recognised by its older write timestamp.
            if (created != null) b.setInstant(4, created);
            statements.add(b.setLong(5, p.stamp).setIdempotence(true).build());
        }
        if (NewestWins.isPartial(view, p.row)) {
            List<String> absent = new ArrayList<>();
            for (String feature : view.featureNames()) {
                if (!p.row.values().containsKey(feature)) absent.add(feature);
            }
            statements.add(delete.boundStatementBuilder().setLong(0, p.stamp).setString(1, p.hex)
                    .setList(2, absent, String.class).setIdempotence(true).build());
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

    /** A row to write: its key's hex, its stamp, and how many input rows it settles. */
    private record Planned(String hex, FeatureRow row, long stamp, int inputRows) {
    }
}
