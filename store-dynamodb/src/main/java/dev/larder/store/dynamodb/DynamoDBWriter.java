package dev.larder.store.dynamodb;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.support.InFlight;
import dev.larder.spi.support.NewestWins;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes under {@link NewestWins}: the rows of a call are reduced to the winner per entity, every
 * item is built and measured before anything is sent, then
 * <ul>
 *   <li>{@code conditional_writes: true}: one PutItem per item whose condition lets it replace the
 *       stored item only when it is newer (event time, then created time, compared by DynamoDB on
 *       the text timestamps, which order like the times they stand for): atomic against any
 *       other writer;</li>
 *   <li>{@code conditional_writes: false}: per 25 items, one strongly consistent BatchGetItem of the
 *       stored times and one BatchWriteItem of the items that win: newer rows are never replaced by
 *       this call, but a writer racing between the read and the write can be.</li>
 * </ul>
 * Either way a put replaces the stored item whole, so a row with some of the view's features
 * leaves the others absent.
 */
final class DynamoDBWriter {
    /** DynamoDB's BatchWriteItem limit. */
    static final int WRITE_BATCH = 25;

    private static final String NEWER_EVENT = "attribute_not_exists(#id) OR #ts < :ts";
    /** A stored item without {@code created_ts} has no created time: older than any row with one. */
    private static final String NEWER_EVENT_OR_CREATED = NEWER_EVENT + " OR (#ts = :ts AND (attribute_not_exists(#cr) OR #cr < :cr))";
    /** What read-then-write needs of the stored items. */
    private static final KeysAndAttributes STORED_TIMES = KeysAndAttributes.builder().consistentRead(true)
            .projectionExpression("#id, #ts, #cr")
            .expressionAttributeNames(Map.of("#id", FeastItems.ENTITY_ID, "#ts", FeastItems.EVENT_TS, "#cr", FeastItems.CREATED_TS))
            .build();

    private final DynamoDbAsyncClient client;
    private final DynamoDBStoreConfig config;
    private final DynamoDBReader reader;
    private final NewestWins rule;
    private final Backoff backoff;
    private final DynamoDBErrors errors;

    DynamoDBWriter(DynamoDbAsyncClient client, DynamoDBStoreConfig config, DynamoDBReader reader, NewestWins rule, DynamoDBErrors errors) {
        this.client = client;
        this.config = config;
        this.reader = reader;
        this.rule = rule;
        this.backoff = Backoff.upTo(config.unprocessedRetryTimeout());
        this.errors = errors;
    }

    void write(FeatureView view, String table, List<FeatureRow> rows, ProgressListener progress) {
        if (rows.isEmpty()) return;
        List<FeatureRow> latest = rule.latestPerKey(view, rows); // range checked here, before anything is sent
        int[] represented = represented(rows, latest);
        List<Map<String, AttributeValue>> items = items(view, table, latest);
        Object progressLock = new Object();
        ProgressListener serial = n -> {
            synchronized (progressLock) {
                progress.rowsWritten(n);
            }
        };
        CompletableFuture<Void> all;
        if (config.conditionalWrites()) {
            all = InFlight.run(items.size(), config.maxWriteWorkers(),
                    i -> putIfNewer(view, table, items.get(i), latest.get(i)).thenRun(() -> serial.rowsWritten(represented[i])));
        } else {
            int requests = (items.size() + WRITE_BATCH - 1) / WRITE_BATCH;
            all = InFlight.run(requests, config.maxWriteWorkers(), b -> {
                int from = b * WRITE_BATCH, to = Math.min(items.size(), from + WRITE_BATCH);
                int n = 0;
                for (int i = from; i < to; i++) n += represented[i];
                int rowsOfBatch = n;
                return writeNewer(table, items.subList(from, to), latest.subList(from, to)).thenRun(() -> serial.rowsWritten(rowsOfBatch));
            });
        }
        String what = "write " + rows.size() + " rows of view '" + view.name() + "'";
        try {
            all.join();
        } catch (CompletionException e) {
            throw errors.failure(Operation.WRITE, what, table, e);
        }
    }

    /** How many input rows each kept row stands for, for the progress listener. */
    private static int[] represented(List<FeatureRow> rows, List<FeatureRow> latest) {
        int[] counts = new int[latest.size()];
        if (latest.size() == rows.size()) {
            java.util.Arrays.fill(counts, 1);
            return counts;
        }
        Map<EntityKey, Integer> slot = new HashMap<>(latest.size() * 2);
        for (int i = 0; i < latest.size(); i++) slot.put(latest.get(i).entityKey(), i);
        for (FeatureRow r : rows) counts[slot.get(r.entityKey())]++;
        return counts;
    }

