package dev.larder.store.redis;

import dev.larder.spi.support.InFlight;
import dev.larder.store.redis.RedisStoreConfig.HostPort;
import io.lettuce.core.RedisURI;
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

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Redis Cluster: the cluster connection plus its per-master connections. A batch is split by the
 * master owning each key's slot and written to those masters' connections in parallel, one write
 * each; a command answered with MOVED or ASK (a slot that moved since the last topology refresh)
 * is sent again through the cluster connection, which follows the redirect and refreshes the topology.
 */
final class ClusterPipe extends RedisPipe {
    private final StatefulRedisClusterConnection<byte[], byte[]> connection;

    private ClusterPipe(ClientResources resources, RedisClusterClient client, StatefulRedisClusterConnection<byte[], byte[]> connection) {
        super(resources, client, connection, connection.sync());
        this.connection = connection;
    }

    static ClusterPipe connect(RedisStoreConfig config, ClientResources resources) {
        List<RedisURI> seeds = new ArrayList<>();
        for (HostPort hp : config.nodes()) seeds.add(uri(config, hp));
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        ClusterClientOptions.Builder options = ClusterClientOptions.builder();
        applyCommonOptions(options, config);
        options.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(60)).build());
        client.setOptions(options.build());
        ClusterPipe pipe = new ClusterPipe(resources, client, connectOrShutdown(client, () -> client.connect(ByteArrayCodec.INSTANCE)));
        pipe.connectMasters(config.connectTimeout());
        return pipe;
    }

    /**
     * Opens the connection to every master now rather than on its first request, so no read pays
     * for a handshake. Best effort: a master that cannot be reached yet is connected to when
     * first used, and the failure, if it lasts, is reported then.
     */
    private void connectMasters(Duration timeout) {
        List<CompletableFuture<?>> connecting = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) connecting.add(connection.getConnectionAsync(node.getNodeId()));
        }
        try {
            CompletableFuture.allOf(connecting.toArray(new CompletableFuture[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // left to the first request that needs the master
        }
    }

    @Override
    <T> List<CompletableFuture<T>> send(int n, IntFunction<Command<byte[], byte[], T>> command) {
        List<CompletableFuture<T>> futures = new ArrayList<>(n);
        Map<String, List<RedisCommand<byte[], byte[], ?>>> byNode = new HashMap<>();
        Partitions partitions = connection.getPartitions();
        for (int i = 0; i < n; i++) {
            Command<byte[], byte[], T> c = command.apply(i);
            ByteBuffer key = c.getArgs().getFirstEncodedKey();
            RedisClusterNode node = key == null ? null : partitions.getMasterBySlot(SlotHash.getSlot(key));
            if (node == null) {
                futures.add(sendOne(c)); // the cluster connection routes it
                continue;
            }
            AsyncCommand<byte[], byte[], T> async = new AsyncCommand<>(c);
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
    List<RedisKeyCommands<byte[], byte[]>> masters() {
        List<RedisKeyCommands<byte[], byte[]>> out = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                out.add(connection.getConnection(node.getNodeId()).sync());
            }
        }
        return out;
    }
}
