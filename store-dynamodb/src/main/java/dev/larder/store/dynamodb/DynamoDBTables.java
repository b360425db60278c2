package dev.larder.store.dynamodb;

import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.support.InFlight;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The tables of Feast's layout: one per view, hash key {@code entity_id} (S), on-demand billing.
 * Creating waits until ACTIVE, dropping until gone; both are idempotent.
 */
final class DynamoDBTables {
    /** How long update and teardown wait for a table to become ACTIVE or disappear. */
    static final Duration TABLE_WAIT = Duration.ofMinutes(5);

    private final DynamoDbAsyncClient client;
    private final Map<String, String> tags;
    private final DynamoDBErrors errors;

    DynamoDBTables(DynamoDbAsyncClient client, Map<String, String> tags, DynamoDBErrors errors) {
        this.client = client;
        this.tags = tags;
        this.errors = errors;
    }

    /** Creates the tables to keep (waiting until each is ACTIVE), then drops the others. */
    void update(List<String> keep, List<String> delete) {
        for (String table : keep) {
            create(table);
        }
        for (String table : keep) {
            awaitActive(table);
        }
        drop(delete, Operation.UPDATE);
    }

    List<PlannedChange> plan(List<String> keep, List<String> delete) {
        List<PlannedChange> out = new ArrayList<>();
        for (String table : keep) {
            Optional<TableDescription> t = describe(table, Operation.PLAN);
            if (t.isPresent() && t.get().tableStatus() != TableStatus.DELETING) {
                out.add(new PlannedChange(PlannedChange.Action.UNCHANGED, table, "table exists (" + t.get().tableStatusAsString() + ")"));
            } else {
                out.add(new PlannedChange(PlannedChange.Action.CREATE, table, "CreateTable: hash key entity_id (S), PAY_PER_REQUEST"
                        + (tags.isEmpty() ? "" : ", tags " + tags)));
            }
        }
        for (String table : delete) {
            Optional<TableDescription> t = describe(table, Operation.PLAN);
            if (t.isPresent() && t.get().tableStatus() != TableStatus.DELETING) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, table, "DeleteTable"));
            }
        }
        return out;
    }

    /** Deletes the tables and waits until they are gone; missing ones are fine. */
    void drop(List<String> tables, Operation operation) {
        for (String table : tables) {
            deleteIfPresent(table, operation);
        }
        long deadline = System.nanoTime() + TABLE_WAIT.toNanos();
        for (String table : tables) {
            for (int attempt = 0; ; attempt++) {
                Optional<TableDescription> t = describe(table, operation);
                if (t.isEmpty()) break;
                if (t.get().tableStatus() != TableStatus.DELETING) deleteIfPresent(table, operation); // was CREATING or UPDATING before
                if (System.nanoTime() > deadline) {
                    throw errors.state(operation, table, true, "table '" + table + "' still exists " + TABLE_WAIT.toMinutes()
                            + " minutes after DeleteTable (status " + t.get().tableStatusAsString() + ")");
                }
                pause(attempt, operation, table);
            }
        }
    }

    private void create(String table) {
        CreateTableRequest.Builder req = CreateTableRequest.builder().tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName(FeastItems.ENTITY_ID).keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName(FeastItems.ENTITY_ID).attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST);
        if (!tags.isEmpty()) {
            // Only when configured, as Feast: an empty Tags list would still need the TagResource permission.
            List<Tag> list = new ArrayList<>();
            tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
            req.tags(list);
        }
        try {
            client.createTable(req.build()).join();
        } catch (CompletionException e) {
            Throwable cause = InFlight.unwrap(e);
            if (!(cause instanceof ResourceInUseException)) throw errors.failure(Operation.UPDATE, "create table", table, cause); // in use: exists or being created
        }
    }

    private void awaitActive(String table) {
        long deadline = System.nanoTime() + TABLE_WAIT.toNanos();
        for (int attempt = 0; ; attempt++) {
            Optional<TableDescription> t = describe(table, Operation.UPDATE);
            if (t.isPresent() && t.get().tableStatus() == TableStatus.ACTIVE) return;
            if (t.isEmpty()) create(table); // it was still being deleted when update created it
            if (System.nanoTime() > deadline) {
                throw errors.state(Operation.UPDATE, table, true, "table '" + table + "' is not ACTIVE after " + TABLE_WAIT.toMinutes()
                        + " minutes (status " + t.map(TableDescription::tableStatusAsString).orElse("missing") + ")");
            }
            pause(attempt, Operation.UPDATE, table);
        }
    }

    private void deleteIfPresent(String table, Operation operation) {
        try {
            client.deleteTable(b -> b.tableName(table)).join();
        } catch (CompletionException e) {
            Throwable cause = InFlight.unwrap(e);
            // Not found: already gone (teardown is idempotent). In use: being created; drop() retries.
            if (!(cause instanceof ResourceNotFoundException) && !(cause instanceof ResourceInUseException)) {
                throw errors.failure(operation, "delete table", table, cause);
            }
        }
    }

    private Optional<TableDescription> describe(String table, Operation operation) {
        try {
            return Optional.of(client.describeTable(b -> b.tableName(table)).join().table());
        } catch (CompletionException e) {
            Throwable cause = InFlight.unwrap(e);
            if (cause instanceof ResourceNotFoundException) return Optional.empty();
            throw errors.failure(operation, "describe table", table, cause);
        }
    }

    /** 50 ms doubling up to 2 s between polls of a table's status. */
    private static void pause(int attempt, Operation operation, String table) {
        try {
            Thread.sleep(Math.min(2000, 50L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OnlineStoreException(DynamoDBErrors.STORE_TYPE, operation, table, true, "interrupted while waiting for table '" + table + "'", e);
        }
    }
}
