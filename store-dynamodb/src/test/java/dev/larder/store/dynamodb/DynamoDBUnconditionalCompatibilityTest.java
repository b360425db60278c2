package dev.larder.store.dynamodb;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kit once more with {@code conditional_writes: false}: batch writes after a consistent read
 * of the stored times. The newest-wins rule holds for every write that does not race another, and
 * the store does not report CONCURRENT_WRITES_SAME_KEY, so the kit skips the racing writers and
 * says why.
 */
class DynamoDBUnconditionalCompatibilityTest extends DynamoDBStoreCompatibilityTest {
    @Override
    protected Map<String, Object> storeOptions() {
        Map<String, Object> options = new LinkedHashMap<>(SERVER.storeOptions());
        options.put("conditional_writes", false);
        return options;
    }
}
