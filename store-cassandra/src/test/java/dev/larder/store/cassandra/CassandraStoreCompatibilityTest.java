package dev.larder.store.cassandra;

import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.testing.cassandra.CassandraNode;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The whole compatibility kit against a real Cassandra 5.0 node (shared by the test JVM); each test uses a fresh project, so fresh tables. */
class CassandraStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final CassandraNode NODE = CassandraNode.shared();

    static Map<String, Object> options() {
        Map<String, Object> o = new HashMap<>();
        o.put("hosts", List.of(NODE.host()));
        o.put("port", NODE.cqlPort());
        o.put("keyspace", "larder_tck");
        o.put("create_keyspace", true);
        o.put("replication_factor", 1);
        o.put("load_balancing", Map.of("local_dc", NODE.localDc()));
        return o;
    }

    @Override
    protected String storeType() {
        return "cassandra";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return options();
    }

    @Override
    protected Map<String, Object> expiringStoreOptions(Duration ttl) {
        Map<String, Object> o = options();
        o.put("key_ttl_seconds", ttl.toSeconds());
        return o;
    }
}
