package dev.larder.store.redis;

import dev.larder.spi.support.InFlight;
import dev.larder.store.redis.RedisStoreConfig.HostPort;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisHashCommands;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The store's one client and connection, and the way it pipelines: a batch of commands goes out
 * in one write per server ({@code dispatch} of a collection: one flush, no round trip per
 * command), and each command's reply completes its own future on the I/O thread.
 *
 * <p>In Cluster mode a batch is split by the master owning each key's slot and written to those
 * masters' connections in parallel; a command answered with MOVED or ASK (a slot that moved
 * since the last topology refresh) is sent again through the cluster connection, which follows
 * the redirect and refreshes the topology.
 */
abstract class RedisPipe implements AutoCloseable {
    final RedisStoreConfig config;
    final ClientResources resources;

    private RedisPipe(RedisStoreConfig config, ClientResources resources) {
        this.config = config;
        this.resources = resources;
    }

    static RedisPipe open(RedisStoreConfig config) {
        // Own resources so that close() releases every thread, and reconnects are retried at
        // least every second: a restarted server is used again within a second.
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        try {
            return config.redisType() == RedisStoreConfig.RedisType.REDIS_CLUSTER
                    ? new Cluster(config, resources) : new Single(config, resources);
        } catch (RuntimeException e) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    static RedisURI uri(RedisStoreConfig config, HostPort node) {
        RedisURI.Builder b = RedisURI.builder().withHost(node.host()).withPort(node.port());
        return finish(config, b);
    }

    private static RedisURI finish(RedisStoreConfig config, RedisURI.Builder b) {
        b.withSsl(config.ssl()).withTimeout(config.commandTimeout()).withDatabase(config.database());
        if (config.password().isPresent()) {
            char[] pw = config.password().get().reveal().toCharArray();
            if (config.username().isPresent()) b.withAuthentication(config.username().get(), pw);
            else b.withPassword(pw);
        }
        return b.build();
    }

    static SocketOptions socketOptions(RedisStoreConfig config) {
        return SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).tcpNoDelay(true).build();
    }

    /** Commands wait (while the client reconnects) at most the command timeout, then fail. */
    static TimeoutOptions timeoutOptions(RedisStoreConfig config) {
        return TimeoutOptions.enabled(config.commandTimeout());
    }

    /**
     * Sends {@code n} commands, built by {@code command(i)}, pipelined. {@code command} may be
     * called again for a command that must be re-sent (a cluster redirect).
     */
    abstract <T> List<CompletableFuture<T>> send(int n, IntFunction<Command<byte[], byte[], T>> command);

    /** One command, routed by its key. */
    abstract <T> CompletableFuture<T> sendOne(Command<byte[], byte[], T> command);

    /** Blocking hash commands for administration (routed by key in Cluster mode). */
    abstract RedisHashCommands<byte[], byte[]> hashes();

    /** Blocking key commands on every master, for SCAN. */
    abstract List<RedisKeyCommands<byte[], byte[]>> masters();

    abstract AbstractRedisClient client();

    /** Closes the connection(s) before the client, so the client's shutdown finds nothing open. */
    abstract void closeConnection();

