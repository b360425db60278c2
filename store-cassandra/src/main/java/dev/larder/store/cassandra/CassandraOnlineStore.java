package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.larder.spi.Capability;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.support.NewestWins;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Feast's Cassandra layout: table {@code "<keyspace>"."<project>_<view>"}, one CQL row per
 * (entity key hex, feature), partitioned by entity key. Reads go in batches of keys
 * ({@link CassandraReader}); writes read the stored rows first and apply the newest-wins rule
 * ({@link CassandraWriter}); the schema is {@link CassandraSchema}'s.
 */
public final class CassandraOnlineStore implements OnlineStore {
    /** {@code event_ts} and {@code created_ts} are CQL TIMESTAMPs: milliseconds. */
    static final ChronoUnit PRECISION = ChronoUnit.MILLIS;

    private final CassandraStoreConfig config;
    private final CqlSession session;
    private final Set<Capability> capabilities;
    private final String where;
    private final CassandraCql cql;
    private final PreparedStatements prepared;
    private final CassandraReader reader;
    private final CassandraWriter writer;
    private final CassandraSchema schema;
    private volatile boolean closed;

    CassandraOnlineStore(String project, CassandraStoreConfig config, CqlSession session, Clock clock, Set<Capability> capabilities) {
        this.config = config;
        this.session = session;
        this.capabilities = Set.copyOf(capabilities);
        this.where = CassandraSessions.describe(config);
        this.cql = new CassandraCql(config.keyspace(), project, config.keyTtlSeconds());
        this.prepared = new PreparedStatements(session);
        this.reader = new CassandraReader(session, cql, prepared, config.readBatchSize(), config.readConcurrency());
        this.writer = new CassandraWriter(session, cql, prepared, reader, new CellTimestamps(config.writeTimestamp(), clock),
                new NewestWins(PRECISION), config.writeConcurrency(), where);
        this.schema = new CassandraSchema(session, cql, prepared, config, where);
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public ChronoUnit eventTimePrecision() {
        return PRECISION;
    }

    @Override
    public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        checkOpen();
        writer.write(view, rows, progress);
    }

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        try {
            return readAsync(view, keys, features).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            throw e;
        }
    }

    @Override
    public CompletableFuture<List<OnlineRow>> readAsync(FeatureView view, List<EntityKey> keys, List<String> features) {
        checkOpen();
        return reader.read(view, keys, features)
                // Completes on the driver's I/O thread, as the SPI allows: a hop to another pool here cost 5-25% of a read.
                .handle((rows, error) -> {
                    if (error != null) {
                        throw CassandraFailures.of(OnlineStoreException.Operation.READ, "table " + cql.qualifiedTable(view) + " on " + where,
                                keys.size() + " keys of feature view '" + view.name() + "'", error);
                    }
                    return rows;
                });
    }

    @Override
    public void update(InfraChange change) {
        checkOpen();
        schema.update(change);
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        checkOpen();
        return schema.plan(change);
    }

    @Override
    public void teardown(List<FeatureView> views) {
        checkOpen();
        schema.teardown(views);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("Cassandra store " + where + " is closed");
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
        return "CassandraOnlineStore{" + where + ", write_timestamp=" + config.writeTimestamp().option() + "}";
    }
}
