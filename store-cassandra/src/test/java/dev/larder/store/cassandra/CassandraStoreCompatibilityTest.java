package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.tck.RequestCounting;
import dev.larder.testing.cassandra.CassandraNode;
import dev.larder.testing.net.DelayProxy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole compatibility kit against a real Cassandra 5.0 node (shared by the test JVM) with the
 * default options ({@code write_timestamp: now}); each test uses a fresh project, so fresh tables.
 */
class CassandraStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final CassandraNode NODE = CassandraNode.shared();
    /** Counts the client's turns on its connections to the node, to prove batched reads. */
    private static DelayProxy proxy;

    private static boolean keyspaceCreated;

    /**
     * Creates the tests' keyspace once per JVM, with a long timeout: on a fresh node and a busy
     * machine the first schema change can take longer than the store's own DDL timeout.
     * ({@code CassandraFeastLayoutTest} checks that the store creates a keyspace itself.)
     */
    static synchronized void createKeyspace() {
        if (keyspaceCreated) return;
        try (CqlSession s = rawSession()) {
            s.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS larder_tck WITH replication = "
                    + "{'class': 'NetworkTopologyStrategy', '" + NODE.localDc() + "': 1}").setTimeout(Duration.ofMinutes(3)));
        }
        keyspaceCreated = true;
    }

    /** A plain driver session on the node, for reading and writing raw CQL as Feast would. */
    static CqlSession rawSession() {
        return CqlSession.builder().addContactPoint(new InetSocketAddress(NODE.host(), NODE.cqlPort())).withLocalDatacenter(NODE.localDc()).build();
    }

    /** A store on the node with the tests' options and these changes. */
    static OnlineStore openStore(String project, Map<String, Object> changes) {
        Map<String, Object> o = options();
        o.putAll(changes);
        return new CassandraStoreProvider().create(new StoreContext(project, Path.of("."), StoreOptions.of("cassandra", o)));
    }

    static Map<String, Object> options() {
        createKeyspace();
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
        Map<String, Object> o = storeOptions();
        o.put("key_ttl_seconds", ttl.toSeconds());
        return o;
    }

    @Override
    protected RequestCounting requestCounting() {
        synchronized (CassandraStoreCompatibilityTest.class) {
            // A round trip added to every request, so that queries sent together are one client turn.
            if (proxy == null) proxy = DelayProxy.start(NODE.cqlPort(), Duration.ofMillis(20));
        }
        Map<String, Object> counted = storeOptions();
        counted.put("port", proxy.port());
        DelayProxy p = proxy;
        return new RequestCounting() {
            @Override
            public Map<String, Object> storeOptions() {
                return counted;
            }

            @Override
            public long requests() {
                return p.requestCount();
            }
        };
    }

    @Override
    protected int readBatchSize() {
        return CassandraStoreConfig.DEFAULT_READ_BATCH_SIZE;
    }
}
