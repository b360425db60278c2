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
import dev.larder.spi.support.NewestWins;

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
 * <p>Each row is written by one conditional mutation that replaces the stored row whole unless the
 * stored row is at least as new ({@link NewestWins}), atomically on the server. Backend failures
 * are {@link dev.larder.spi.OnlineStoreException}s naming the operation, the table and the endpoint.
 */
public final class BigtableOnlineStore implements OnlineStore {
    private final String project;
    private final BigtableStoreConfig config;
    private final BigtableClients clients;
    private final BigtableWriter writer;
    private final BigtableReader reader;
    private final BigtableInfrastructure infrastructure;
    private final Set<Capability> capabilities;
    private volatile boolean closed;

    BigtableOnlineStore(String project, BigtableStoreConfig config, Clock clock) {
        this(project, config, clock, BigtableInfrastructure.SCAN_PAGE);
    }

    /** @param scanPage keys per page when scanning a table (tests make it small) */
    BigtableOnlineStore(String project, BigtableStoreConfig config, Clock clock, int scanPage) {
        this.project = project;
        this.config = config;
        this.clients = new BigtableClients(config);
        this.capabilities = BigtableStoreProvider.capabilitiesOf(config);
        this.writer = new BigtableWriter(clients, new NewestWins(PRECISION));
        this.reader = new BigtableReader(clients, config, clock, this::tableName);
        this.infrastructure = new BigtableInfrastructure(clients, config, this::tableName, scanPage);
    }

    /**
     * Feast's {@code event_ts} keeps microseconds, and so does Larder's order cell: writes compare
     * at microseconds. Cell timestamps have Bigtable's millisecond granularity; they only date
     * cells for expiry, never order rows.
     */
    static final ChronoUnit PRECISION = ChronoUnit.MICROS;

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public ChronoUnit eventTimePrecision() {
        return PRECISION;
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
}
