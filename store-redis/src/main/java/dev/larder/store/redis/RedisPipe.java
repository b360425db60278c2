package dev.larder.store.redis;

import dev.larder.store.redis.RedisStoreConfig.HostPort;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.sync.RedisHashCommands;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The store's one client and connection, and the way it pipelines: a batch of commands goes out
 * in one write per server ({@code dispatch} of a collection: one flush, no round trip per
 * command), and each command's reply completes its own future on the I/O thread.
 * {@link StandalonePipe} serves one server (found directly or through Sentinel),
 * {@link ClusterPipe} a Redis Cluster.
 *
 * <p>Every connection bounds its queue of commands waiting for replies
 * ({@code request_queue_size}) and rejects commands while it is disconnected: during an outage a
 * call fails at once instead of piling up until the server returns, and commands in flight when
 * the connection drops fail rather than wait to be replayed. The client still reconnects by
 * itself, at least every second, so the same store works again once the server is back.
 */
abstract class RedisPipe implements AutoCloseable {
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisHashCommands<byte[], byte[]> hashes;

    RedisPipe(ClientResources resources, AbstractRedisClient client, StatefulConnection<byte[], byte[]> connection,
              RedisHashCommands<byte[], byte[]> hashes) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.hashes = hashes;
    }

    static RedisPipe open(RedisStoreConfig config) {
        // Own resources, so that close() releases every thread.
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        try {
            return config.redisType() == RedisStoreConfig.RedisType.REDIS_CLUSTER
                    ? ClusterPipe.connect(config, resources) : StandalonePipe.connect(config, resources);
        } catch (RuntimeException e) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Connects; a client whose connection fails is shut down before the error goes on. */
    static <C> C connectOrShutdown(AbstractRedisClient client, Supplier<C> connect) {
        try {
            try {
                return connect.get();
            } catch (RuntimeException e) {
                // Lettuce closes the channel when the server refuses the handshake (a wrong password), and now and
                // then the close is reported instead of the refusal; a second attempt says what the server said.
                if (!String.valueOf(e.getMessage()).contains(CLOSED_PREMATURELY) && !causedByClose(e)) throw e;
                return connect.get();
            }
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    private static final String CLOSED_PREMATURELY = "Connection closed prematurely";

    private static boolean causedByClose(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(CLOSED_PREMATURELY)) return true;
        }
        return false;
    }

    /** The options every connection of the store shares, standalone or cluster. */
    static void applyCommonOptions(ClientOptions.Builder b, RedisStoreConfig config) {
        b.autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).tcpNoDelay(true).build())
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .requestQueueSize(config.requestQueueSize())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }

    static RedisURI uri(RedisStoreConfig config, HostPort node) {
        return withConnectionSettings(RedisURI.builder().withHost(node.host()).withPort(node.port()), config);
    }

    /**
     * TLS, timeout, database and credentials. The credentials go through a provider rather than
     * into the URI, so the URI's text (in Lettuce's messages and logs) holds no mask of the
     * password's length.
     */
    static RedisURI withConnectionSettings(RedisURI.Builder b, RedisStoreConfig config) {
        b.withSsl(config.ssl()).withTimeout(config.commandTimeout()).withDatabase(config.database());
        if (config.password().isPresent()) {
            RedisCredentials credentials = RedisCredentials.just(config.username().orElse(null), config.password().get().reveal());
            b.withAuthentication(RedisCredentialsProvider.from(() -> credentials));
        }
        return b.build();
    }

    /**
     * Sends {@code n} commands, built by {@code command(i)}, pipelined. {@code command} may be
     * called again for a command that must be re-sent (a cluster redirect).
     */
    abstract <T> List<CompletableFuture<T>> send(int n, IntFunction<Command<byte[], byte[], T>> command);

    /** One command, routed by its key. */
    <T> CompletableFuture<T> sendOne(Command<byte[], byte[], T> command) {
        AsyncCommand<byte[], byte[], T> c = new AsyncCommand<>(command);
        connection.dispatch(c);
        return c;
    }

    /** Blocking hash commands for administration (routed by key in Cluster mode). */
    RedisHashCommands<byte[], byte[]> hashes() {
        return hashes;
    }

    /** Blocking key commands on every master, for SCAN. */
    abstract List<RedisKeyCommands<byte[], byte[]>> masters();

    /** Closes the connection(s) before the client, so the client's shutdown finds nothing open. */
    @Override
    public void close() {
        try {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
