package dev.larder.testing.redis;

import dev.larder.testing.FreePorts;
import dev.larder.testing.ServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} (Debian's package) on 127.0.0.1 and a free port, without
 * persistence. {@link #shared()} is the one instance a test JVM shares; tests that stop their
 * server start their own with {@link #start}.
 */
public final class RedisServer implements AutoCloseable {
    public static final String INSTALL = "apt-get update && apt-get install -y redis-server redis-sentinel";
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private static RedisServer shared;

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private ServerProcess process;

    private RedisServer(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** The test JVM's shared server, started on first use and stopped when the JVM exits. */
    public static synchronized RedisServer shared() {
        if (shared == null) shared = start();
        return shared;
    }

    public static RedisServer start(String... extraArgs) {
        RedisServer s = new RedisServer(FreePorts.find(), ServerProcess.tempDir("larder-redis-"), List.of(extraArgs));
        s.launch();
        return s;
    }

    static List<String> baseCommand(int port, Path dir) {
        String exe = ServerProcess.requireExecutable("redis-server", INSTALL);
        return new ArrayList<>(List.of(exe, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(), "--protected-mode", "no"));
    }

    private void launch() {
        List<String> cmd = baseCommand(port, dir);
        cmd.addAll(extraArgs);
        process = ServerProcess.start("redis-" + port, cmd, dir, START_TIMEOUT, () -> readyOn(port));
    }

    /** Up and answering (a password-protected server answers NOAUTH, which counts). */
    static boolean readyOn(int port) {
        try {
            Resp.call(port, "PING");
            return true;
        } catch (Resp.ErrorReply e) {
            return e.getMessage().startsWith("NOAUTH");
        } catch (RuntimeException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, a connection string. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Kills the server and waits until its port is closed. */
    public synchronized void stop() {
        if (process != null) {
            process.stop();
            process = null;
        }
        FreePorts.awaitClosed(port, Duration.ofSeconds(10));
    }

    /** Kills the server with SIGKILL, as a crash would (no goodbye to clients), and waits until its port is closed. */
    public synchronized void kill() {
        if (process != null) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            process.stop();
            process = null;
        }
        FreePorts.awaitClosed(port, Duration.ofSeconds(10));
    }

    /** Starts a stopped server again on the same port (its data is gone: no persistence). */
    public synchronized void restart() {
        if (process != null && process.isAlive()) return;
        launch();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
    }
}