    /** Every item, built and measured: one over DynamoDB's 400 KB limit fails the whole write before anything is sent. */
    private static List<Map<String, AttributeValue>> items(FeatureView view, String table, List<FeatureRow> rows) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(rows.size());
        List<String> tooLarge = new ArrayList<>();
        for (FeatureRow row : rows) {
            Map<String, AttributeValue> item = FeastItems.item(EntityKeyCodec.entityId(row.entityKey()), row);
            long bytes = FeastItems.size(item);
            if (bytes > FeastItems.MAX_ITEM_BYTES) {
                tooLarge.add("entity " + row.entityKey() + " (" + bytes + " bytes)");
            }
            items.add(item);
        }
        if (!tooLarge.isEmpty()) {
            throw new IllegalArgumentException("Cannot write view '" + view.name() + "' to DynamoDB table '" + table + "': "
                    + tooLarge.size() + " item(s) exceed DynamoDB's 400 KB item limit (" + FeastItems.MAX_ITEM_BYTES + " bytes): "
                    + String.join(", ", tooLarge.subList(0, Math.min(10, tooLarge.size()))) + (tooLarge.size() > 10 ? ", ..." : "")
                    + ". Nothing of this write was stored.");
        }
        return items;
    }

    private CompletableFuture<Void> putIfNewer(FeatureView view, String table, Map<String, AttributeValue> item, FeatureRow row) {
        Map<String, String> names = new HashMap<>(4);
        names.put("#id", FeastItems.ENTITY_ID);
        names.put("#ts", FeastItems.EVENT_TS);
        Map<String, AttributeValue> values = new HashMap<>(4);
        values.put(":ts", item.get(FeastItems.EVENT_TS));
        String condition = NEWER_EVENT;
        AttributeValue created = item.get(FeastItems.CREATED_TS);
        if (created != null) {
            names.put("#cr", FeastItems.CREATED_TS);
            values.put(":cr", created);
            condition = NEWER_EVENT_OR_CREATED;
        }
        PutItemRequest put = PutItemRequest.builder().tableName(table).item(item)
                .conditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values).build();
        return client.putItem(put).handle((r, e) -> {
            if (e == null) return null;
            Throwable cause = InFlight.unwrap(e);
            if (cause instanceof ConditionalCheckFailedException) return null; // the stored row is as new or newer: it stays
            throw new CompletionException(errors.failure(Operation.WRITE, "write entity " + row.entityKey() + " of view '" + view.name() + "'", table, cause));
        });
    }

    // ---------------------------------------------------------------------- read-then-write

    /** One chunk of at most 25 items: the stored times, then a BatchWriteItem of the items that replace them. */
    private CompletableFuture<Void> writeNewer(String table, List<Map<String, AttributeValue>> items, List<FeatureRow> rows) {
        List<String> ids = new ArrayList<>(items.size());
        for (Map<String, AttributeValue> item : items) ids.add(item.get(FeastItems.ENTITY_ID).s());
        Map<String, Map<String, AttributeValue>> stored = new ConcurrentHashMap<>();
        return reader.fetch(table, STORED_TIMES, ids, 1, item -> stored.put(item.get(FeastItems.ENTITY_ID).s(), item)).thenCompose(done -> {
            List<WriteRequest> puts = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Map<String, AttributeValue> s = stored.get(ids.get(i));
                FeatureRow row = rows.get(i);
                if (s == null || rule.replaces(row.eventTime(), row.createdTime(), FeastItems.eventTime(s, table), FeastItems.createdTime(s))) {
                    puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(items.get(i)).build()).build());
                }
            }
            if (puts.isEmpty()) return CompletableFuture.completedFuture(null);
            return batchWrite(table, puts);
        });
    }

    private CompletableFuture<Void> batchWrite(String table, List<WriteRequest> puts) {
        return backoff.untilDone(puts, request ->
                client.batchWriteItem(b -> b.requestItems(Map.of(table, request))).thenApply((BatchWriteItemResponse r) -> {
                    List<WriteRequest> left = r.unprocessedItems().get(table);
                    return left == null || left.isEmpty() ? null : left;
                }), List::size, puts.size(), "items of a BatchWriteItem (UnprocessedItems)", "the table is throttled");
    }
}
