package dev.larder.testing.redis;

import dev.larder.testing.FreePorts;
import dev.larder.testing.ServerProcess;
import dev.larder.testing.net.DelayProxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster of three masters (no replicas) on 127.0.0.1: three {@code redis-server
 * --cluster-enabled yes} processes, slots split evenly with CLUSTER ADDSLOTSRANGE, joined with
 * CLUSTER MEET, ready once every node reports {@code cluster_state:ok}. Bus ports are chosen
 * explicitly ({@code --cluster-port}) because port+10000 may not exist for a high free port.
 *
 * <p>{@link #startBehindProxies} puts a {@link DelayProxy} in front of each node and makes the
 * node announce the proxy's port ({@code --cluster-announce-port}): CLUSTER SLOTS, CLUSTER NODES
 * and MOVED replies name the proxies, so every client request (never the cluster bus) passes
 * through one and {@link #requestCount()} counts the client turns of the whole cluster.
 */
public final class RedisClusterServers implements AutoCloseable {
    public static final int MASTERS = 3;
    private static RedisClusterServers shared;

    private final List<Integer> ports = new ArrayList<>();
    private final List<DelayProxy> proxies = new ArrayList<>();
    private final List<ServerProcess> processes = new ArrayList<>();

    private RedisClusterServers() {
    }

    /** The test JVM's shared cluster without proxies, started on first use. */
    public static synchronized RedisClusterServers shared() {
        if (shared == null) shared = start();
        return shared;
    }

    public static RedisClusterServers start() {
        return start(null);
    }

    /** A cluster whose nodes are reached only through delay proxies adding {@code addedRoundTrip} each. */
    public static RedisClusterServers startBehindProxies(Duration addedRoundTrip) {
        return start(addedRoundTrip);
    }

    private static RedisClusterServers start(Duration addedRoundTrip) {
        RedisClusterServers c = new RedisClusterServers();
        try {
            c.launch(addedRoundTrip);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void launch(Duration addedRoundTrip) {
        List<Integer> busPorts = new ArrayList<>();
        for (int i = 0; i < MASTERS; i++) {
            int port = FreePorts.find();
            int bus = FreePorts.find();
            Path dir = ServerProcess.tempDir("larder-redis-cluster-");
            List<String> cmd = RedisServer.baseCommand(port, dir);
            cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                    "--cluster-port", String.valueOf(bus), "--cluster-node-timeout", "5000"));
            if (addedRoundTrip != null) {
                DelayProxy proxy = DelayProxy.start(port, addedRoundTrip);
                proxies.add(proxy);
                cmd.addAll(List.of("--cluster-announce-port", String.valueOf(proxy.port())));
            }
            processes.add(ServerProcess.start("redis-cluster-" + port, cmd, dir, RedisServer.START_TIMEOUT, () -> Resp.ping(port)));
            ports.add(port);
            busPorts.add(bus);
        }
        int per = 16384 / MASTERS;
        for (int i = 0; i < MASTERS; i++) {
            int from = i * per;
            int to = i == MASTERS - 1 ? 16383 : from + per - 1;
            Resp.call(ports.get(i), "CLUSTER", "ADDSLOTSRANGE", String.valueOf(from), String.valueOf(to));
        }
        for (int i = 1; i < MASTERS; i++) {
            Resp.call(ports.get(0), "CLUSTER", "MEET", "127.0.0.1", String.valueOf(ports.get(i)), String.valueOf(busPorts.get(i)));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!allOk()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis Cluster on ports " + ports + " did not reach cluster_state:ok in 30 s; log of the first node:\n"
                        + processes.get(0).tail());
            }
            sleep(100);
        }
    }

    private boolean allOk() {
        for (int port : ports) {
            Object info = Resp.call(port, "CLUSTER", "INFO");
            if (!String.valueOf(info).contains("cluster_state:ok") || !String.valueOf(info).contains("cluster_known_nodes:" + MASTERS)) return false;
        }
        return true;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The ports the servers listen on (for admin commands that must bypass the proxies). */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** The ports clients are told to use: the proxies' when the cluster is behind proxies, else the servers'. */
    public List<Integer> clientPorts() {
        if (proxies.isEmpty()) return ports();
        List<Integer> out = new ArrayList<>();
        for (DelayProxy p : proxies) out.add(p.port());
        return out;
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3} with the {@link #clientPorts()}, a cluster connection string. */
    public String connectionString() {
        List<String> parts = new ArrayList<>();
        for (int p : clientPorts()) parts.add("127.0.0.1:" + p);
        return String.join(",", parts);
    }

    /** Client turns through all the proxies so far (see {@link DelayProxy#requestCount()}). */
    public long requestCount() {
        if (proxies.isEmpty()) throw new IllegalStateException("this cluster was started without proxies: nothing counts its requests");
        long n = 0;
        for (DelayProxy p : proxies) n += p.requestCount();
        return n;
    }

    @Override
    public void close() {
        processes.forEach(ServerProcess::stop);
        proxies.forEach(DelayProxy::close);
    }
}
