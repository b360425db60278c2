package dev.larder.testing.redis;

import dev.larder.testing.FreePorts;
import dev.larder.testing.ServerProcess;
import dev.larder.testing.net.DelayProxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Redis master plus one {@code redis-sentinel} monitoring it (quorum 1) on 127.0.0.1,
 * ready once the sentinel reports the master's address.
 *
 * <p>{@link #startBehindProxy} puts a {@link DelayProxy} in front of the master and has the
 * sentinel monitor the proxy, so the master address the sentinel hands to clients is the proxy's
 * and {@link #requestCount()} counts their client turns. The sentinel's own traffic to the master
 * would be counted too, so that sentinel is made silent ({@code SENTINEL DEBUG} ping, info and
 * publish periods of an hour, and an hour before it would call the master down): it still
 * answers clients, but no longer watches the master, so such a sentinel never fails over.
 */
public final class RedisSentinelServers implements AutoCloseable {
    public static final String MASTER_NAME = "larder-master";
    private static RedisSentinelServers shared;

    /** SENTINEL DEBUG periods and down-after of a silent sentinel: an hour. */
    static final String SILENT_MS = "3600000";

    private final RedisServer master;
    private final int sentinelPort;
    private final DelayProxy proxy;
    private ServerProcess sentinel;

    private RedisSentinelServers(RedisServer master, int sentinelPort, DelayProxy proxy) {
        this.master = master;
        this.sentinelPort = sentinelPort;
        this.proxy = proxy;
    }

    public static synchronized RedisSentinelServers shared() {
        if (shared == null) shared = start();
        return shared;
    }

    public static RedisSentinelServers start() {
        return start(null);
    }

    /** A master reached only through a delay proxy adding {@code addedRoundTrip}, and a silent sentinel naming the proxy. */
    public static RedisSentinelServers startBehindProxy(Duration addedRoundTrip) {
        return start(addedRoundTrip);
    }

    private static RedisSentinelServers start(Duration addedRoundTrip) {
        RedisServer master = RedisServer.start();
        DelayProxy proxy = addedRoundTrip == null ? null : DelayProxy.start(master.port(), addedRoundTrip);
        RedisSentinelServers s = new RedisSentinelServers(master, FreePorts.find(), proxy);
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
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterClientPort() + " 1",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " " + (proxy == null ? "5000" : SILENT_MS),
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sentinel = ServerProcess.start("redis-sentinel-" + sentinelPort, List.of(exe, conf.toString()), dir, RedisServer.START_TIMEOUT,
                this::knowsMaster);
        if (proxy != null) {
            Resp.call(sentinelPort, "SENTINEL", "DEBUG", "ping-period", SILENT_MS, "info-period", SILENT_MS, "publish-period", SILENT_MS);
        }
    }

    /** The master's port as clients reach it: the proxy's, when there is one. */
    private int masterClientPort() {
        return proxy == null ? master.port() : proxy.port();
    }

    private boolean knowsMaster() {
        try {
            Object reply = Resp.call(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
            return reply instanceof List && List.of("127.0.0.1", String.valueOf(masterClientPort())).equals(reply);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Client turns through the master's proxy so far (see {@link DelayProxy#requestCount()}). */
    public long requestCount() {
        if (proxy == null) throw new IllegalStateException("this master was started without a proxy: nothing counts its requests");
        return proxy.requestCount();
    }

    /** The master itself (its {@link RedisServer#port()} bypasses the proxy). */
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
        if (proxy != null) proxy.close();
        master.stop();
        FreePorts.awaitClosed(sentinelPort, Duration.ofSeconds(5));
    }
}
