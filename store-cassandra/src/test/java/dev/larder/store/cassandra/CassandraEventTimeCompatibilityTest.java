package dev.larder.store.cassandra;

import java.util.Map;

/**
 * The kit again with {@code write_timestamp: event_time}: cells stamped from the event time, so
 * racing writers are ordered by Cassandra itself (CONCURRENT_WRITES_SAME_KEY is declared).
 */
class CassandraEventTimeCompatibilityTest extends CassandraStoreCompatibilityTest {
    @Override
    protected Map<String, Object> storeOptions() {
        Map<String, Object> o = options();
        o.put("write_timestamp", "event_time");
        return o;
    }
}
