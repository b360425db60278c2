package dev.larder.store.redis;

import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.tck.RequestCounting;
import dev.larder.testing.net.DelayProxy;
import dev.larder.testing.redis.RedisServer;

import java.time.Duration;
import java.util.Map;

/**
 * The whole compatibility kit against a real redis-server the test JVM starts on a free loopback
 * port. Requests are counted by a delay proxy in front of the same server, which only the
 * kit's counted store goes through.
 */
class RedisStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final RedisServer SERVER = RedisServer.shared();
    static final DelayProxy PROXY = DelayProxy.start(SERVER.port(), Duration.ofMillis(50));

    @Override
    protected String storeType() {
        return "redis";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return Map.of("connection_string", SERVER.address());
    }

    @Override
    protected Map<String, Object> expiringStoreOptions(Duration ttl) {
        return Map.of("connection_string", SERVER.address(), "key_ttl_seconds", ttl.getSeconds());
    }

    @Override
    protected RequestCounting requestCounting() {
        return new CountedRequests(Map.of("connection_string", "127.0.0.1:" + PROXY.port()), PROXY::requestCount);
    }

    @Override
    protected int readBatchSize() {
        return RedisReader.CHUNK;
    }
}
