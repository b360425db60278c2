package dev.larder.benchmarks.env;

import dev.larder.testing.ServerProcess;
import dev.larder.testing.cassandra.CassandraNode;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A single Apache Cassandra 5.0 node in its own JVM (512 MB heap, throwaway data), started by the
 * tests' launcher on free loopback ports; or, when {@value #SHARED_NODE} names one
 * ({@code 127.0.0.1:<port>}, set by {@code bench/run.sh} through {@link RunServers}), the node
 * the whole run shares, which this environment neither starts nor stops. It shares the cores with
 * the benchmark.
 */
final class CassandraEnvironment implements BackendEnvironment {
    static final String SHARED_NODE = "LARDER_BENCH_CASSANDRA";

    private final CassandraNode node;
    private final String host;
    private final int port;
    private final Path dir = ServerProcess.tempDir("larder-bench-cassandra");

    CassandraEnvironment() {
        String shared = System.getenv(SHARED_NODE);
        if (shared != null && !shared.isBlank()) {
            int colon = shared.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(SHARED_NODE + "='" + shared + "' is not host:port (e.g. 127.0.0.1:9042)");
            }
            node = null;
            host = shared.substring(0, colon);
            port = Integer.parseInt(shared.substring(colon + 1).trim());
        } else {
            node = CassandraNode.start();
            host = node.host();
            port = node.cqlPort();
        }
    }

    @Override
    public String type() {
        return "cassandra";
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public Map<String, Object> storeOptions() {
        return storeOptionsVia(port);
    }

    @Override
    public Map<String, Object> storeOptionsVia(int port) {
        Map<String, Object> o = new HashMap<>();
        o.put("hosts", List.of(host));
        o.put("port", port);
        o.put("keyspace", "larder_bench");
        o.put("create_keyspace", true);
        o.put("replication_factor", 1);
        o.put("load_balancing", Map.of("local_dc", CassandraNode.LOCAL_DC));
        return o;
    }

    @Override
    public int serverPort() {
        return port;
    }

    @Override
    public void close() {
        if (node != null) node.stop();
        Environments.deleteQuietly(dir);
    }
}