    @Override
    public void close() {
        try {
            closeConnection();
            client().shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** Standalone and Sentinel: one connection to the (discovered) master. */
    private static final class Single extends RedisPipe {
        private final RedisClient client;
        private final StatefulRedisConnection<byte[], byte[]> connection;

        Single(RedisStoreConfig config, ClientResources resources) {
            super(config, resources);
            RedisURI uri;
            if (config.redisType() == RedisStoreConfig.RedisType.REDIS_SENTINEL) {
                RedisURI.Builder b = RedisURI.builder().withSentinelMasterId(config.sentinelMaster());
                for (HostPort s : config.nodes()) b.withSentinel(s.host(), s.port());
                uri = finish(config, b);
            } else {
                uri = uri(config, config.nodes().get(0));
            }
            client = RedisClient.create(resources, uri);
            client.setOptions(ClientOptions.builder().autoReconnect(true).socketOptions(socketOptions(config))
                    .timeoutOptions(timeoutOptions(config)).build());
            try {
                connection = client.connect(ByteArrayCodec.INSTANCE);
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                throw e;
            }
        }

        @Override
        <T> List<CompletableFuture<T>> send(int n, IntFunction<Command<byte[], byte[], T>> command) {
            List<CompletableFuture<T>> futures = new ArrayList<>(n);
            List<RedisCommand<byte[], byte[], ?>> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                AsyncCommand<byte[], byte[], T> c = new AsyncCommand<>(command.apply(i));
                futures.add(c);
                batch.add(c);
            }
            if (n > 0) connection.dispatch(batch);
            return futures;
        }

        @Override
        <T> CompletableFuture<T> sendOne(Command<byte[], byte[], T> command) {
            AsyncCommand<byte[], byte[], T> c = new AsyncCommand<>(command);
            connection.dispatch(c);
            return c;
        }

        @Override
        RedisHashCommands<byte[], byte[]> hashes() {
            return connection.sync();
        }

        @Override
        List<RedisKeyCommands<byte[], byte[]>> masters() {
            return List.of(connection.sync());
        }

        @Override
        AbstractRedisClient client() {
            return client;
        }

        @Override
        void closeConnection() {
            connection.close();
        }
    }

    /** Redis Cluster: the cluster connection plus its per-master connections. */
    private static final class Cluster extends RedisPipe {
        private final RedisClusterClient client;
        private final StatefulRedisClusterConnection<byte[], byte[]> connection;

        Cluster(RedisStoreConfig config, ClientResources resources) {
            super(config, resources);
            List<RedisURI> seeds = new ArrayList<>();
            for (HostPort hp : config.nodes()) seeds.add(uri(config, hp));
            client = RedisClusterClient.create(resources, seeds);
            client.setOptions(ClusterClientOptions.builder().autoReconnect(true).socketOptions(socketOptions(config))
                    .timeoutOptions(timeoutOptions(config))
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(60)).build())
                    .build());
            try {
                connection = client.connect(ByteArrayCodec.INSTANCE);
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                throw e;
            }
        }

        @Override
        <T> List<CompletableFuture<T>> send(int n, IntFunction<Command<byte[], byte[], T>> command) {
            List<CompletableFuture<T>> futures = new ArrayList<>(n);
            Map<String, List<RedisCommand<byte[], byte[], ?>>> byNode = new HashMap<>();
            Partitions partitions = connection.getPartitions();
            for (int i = 0; i < n; i++) {
                Command<byte[], byte[], T> c = command.apply(i);
                AsyncCommand<byte[], byte[], T> async = new AsyncCommand<>(c);
                ByteBuffer key = c.getArgs().getFirstEncodedKey();
                RedisClusterNode node = key == null ? null : partitions.getMasterBySlot(SlotHash.getSlot(key));
                if (node == null) {
                    connection.dispatch(async); // let the cluster connection route it
                    futures.add(async);
                    continue;
                }
                byNode.computeIfAbsent(node.getNodeId(), id -> new ArrayList<>()).add(async);
                int index = i;
                futures.add(async.exceptionallyCompose(e -> isRedirect(e) ? sendOne(command.apply(index)) : CompletableFuture.failedFuture(e)));
            }
            for (Map.Entry<String, List<RedisCommand<byte[], byte[], ?>>> e : byNode.entrySet()) {
                List<RedisCommand<byte[], byte[], ?>> batch = e.getValue();
                connection.getConnectionAsync(e.getKey()).whenComplete((nodeConnection, error) -> {
                    if (error != null) {
                        batch.forEach(c -> c.completeExceptionally(error));
                    } else {
                        nodeConnection.dispatch(batch);
                    }
                });
            }
            return futures;
        }

        private static boolean isRedirect(Throwable e) {
            Throwable t = InFlight.unwrap(e);
            String m = t.getMessage();
            return m != null && (m.startsWith("MOVED ") || m.startsWith("ASK "));
        }

        @Override
        <T> CompletableFuture<T> sendOne(Command<byte[], byte[], T> command) {
            AsyncCommand<byte[], byte[], T> c = new AsyncCommand<>(command);
            connection.dispatch(c);
            return c;
        }

        @Override
        RedisHashCommands<byte[], byte[]> hashes() {
            return connection.sync();
        }

        @Override
        List<RedisKeyCommands<byte[], byte[]>> masters() {
            List<RedisKeyCommands<byte[], byte[]>> out = new ArrayList<>();
            for (RedisClusterNode node : connection.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    out.add(connection.getConnection(node.getNodeId()).sync());
                }
            }
            return out;
        }

        @Override
        AbstractRedisClient client() {
            return client;
        }

        @Override
        void closeConnection() {
            connection.close();
        }
    }
}
