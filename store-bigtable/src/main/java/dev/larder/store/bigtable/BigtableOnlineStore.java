package dev.larder.store.bigtable;

import dev.larder.spi.Capability;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.ViewRead;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Feast's Bigtable layout (see {@link BigtableLayout}) on google-cloud-bigtable: the SPI's entry
 * point, handing each job to its class: {@link BigtableClients} (the data and table-admin clients,
 * bounded calls, errors), {@link BigtableWriter}, {@link BigtableReader} and
 * {@link BigtableInfrastructure} (tables, GC rules, plan, teardown).
 *
 * <p>Every cell of a row is written with the row's event time as its Bigtable timestamp, so the
 * newest event wins whatever the arrival order, natively and atomically (each row's cells are one
 * atomic mutation; Bigtable keeps versions and reads return the newest).
 */
public final class BigtableOnlineStore implements OnlineStore {
    private final String project;
    private final BigtableStoreConfig config;
    private final BigtableClients clients;
    private final BigtableWriter writer;
    private final BigtableReader reader;
    private final BigtableInfrastructure infrastructure;
    private volatile boolean closed;

    BigtableOnlineStore(String project, BigtableStoreConfig config, Clock clock) {
        this.project = project;
        this.config = config;
        this.clients = new BigtableClients(config);
        this.writer = new BigtableWriter(clients);
        this.reader = new BigtableReader(clients, config, clock, this::tableName);
        this.infrastructure = new BigtableInfrastructure(clients, config, this::tableName);
    }

    @Override
    public Set<Capability> capabilities() {
        return new BigtableStoreProvider().capabilities().keySet();
    }

    @Override
    public ChronoUnit eventTimePrecision() {
        return ChronoUnit.MICROS;
    }

    String tableName(FeatureView view) {
        return BigtableLayout.tableName(project, view);
    }

    @Override
    public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        checkOpen();
        BigtableLayout.checkView(view);
        writer.write(view, tableName(view), rows, progress);
    }

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        return BigtableClients.await(readAsync(view, keys, features));
    }

    @Override
    public CompletableFuture<List<OnlineRow>> readAsync(FeatureView view, List<EntityKey> keys, List<String> features) {
        return readViewsAsync(List.of(new ViewRead(view, features)), keys).thenApply(r -> r.get(0));
    }

    /** Views in the same table are read together: one ReadRows call per table, all tables at once. */
    @Override
    public List<List<OnlineRow>> readViews(List<ViewRead> reads, List<EntityKey> keys) {
        return BigtableClients.await(readViewsAsync(reads, keys));
    }

    @Override
    public CompletableFuture<List<List<OnlineRow>>> readViewsAsync(List<ViewRead> reads, List<EntityKey> keys) {
        try {
            checkOpen();
            for (ViewRead r : reads) BigtableLayout.checkView(r.view());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return reader.read(reads, keys);
    }

    @Override
    public void update(InfraChange change) {
        checkOpen();
        infrastructure.update(change);
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        checkOpen();
        return infrastructure.plan(change);
    }

    @Override
    public void teardown(List<FeatureView> views) {
        checkOpen();
        infrastructure.teardown(views);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(clients.where() + " is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        clients.close();
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
