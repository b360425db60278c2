package dev.larder.store.redis;

import dev.larder.store.redis.RedisStoreConfig.HostPort;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** One server, addressed directly ({@code redis}) or found through the sentinels ({@code redis_sentinel}): one connection. */
final class StandalonePipe extends RedisPipe {
    private final StatefulRedisConnection<byte[], byte[]> connection;

    private StandalonePipe(ClientResources resources, RedisClient client, StatefulRedisConnection<byte[], byte[]> connection) {
        super(resources, client, connection, connection.sync());
        this.connection = connection;
    }

    static StandalonePipe connect(RedisStoreConfig config, ClientResources resources) {
        RedisURI uri;
        if (config.redisType() == RedisStoreConfig.RedisType.REDIS_SENTINEL) {
            RedisURI.Builder b = RedisURI.builder().withSentinelMasterId(config.sentinelMaster());
            for (HostPort s : config.nodes()) b.withSentinel(s.host(), s.port());
            uri = withConnectionSettings(b, config);
        } else {
            uri = uri(config, config.nodes().get(0));
        }
        RedisClient client = RedisClient.create(resources, uri);
        ClientOptions.Builder options = ClientOptions.builder();
        applyCommonOptions(options, config);
        client.setOptions(options.build());
        return new StandalonePipe(resources, client, connectOrShutdown(client, () -> client.connect(ByteArrayCodec.INSTANCE)));
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
    List<RedisKeyCommands<byte[], byte[]>> masters() {
        return List.of(connection.sync());
    }
}
