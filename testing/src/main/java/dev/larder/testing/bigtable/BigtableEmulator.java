package dev.larder.testing.bigtable;

import dev.larder.testing.FreePorts;
import dev.larder.testing.ServerProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The Cloud Bigtable emulator ({@code cbtemulator}) bundled in the Maven artifact
 * {@code com.google.cloud:google-cloud-bigtable-emulator-core}, run as a child process on
 * 127.0.0.1 and a free port. Tests and benchmarks share one instance per JVM through
 * {@link #shared()}; it is killed at {@link #stop()} or when the JVM exits (ServerProcess's hook),
 * and a small shell wrapper kills it too if the JVM dies without running hooks (kill -9, a crash).
 *
 * <p>The module using it declares {@code google-cloud-bigtable-emulator-core} itself (test scope):
 * it is an optional dependency of larder-testing.
 */
public final class BigtableEmulator implements AutoCloseable {
    private static final String ARTIFACT = "com.google.cloud:google-cloud-bigtable-emulator-core";
    private static BigtableEmulator shared;

    private final ServerProcess process;
    private final int port;

    private BigtableEmulator(ServerProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The emulator of this JVM, started on first use. */
    public static synchronized BigtableEmulator shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
        }
        return shared;
    }

    /** A new emulator of its own (empty), e.g. for a benchmark that must not share. */
    public static BigtableEmulator start() {
        Path dir = ServerProcess.tempDir("larder-bigtable-emulator");
        Path binary = extractBinary(dir);
        int port = FreePorts.find();
        long jvm = ProcessHandle.current().pid();
        // sh runs the emulator and watches the JVM: if the JVM disappears, the emulator goes too.
        String script = "\"$0\" -host 127.0.0.1 -port \"$1\" & child=$!; "
                + "trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT; "
                + "while kill -0 \"$2\" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; "
                + "kill $child 2>/dev/null; wait $child";
        List<String> command = List.of(ServerProcess.requireExecutable("sh", "apt-get install -y dash"), "-c", script,
                binary.toString(), Integer.toString(port), Long.toString(jvm));
        ServerProcess p = ServerProcess.start("cbtemulator", command, dir, Duration.ofSeconds(30), () -> FreePorts.isOpen(port));
        return new BigtableEmulator(p, port);
    }

    /** Copies the platform's bundled binary out of the emulator jar and makes it executable. */
    private static Path extractBinary(Path dir) {
        String platform = platform();
        String resource = "/gcloud/bigtable-" + platform + "/platform/bigtable-emulator/cbtemulator";
        try (InputStream in = BigtableEmulator.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The Bigtable emulator binary " + resource + " is not on the class path; add the Maven artifact "
                        + ARTIFACT + " (test scope) to the module running the tests");
            }
            Path binary = dir.resolve("cbtemulator");
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            if (!binary.toFile().setExecutable(true)) {
                throw new IllegalStateException("Cannot make " + binary + " executable");
            }
            binary.toFile().deleteOnExit();
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract the Bigtable emulator to " + dir, e);
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.contains("mac") || os.contains("darwin") ? "darwin" : null;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") || arch.equals("arm64") ? "arm" : null;
        if (o == null || a == null) {
            throw new IllegalStateException("The bundled Bigtable emulator has no binary for " + os + "/" + arch
                    + "; it supports linux and macOS on x86_64 and arm64");
        }
        return o + "-" + a;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, the value of the store's {@code emulator_host} option. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** The process id of the wrapper shell (the emulator is its child). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return process.log();
    }

    /** Stops the emulator and waits until its port is closed. */
    public void stop() {
        process.stop();
        FreePorts.awaitClosed(port, Duration.ofSeconds(10));
        synchronized (BigtableEmulator.class) {
            if (shared == this) shared = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
