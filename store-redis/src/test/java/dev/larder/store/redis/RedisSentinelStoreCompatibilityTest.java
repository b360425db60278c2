package dev.larder.store.redis;

import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.Timestamps;
import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.tck.RequestCounting;
import dev.larder.tck.TestData;
import dev.larder.testing.redis.RedisSentinelServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole compatibility kit through Redis Sentinel: a real master and a real redis-sentinel
 * started by the test JVM; the store knows only the sentinel and the master's name. The sentinel
 * names a delay proxy in front of the master, so all traffic to the master is counted.
 */
class RedisSentinelStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final RedisSentinelServers SENTINEL = RedisSentinelServers.startBehindProxy(Duration.ofMillis(50));

    @Override
    protected String storeType() {
        return "redis";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return Map.of("redis_type", "redis_sentinel", "connection_string", SENTINEL.connectionString(),
                "sentinel_master", RedisSentinelServers.MASTER_NAME);
    }

    @Override
    protected Map<String, Object> expiringStoreOptions(Duration ttl) {
        return Map.of("redis_type", "redis_sentinel", "connection_string", SENTINEL.connectionString(),
                "sentinel_master", RedisSentinelServers.MASTER_NAME, "key_ttl_seconds", ttl.getSeconds());
    }

    @Override
    protected RequestCounting requestCounting() {
        return new CountedRequests(storeOptions(), SENTINEL::requestCount);
    }

    @Override
    protected int readBatchSize() {
        return RedisReader.CHUNK;
    }

    @Test
    void writesLandOnTheSentinelDiscoveredMaster() {
        FeatureView view = apply(TestData.driverView("fv_sentinel"));
        store.write(view, driverRows(1, 3, 1, TestData.T0), r -> { });
        RedisClient direct = RedisClient.create(RedisURI.create("127.0.0.1", SENTINEL.master().port()));
        try (StatefulRedisConnection<byte[], byte[]> c = direct.connect(ByteArrayCodec.INSTANCE)) {
            byte[] key = EntityKeyCodec.redisKey(TestData.driver(2), project);
            assertThat(c.sync().hget(key, RedisLayout.tsField("fv_sentinel"))).isEqualTo(Timestamps.encodeProto(TestData.T0));
            // And what is put on the master directly is what the store reads.
            c.sync().hset(key, EntityKeyCodec.redisField("fv_sentinel", "note"), dev.larder.spi.codec.ValueCodec.encode(dev.larder.spi.Value.ofString("direct")));
        } finally {
            direct.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        OnlineRow row = store.read(view, List.of(TestData.driver(2)), List.of("note")).get(0);
        assertThat(row.values().get("note")).isEqualTo(dev.larder.spi.Value.ofString("direct"));
    }
}
