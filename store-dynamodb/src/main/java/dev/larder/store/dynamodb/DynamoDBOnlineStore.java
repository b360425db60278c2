package dev.larder.store.dynamodb;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.support.DistinctKeys;
import dev.larder.spi.support.InFlight;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Feast's DynamoDB layout (see {@link FeastItems}): one table per feature view, one item per entity.
 *
 * <p>Reads split the distinct keys into BatchGetItem requests of {@code batch_size} and keep up to
 * {@code max_read_workers} of them in flight on the asynchronous client (no thread per batch);
 * one batch goes straight out. UnprocessedKeys are retried with exponential backoff and jitter
 * until done or {@code unprocessed_retry_timeout}. Results come back in request order.
 *
 * <p>Writes keep the newest row per entity of the batch, then, by default, issue one conditional
 * PutItem per item ({@code attribute_not_exists(entity_id) OR event_ts < :ts}): a stored newer row
 * fails the condition and is kept, so concurrent writers never regress a row. Feast's UTC text
 * timestamps ({@code 2024-01-01 00:00:00[.ffffff]+00:00}) order as strings exactly as in time.
 * With {@code conditional_writes: false} writes are unconditional BatchWriteItem requests of 25.
 *
 * <p>One asynchronous client per store, closed by {@link #close()}.
 */
public final class DynamoDBOnlineStore implements OnlineStore {
    @Override
    public java.util.Set<dev.larder.spi.Capability> capabilities() {
        return new DynamoDBStoreProvider().capabilities().keySet();
    }

    @Override
    public java.time.temporal.ChronoUnit eventTimePrecision() {
        return java.time.temporal.ChronoUnit.MICROS;
    }

    /** DynamoDB's BatchWriteItem limit. */
    static final int WRITE_BATCH = 25;
    /** How long update and teardown wait for a table to become ACTIVE or disappear. */
    static final Duration TABLE_WAIT = Duration.ofMinutes(5);
    /** DynamoDB's limit on an expression's length; longer projections fetch the whole values map. */
    static final int MAX_EXPRESSION = 4096;

    private static final String NEWER = "attribute_not_exists(#id) OR #ts < :ts";

    private final String project;
    private final DynamoDBStoreConfig config;
    private final DynamoDbAsyncClient client;
    private final DefaultCredentialsProvider credentials; // ours: the client does not close it
    private final SdkEventLoopGroup eventLoops;
    private final Backoff backoff;
    private volatile boolean closed;

    private DynamoDBOnlineStore(String project, DynamoDBStoreConfig config) {
        this.project = project;
        this.config = config;
        this.backoff = Backoff.upTo(config.unprocessedRetryTimeout());
        // Both walk the SDK's default chain. session_based_auth: true also refreshes temporary (session)
        // credentials in the background before they expire, so no request waits on a refresh.
        this.credentials = DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(config.sessionBasedAuth()).build();
        // The store's own event loops: closing the SDK's shared group waits out a 2 s quiet period.
        this.eventLoops = SdkEventLoopGroup.builder().build();
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                .eventLoopGroup(eventLoops)
                .maxConcurrency(config.maxPoolConnections())
                .connectionTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.readTimeout());
        DynamoDbAsyncClientBuilder builder = DynamoDbAsyncClient.builder()
                .region(Region.of(config.region()))
                .httpClientBuilder(http)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(config.totalMaxRetryAttempts()).build()));
        if (config.endpointUrl() != null) {
            builder.endpointOverride(config.endpointUrl());
        }
        this.client = builder.build();
    }

    /** A store for one project: the path the provider takes, public for benchmarks and tools. */
    public static DynamoDBOnlineStore open(String project, DynamoDBStoreConfig config) {
        return new DynamoDBOnlineStore(project, config);
    }

    public DynamoDBStoreConfig config() {
        return config;
    }

    /** The table of a view ({@code table_name_template}). */
    public String tableName(FeatureView view) {
        return config.tableName(project, view.name());
    }

    // ------------------------------------------------------------------------------------ read

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        return join(readAsync(view, keys, features));
    }

    @Override
    public CompletableFuture<List<OnlineRow>> readAsync(FeatureView view, List<EntityKey> keys, List<String> features) {
        checkOpen();
        if (keys.isEmpty()) return CompletableFuture.completedFuture(List.of());
        String table = tableName(view);
        DistinctKeys distinct = DistinctKeys.of(keys);
        List<String> unique = new ArrayList<>(distinct.size());
        for (EntityKey k : distinct.keys()) {
            unique.add(EntityKeyCodec.entityId(k));
        }
        List<String> wanted = List.copyOf(new LinkedHashSet<>(features));
        KeysAndAttributes template = projection(view, wanted);
        Map<String, Map<String, AttributeValue>> found = new ConcurrentHashMap<>();
        int size = config.batchSize();
        int batches = (unique.size() + size - 1) / size;
        CompletableFuture<Void> all;
        if (batches == 1) {
            all = getBatch(table, template, unique, found); // fast path: no scheduling
        } else {
            all = InFlight.run(batches, config.maxReadWorkers(),
                    b -> getBatch(table, template, unique.subList(b * size, Math.min(unique.size(), (b + 1) * size)), found));
        }
        return all.handle((ignored, error) -> {
            if (error != null) throw new CompletionException(failure("read " + keys.size() + " keys of view '" + view.name() + "'", table, error));
            OnlineRow[] rows = new OnlineRow[unique.size()];
            for (int d = 0; d < rows.length; d++) {
                Map<String, AttributeValue> item = found.get(unique.get(d));
                rows[d] = item == null ? null : FeastItems.row(item, wanted, table);
            }
            return distinct.expand(rows);
        });
    }

    /**
     * ProjectionExpression {@code #id, #ts, #v.#f0, ...}: only the requested features travel. When
     * every feature of the view is requested, {@code #id, #ts, #v} instead: the same data for a
     * shorter request, and the server evaluates one path per item instead of one per feature
     * (DynamoDB Local, whose item reads are serialized, answered five parallel 100-key batches of 10
     * features in 23.8 instead of 30.3 ms); {@link FeastItems#row} keeps only the requested ones.
     */
    private KeysAndAttributes projection(FeatureView view, List<String> features) {
        Map<String, String> names = new HashMap<>();
        names.put("#id", FeastItems.ENTITY_ID);
        names.put("#ts", FeastItems.EVENT_TS);
        String expr = "#id, #ts";
        if (!features.isEmpty()) {
            names.put("#v", FeastItems.VALUES);
            expr = "#id, #ts, #v"; // the whole map, unless a path per feature asks for less and fits
            if (!requestsEveryFeature(view, features)) {
                Map<String, String> featureNames = new HashMap<>();
                StringBuilder paths = new StringBuilder("#id, #ts");
                for (int i = 0; i < features.size(); i++) {
                    featureNames.put("#f" + i, features.get(i));
                    paths.append(", #v.#f").append(i);
                }
                // Over DynamoDB's 4 KB expression limit (hundreds of features) the whole map it is.
                if (paths.length() <= MAX_EXPRESSION) {
                    names.putAll(featureNames);
                    expr = paths.toString();
                }
            }
        }
        return KeysAndAttributes.builder().consistentRead(config.consistentReads())
                .projectionExpression(expr).expressionAttributeNames(names).build();
    }

    private static boolean requestsEveryFeature(FeatureView view, List<String> features) {
        for (Field f : view.features()) {
            if (!features.contains(f.name())) return false;
        }
        return true;
    }

    private CompletableFuture<Void> getBatch(String table, KeysAndAttributes template, List<String> ids,
                                             Map<String, Map<String, AttributeValue>> found) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>(ids.size());
        for (String id : ids) keys.add(FeastItems.key(id));
        return getUntilDone(table, template, keys, ids.size(), backoff.deadlineFromNow(), 0, found);
    }

    private CompletableFuture<Void> getUntilDone(String table, KeysAndAttributes template, List<Map<String, AttributeValue>> keys,
                                                 int batchKeys, long deadline, int retry, Map<String, Map<String, AttributeValue>> found) {
        KeysAndAttributes request = template.toBuilder().keys(keys).build();
        return client.batchGetItem(b -> b.requestItems(Map.of(table, request))).thenCompose((BatchGetItemResponse r) -> {
            List<Map<String, AttributeValue>> items = r.responses().get(table);
            if (items != null) {
                for (Map<String, AttributeValue> item : items) found.put(item.get(FeastItems.ENTITY_ID).s(), item);
            }
            KeysAndAttributes left = r.unprocessedKeys().get(table);
            if (left == null || left.keys().isEmpty()) return CompletableFuture.completedFuture(null);
            Duration wait = backoff.delay(retry);
            if (Backoff.expired(deadline, wait)) {
                return CompletableFuture.failedFuture(new DynamoDBStoreException(left.keys().size() + " of " + batchKeys
                        + " keys of a BatchGetItem were still unprocessed (UnprocessedKeys) after retrying for "
                        + backoff.limit().toSeconds() + " s (unprocessed_retry_timeout); the table is throttled or the items are too large"));
            }
            return Backoff.after(wait).thenCompose(x -> getUntilDone(table, template, left.keys(), batchKeys, deadline, retry + 1, found));
        });
    }

    // ------------------------------------------------------------------------------------ write

    /** The newest row of one entity in a batch, and how many input rows it stands for (for progress). */
    private static final class Latest {
        FeatureRow row;
        int rows = 1;

        Latest(FeatureRow row) {
            this.row = row;
        }
    }

    @Override
    public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        checkOpen();
        if (rows.isEmpty()) return;
        String table = tableName(view);
        Map<String, Latest> latest = new LinkedHashMap<>();
        for (FeatureRow row : rows) {
            String id = EntityKeyCodec.entityId(row.entityKey());
            Latest l = latest.get(id);
            if (l == null) {
                latest.put(id, new Latest(row));
            } else {
                l.rows++;
                if (!isOlder(row, l.row)) l.row = row; // ties: the later row in the batch wins, as in Feast
            }
        }
        // Every item is built and checked before anything is sent: an oversized item fails the whole write.
        List<Map<String, AttributeValue>> items = new ArrayList<>(latest.size());
        List<Latest> sources = new ArrayList<>(latest.size());
        List<String> tooLarge = new ArrayList<>();
        for (Map.Entry<String, Latest> e : latest.entrySet()) {
            Map<String, AttributeValue> item = FeastItems.item(e.getKey(), e.getValue().row);
            long bytes = FeastItems.size(item);
            if (bytes > FeastItems.MAX_ITEM_BYTES) {
                tooLarge.add("entity " + e.getValue().row.entityKey() + " (" + bytes + " bytes)");
            }
            items.add(item);
            sources.add(e.getValue());
        }
        if (!tooLarge.isEmpty()) {
            throw new IllegalArgumentException("Cannot write view '" + view.name() + "' to DynamoDB table '" + table + "': "
                    + tooLarge.size() + " item(s) exceed DynamoDB's 400 KB item limit (" + FeastItems.MAX_ITEM_BYTES + " bytes): "
                    + String.join(", ", tooLarge.subList(0, Math.min(10, tooLarge.size()))) + (tooLarge.size() > 10 ? ", ..." : "")
                    + ". Nothing of this write was stored.");
        }
        Object progressLock = new Object();
        ProgressListener serial = n -> {
            synchronized (progressLock) {
                progress.rowsWritten(n);
            }
        };
        CompletableFuture<Void> all;
        if (config.conditionalWrites()) {
            all = InFlight.run(items.size(), config.maxWriteWorkers(),
                    i -> putIfNewer(view, table, items.get(i), sources.get(i).row).thenRun(() -> serial.rowsWritten(sources.get(i).rows)));
        } else {
            int requests = (items.size() + WRITE_BATCH - 1) / WRITE_BATCH;
            all = InFlight.run(requests, config.maxWriteWorkers(), b -> {
                int from = b * WRITE_BATCH, to = Math.min(items.size(), from + WRITE_BATCH);
                List<WriteRequest> puts = new ArrayList<>(to - from);
                int represented = 0;
                for (int i = from; i < to; i++) {
                    puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(items.get(i)).build()).build());
                    represented += sources.get(i).rows;
                }
                int n = represented;
                return writeUntilDone(table, puts, puts.size(), backoff.deadlineFromNow(), 0).thenRun(() -> serial.rowsWritten(n));
            });
        }
        try {
            all.join();
        } catch (CompletionException e) {
            Throwable cause = InFlight.unwrap(e);
            if (cause instanceof DynamoDBStoreException && cause.getMessage().startsWith("DynamoDB store")) throw (DynamoDBStoreException) cause;
            throw failure("write " + rows.size() + " rows of view '" + view.name() + "'", table, cause);
        }
    }

    /** Whether {@code a} is older than {@code b}: event time, then created time (Feast's tie-breaker). */
    private static boolean isOlder(FeatureRow a, FeatureRow b) {
        int c = a.eventTime().compareTo(b.eventTime());
        if (c != 0) return c < 0;
        if (a.createdTime() == null || b.createdTime() == null) return false;
        return a.createdTime().isBefore(b.createdTime());
    }

    private CompletableFuture<Void> putIfNewer(FeatureView view, String table, Map<String, AttributeValue> item, FeatureRow row) {
        PutItemRequest put = PutItemRequest.builder().tableName(table).item(item)
                .conditionExpression(NEWER)
                .expressionAttributeNames(Map.of("#id", FeastItems.ENTITY_ID, "#ts", FeastItems.EVENT_TS))
                .expressionAttributeValues(Map.of(":ts", item.get(FeastItems.EVENT_TS)))
                .build();
        return client.putItem(put).handle((r, e) -> {
            if (e == null) return null;
            Throwable cause = InFlight.unwrap(e);
            if (cause instanceof ConditionalCheckFailedException) return null; // the stored row is as new or newer: keep it
            throw new CompletionException(failure("write entity " + row.entityKey() + " of view '" + view.name() + "'", table, cause));
        });
    }

    private CompletableFuture<Void> writeUntilDone(String table, List<WriteRequest> puts, int batchItems, long deadline, int retry) {
        return client.batchWriteItem(b -> b.requestItems(Map.of(table, puts))).thenCompose((BatchWriteItemResponse r) -> {
            List<WriteRequest> left = r.unprocessedItems().get(table);
            if (left == null || left.isEmpty()) return CompletableFuture.completedFuture(null);
            Duration wait = backoff.delay(retry);
            if (Backoff.expired(deadline, wait)) {
                return CompletableFuture.failedFuture(new DynamoDBStoreException(left.size() + " of " + batchItems
                        + " items of a BatchWriteItem were still unprocessed (UnprocessedItems) after retrying for "
                        + backoff.limit().toSeconds() + " s (unprocessed_retry_timeout); the table is throttled"));
            }
            return Backoff.after(wait).thenCompose(x -> writeUntilDone(table, left, batchItems, deadline, retry + 1));
        });
    }

    // ------------------------------------------------------------------------------------ infrastructure

    @Override
    public void update(InfraChange change) {
        checkOpen();
        List<String> keep = tables(change.viewsToKeep());
        for (String table : keep) {
            create(table);
        }
        for (String table : keep) {
            awaitActive(table);
        }
        drop(tables(change.viewsToDelete()));
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        checkOpen();
        List<PlannedChange> out = new ArrayList<>();
        for (String table : tables(change.viewsToKeep())) {
            Optional<TableDescription> t = describe(table);
            if (t.isPresent() && t.get().tableStatus() != TableStatus.DELETING) {
                out.add(new PlannedChange(PlannedChange.Action.UNCHANGED, table, "table exists (" + t.get().tableStatusAsString() + ")"));
            } else {
                out.add(new PlannedChange(PlannedChange.Action.CREATE, table, "CreateTable: hash key entity_id (S), PAY_PER_REQUEST"
                        + (config.tags().isEmpty() ? "" : ", tags " + config.tags())));
            }
        }
        for (String table : tables(change.viewsToDelete())) {
            Optional<TableDescription> t = describe(table);
            if (t.isPresent() && t.get().tableStatus() != TableStatus.DELETING) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, table, "DeleteTable"));
            }
        }
        return out;
    }

    @Override
    public void teardown(List<FeatureView> views) {
        checkOpen();
        drop(tables(views));
    }

    private List<String> tables(List<FeatureView> views) {
        List<String> out = new ArrayList<>(views.size());
        for (FeatureView v : views) {
            String t = tableName(v);
            if (!out.contains(t)) out.add(t);
        }
        return out;
    }

    private void create(String table) {
        CreateTableRequest.Builder req = CreateTableRequest.builder().tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName(FeastItems.ENTITY_ID).keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName(FeastItems.ENTITY_ID).attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST);
        if (!config.tags().isEmpty()) {
            // Only when configured, as Feast: an empty Tags list would still need the TagResource permission.
            List<Tag> tags = new ArrayList<>();
            config.tags().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
            req.tags(tags);
        }
        try {
            client.createTable(req.build()).join();
        } catch (CompletionException e) {
            Throwable cause = InFlight.unwrap(e);
            if (!(cause instanceof ResourceInUseException)) throw failure("create table", table, cause); // in use: exists or being created
        }
    }

    private void awaitActive(String table) {
        long deadline = System.nanoTime() + TABLE_WAIT.toNanos();
        for (int attempt = 0; ; attempt++) {
            Optional<TableDescription> t = describe(table);
            if (t.isPresent() && t.get().tableStatus() == TableStatus.ACTIVE) return;
            if (t.isEmpty()) create(table); // it was still being deleted when update created it
            if (System.nanoTime() > deadline) {
                throw new DynamoDBStoreException(prefix() + "table '" + table + "' is not ACTIVE after " + TABLE_WAIT.toMinutes()
                        + " minutes (status " + t.map(TableDescription::tableStatusAsString).orElse("missing") + ")");
            }
            sleep(Duration.ofMillis(Math.min(2000, 50L << Math.min(attempt, 6))));
        }
    }

    private void drop(List<String> tables) {
        for (String table : tables) {
            deleteIfPresent(table);
        }
        long deadline = System.nanoTime() + TABLE_WAIT.toNanos();
        for (String table : tables) {
            for (int attempt = 0; ; attempt++) {
                Optional<TableDescription> t = describe(table);
                if (t.isEmpty()) break;
                if (t.get().tableStatus() != TableStatus.DELETING) deleteIfPresent(table); // was CREATING or UPDATING before
                if (System.nanoTime() > deadline) {
                    throw new DynamoDBStoreException(prefix() + "table '" + table + "' still exists " + TABLE_WAIT.toMinutes()
                            + " minutes after DeleteTable (status " + t.get().tableStatusAsString() + ")");
                }
                sleep(Duration.ofMillis(Math.min(2000, 50L << Math.min(attempt, 6))));
            }
        }
    }

    private void deleteIfPresent(String table) {
        try {
            client.deleteTable(b -> b.tableName(table)).join();
        } catch (CompletionException e) {
            Throwable cause = InFlight.unwrap(e);
            // Not found: already gone (teardown is idempotent). In use: being created; drop() retries.
            if (!(cause instanceof ResourceNotFoundException) && !(cause instanceof ResourceInUseException)) {
                throw failure("delete table", table, cause);
            }
        }
    }

    private Optional<TableDescription> describe(String table) {
        try {
            return Optional.of(client.describeTable(b -> b.tableName(table)).join().table());
        } catch (CompletionException e) {
            Throwable cause = InFlight.unwrap(e);
            if (cause instanceof ResourceNotFoundException) return Optional.empty();
            throw failure("describe table", table, cause);
        }
    }

    // ------------------------------------------------------------------------------------ plumbing

    private String prefix() {
        return "DynamoDB store (" + config.target() + "): ";
    }

    private DynamoDBStoreException failure(String what, String table, Throwable cause) {
        cause = InFlight.unwrap(cause);
        if (cause instanceof DynamoDBStoreException && cause.getMessage().startsWith("DynamoDB store")) return (DynamoDBStoreException) cause;
        String hint = cause instanceof ResourceNotFoundException ? " (the table does not exist: run apply / update first)" : "";
        return new DynamoDBStoreException(prefix() + "cannot " + what + " (table '" + table + "'): " + cause.getMessage() + hint, cause);
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = InFlight.unwrap(e);
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            if (cause instanceof Error) throw (Error) cause;
            throw new DynamoDBStoreException(cause.getMessage(), cause);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DynamoDBStoreException("Interrupted while waiting for a DynamoDB table", e);
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("The DynamoDB store of project '" + project + "' is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        client.close();
        // Without waiting: in-flight work was failed by the client's close.
        eventLoops.eventLoopGroup().shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS);
        credentials.close();
    }

    @Override
    public String toString() {
        return "DynamoDBOnlineStore{project=" + project + ", " + config.target() + "}";
    }
}
