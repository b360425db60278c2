package dev.larder.testing.redis;

import dev.larder.testing.FreePorts;
import dev.larder.testing.ServerProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Redis master plus one {@code redis-sentinel} monitoring it (quorum 1) on 127.0.0.1,
 * ready once the sentinel reports the master's address.
 */
public final class RedisSentinelServers implements AutoCloseable {
    public static final String MASTER_NAME = "larder-master";
    private static RedisSentinelServers shared;

    private final RedisServer master;
    private final int sentinelPort;
    private ServerProcess sentinel;

    private RedisSentinelServers(RedisServer master, int sentinelPort) {
        this.master = master;
        this.sentinelPort = sentinelPort;
    }

    public static synchronized RedisSentinelServers shared() {
        if (shared == null) shared = start();
        return shared;
    }

    public static RedisSentinelServers start() {
        RedisServer master = RedisServer.start();
        RedisSentinelServers s = new RedisSentinelServers(master, FreePorts.find());
        try {
            s.launch();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void launch() {
        String exe = ServerProcess.requireExecutable("redis-sentinel", RedisServer.INSTALL);
        Path dir = ServerProcess.tempDir("larder-redis-sentinel-");
        Path conf = dir.resolve("sentinel.conf");
        try {
            // The sentinel rewrites its config file, so it lives in the sentinel's own directory.
            Files.writeString(conf, String.join("\n",
                    "port " + sentinelPort,
                    "bind 127.0.0.1",
                    "daemonize no",
                    "protected-mode no",
                    "dir " + dir,
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 5000",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sentinel = ServerProcess.start("redis-sentinel-" + sentinelPort, List.of(exe, conf.toString()), dir, RedisServer.START_TIMEOUT,
                this::knowsMaster);
    }

    private boolean knowsMaster() {
        try {
            Object reply = Resp.call(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
            return reply instanceof List && List.of("127.0.0.1", String.valueOf(master.port())).equals(reply);
        } catch (RuntimeException e) {
            return false;
        }
    }

    public RedisServer master() {
        return master;
    }

    public int sentinelPort() {
        return sentinelPort;
    }

    /** {@code 127.0.0.1:sentinelPort}, a sentinel connection string. */
    public String connectionString() {
        return "127.0.0.1:" + sentinelPort;
    }

    @Override
    public void close() {
        if (sentinel != null) sentinel.stop();
        master.stop();
        FreePorts.awaitClosed(sentinelPort, Duration.ofSeconds(5));
    }
}
