package dev.larder.benchmarks.env;

import dev.larder.testing.ServerProcess;
import dev.larder.testing.cassandra.CassandraNode;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A single Apache Cassandra 5.0 node in its own JVM (512 MB heap, throwaway data), started by the
 * tests' launcher on free loopback ports. It shares the cores with the benchmark.
 */
final class CassandraEnvironment implements BackendEnvironment {
    private final CassandraNode node = CassandraNode.start();
    private final Path dir = ServerProcess.tempDir("larder-bench-cassandra");

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
        return storeOptionsVia(node.cqlPort());
    }

    @Override
    public Map<String, Object> storeOptionsVia(int port) {
        Map<String, Object> o = new HashMap<>();
        o.put("hosts", List.of(node.host()));
        o.put("port", port);
        o.put("keyspace", "larder_bench");
        o.put("create_keyspace", true);
        o.put("replication_factor", 1);
        o.put("load_balancing", Map.of("local_dc", node.localDc()));
        return o;
    }

    @Override
    public int serverPort() {
        return node.cqlPort();
    }

    @Override
    public void close() {
        node.stop();
        Environments.deleteQuietly(dir);
    }
}
