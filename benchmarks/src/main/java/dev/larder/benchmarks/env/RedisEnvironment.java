package dev.larder.benchmarks.env;

import dev.larder.testing.ServerProcess;
import dev.larder.testing.redis.RedisServer;

import java.nio.file.Path;
import java.util.Map;

/** A redis-server of its own (Debian's package) on a free loopback port, started by the tests' launcher. */
final class RedisEnvironment implements BackendEnvironment {
    private final RedisServer server = RedisServer.start();
    private final Path dir = ServerProcess.tempDir("larder-bench-redis");

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public Map<String, Object> storeOptions() {
        return storeOptionsVia(server.port());
    }

    @Override
    public Map<String, Object> storeOptionsVia(int port) {
        return Map.of("connection_string", "127.0.0.1:" + port);
    }

    @Override
    public int serverPort() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        Environments.deleteQuietly(dir);
    }
}
