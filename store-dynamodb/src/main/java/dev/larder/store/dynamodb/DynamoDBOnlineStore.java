package dev.larder.store.dynamodb;

import dev.larder.spi.Capability;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.support.NewestWins;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Feast's DynamoDB layout (see {@link FeastItems}): one table per feature view, one item per
 * entity. Reads go through {@link DynamoDBReader}, writes through {@link DynamoDBWriter}, tables
 * through {@link DynamoDBTables}, all on one {@link DynamoDBConnection} closed by {@link #close()}.
 */
public final class DynamoDBOnlineStore implements OnlineStore {
    /** Feast's {@code event_ts} is Python's {@code str()} of a datetime: microseconds. */
    static final ChronoUnit PRECISION = ChronoUnit.MICROS;

    private final String project;
    private final DynamoDBStoreConfig config;
    private final DynamoDBConnection connection;
    private final DynamoDBReader reader;
    private final DynamoDBWriter writer;
    private final DynamoDBTables tables;
    private final Set<Capability> capabilities;
    private volatile boolean closed;

    private DynamoDBOnlineStore(String project, DynamoDBStoreConfig config, DynamoDBConnection connection) {
        this.project = project;
        this.config = config;
        this.connection = connection;
        DynamoDBErrors errors = new DynamoDBErrors(config.target());
        this.reader = new DynamoDBReader(connection.client(), config, errors);
        this.writer = new DynamoDBWriter(connection.client(), config, reader, new NewestWins(PRECISION), errors);
        this.tables = new DynamoDBTables(connection.client(), config.tags(), errors);
        this.capabilities = DynamoDBStoreProvider.capabilitiesOf(config);
    }

    /**
     * A store for one project: the path the provider takes, public for benchmarks and tools. Throws
     * {@link dev.larder.spi.OnlineStoreException} (CONNECT) when the SDK client cannot be created,
     * having released what it opened.
     */
    public static DynamoDBOnlineStore open(String project, DynamoDBStoreConfig config) {
        return new DynamoDBOnlineStore(project, config, DynamoDBConnection.open(config));
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public ChronoUnit eventTimePrecision() {
        return PRECISION;
    }

    public DynamoDBStoreConfig config() {
        return config;
    }

    /** The table of a view ({@code table_name_template}). */
    public String tableName(FeatureView view) {
        return config.tableName(project, view.name());
    }

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        return DynamoDBErrors.join(readAsync(view, keys, features), Operation.READ, tableName(view));
    }

    @Override
    public CompletableFuture<List<OnlineRow>> readAsync(FeatureView view, List<EntityKey> keys, List<String> features) {
        checkOpen();
        return reader.read(view, tableName(view), keys, features);
    }

    @Override
    public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        checkOpen();
        writer.write(view, tableName(view), rows, progress);
    }

    @Override
    public void update(InfraChange change) {
        checkOpen();
        tables.update(tables(change.viewsToKeep()), tables(change.viewsToDelete()));
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        checkOpen();
        return tables.plan(tables(change.viewsToKeep()), tables(change.viewsToDelete()));
    }

    @Override
    public void teardown(List<FeatureView> views) {
        checkOpen();
        tables.drop(tables(views), Operation.TEARDOWN);
    }

    private List<String> tables(List<FeatureView> views) {
        List<String> out = new ArrayList<>(views.size());
        for (FeatureView v : views) {
            String t = tableName(v);
            if (!out.contains(t)) out.add(t);
        }
        return out;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("The DynamoDB store of project '" + project + "' is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        connection.close();
    }

    @Override
    public String toString() {
        return "DynamoDBOnlineStore{project=" + project + ", " + config.target() + "}";
    }
}
