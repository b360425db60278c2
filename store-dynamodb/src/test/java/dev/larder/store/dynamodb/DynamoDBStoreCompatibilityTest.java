package dev.larder.store.dynamodb;

import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.testing.dynamodb.DynamoDBLocalServer;

import java.util.Map;

/** The whole compatibility kit against DynamoDB Local, started in this JVM, with default options. */
class DynamoDBStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final DynamoDBLocalServer SERVER = DynamoDBLocalServer.shared();

    @Override
    protected String storeType() {
        return "dynamodb";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return SERVER.storeOptions();
    }
}
