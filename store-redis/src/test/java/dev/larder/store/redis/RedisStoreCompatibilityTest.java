package dev.larder.store.redis;

import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.testing.redis.RedisServer;

import java.time.Duration;
import java.util.Map;

/** The whole compatibility kit against a real redis-server the test JVM starts on a free loopback port. */
class RedisStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final RedisServer SERVER = RedisServer.shared();

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
}
