package dev.larder.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server running as a child process for tests and benchmarks: output goes to a log file, start
 * waits for a readiness check, and the process is killed at {@link #stop()} or, at the latest,
 * when the JVM exits (so a failing test run leaves nothing behind).
 */
public final class ServerProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Path log;
    private final Path workDir;
    private Process process;
    private final Thread shutdownHook;

    private ServerProcess(String name, List<String> command, Path workDir) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.log = workDir.resolve(name + ".log");
        this.shutdownHook = new Thread(this::kill, "stop-" + name);
    }

    /**
     * Starts {@code command} in {@code workDir} and waits until {@code ready} is true.
     *
     * @throws IllegalStateException if the process exits or is not ready within the timeout; the message holds the log's tail
     */
    public static ServerProcess start(String name, List<String> command, Path workDir, Duration timeout, BooleanSupplier ready) {
        ServerProcess p = new ServerProcess(name, command, workDir);
        p.launch(timeout, ready);
        return p;
    }

    private void launch(Duration timeout, BooleanSupplier ready) {
        try {
            Files.createDirectories(workDir);
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + " during startup; log " + log + ":\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s; log " + log + ":\n" + tail());
            }
            FreePorts.sleep(50);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
    public void stop() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down
        }
    }

    private void kill() {
        if (process == null || !process.isAlive()) return;
        List<ProcessHandle> children = new ArrayList<>();
        process.descendants().forEach(children::add);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        stop();
    }

    /** A fresh temporary directory for a server's files. */
    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The absolute path of an executable on the PATH or in the usual system directories, or a failure saying how to install it. */
    public static String requireExecutable(String executable, String howToInstall) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) continue;
            File f = new File(dir, executable);
            if (f.canExecute()) return f.getAbsolutePath();
        }
        throw new IllegalStateException(executable + " is not installed; the tests need a real server. Install it with: " + howToInstall);
    }
}
