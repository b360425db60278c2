package dev.larder.testing.cassandra;

import dev.larder.testing.FreePorts;
import dev.larder.testing.ServerProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A single-node Apache Cassandra 5.0 for tests and benchmarks, in its own JVM, built only from
 * Maven Central artifacts ({@code org.apache.cassandra:cassandra-all}), on 127.0.0.1 and free ports.
 *
 * <p>Not in the test JVM: Cassandra brings its own Guava, Netty and logback, installs a security
 * manager and cannot restart. It runs on JDK 11 or 17 (it fails on 24+), so the launcher looks
 * for such a JDK ({@code CASSANDRA_JAVA}, {@code JAVA_HOME}, {@code /usr/lib/jvm/*17*}, the test JVM).
 * As root, Cassandra would {@code mlockall} its whole heap; the launcher drops {@code CAP_IPC_LOCK}
 * with {@code setpriv} and lowers the memlock limit so it only warns. Data is throwaway:
 * {@code unsafesystem} and {@code skip_sync}, a 512 MB heap, small caches and memtables.
 * Ready means a real CQL handshake (an OPTIONS frame answered by SUPPORTED), not an open port.
 *
 * <p>System properties: {@code larder.cassandra.version} (default {@value #DEFAULT_VERSION}),
 * {@code larder.cassandra.workdir} (where the class path is cached; default the temp directory),
 * {@code larder.cassandra.heap} (default 512m), {@code larder.cassandra.start.timeout.seconds} (default 180),
 * plus those of {@link CassandraClasspath}.
 */
public final class CassandraNode implements AutoCloseable {
    public static final String DEFAULT_VERSION = "5.0.9";
    /** The data center name SimpleSnitch reports. */
    public static final String LOCAL_DC = "datacenter1";
    /** The superuser Cassandra creates on a node with password authentication (and its password). */
    public static final String SUPERUSER = "cassandra";

    private static CassandraNode shared;

    private final Path dir;
    private final int cqlPort;
    private final int storagePort;
    private final ServerProcess process;
    private final Thread cleanup;

    private CassandraNode(Path dir, int cqlPort, int storagePort, ServerProcess process) {
        this.dir = dir;
        this.cqlPort = cqlPort;
        this.storagePort = storagePort;
        this.process = process;
        this.cleanup = new Thread(this::stopAndDelete, "stop-cassandra-" + cqlPort);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** The node shared by every test in this JVM: started on first use, stopped when the JVM exits. */
    public static synchronized CassandraNode shared() {
        if (shared == null || !shared.isAlive()) {
            shared = start();
        }
        return shared;
    }

    /** Starts a private node (e.g. one a test stops on purpose). Stop it with {@link #stop()}. */
    public static CassandraNode start() {
        return start(false);
    }

    /**
     * Starts a private node that requires a login ({@code PasswordAuthenticator}); ready once the
     * superuser {@value #SUPERUSER} (password {@value #SUPERUSER}) can log in.
     */
    public static CassandraNode startWithPasswordAuthentication() {
        return start(true);
    }

    private static CassandraNode start(boolean passwordAuthentication) {
        String version = System.getProperty("larder.cassandra.version", DEFAULT_VERSION);
        Path cacheDir = Path.of(System.getProperty("larder.cassandra.workdir", System.getProperty("java.io.tmpdir") + "/larder-cassandra-cache"));
        String classpath = CassandraClasspath.resolve(version, cacheDir);
        String java = findJava();
        Path dir = ServerProcess.tempDir("larder-cassandra-");
        int cqlPort = FreePorts.find();
        int storagePort = FreePorts.find();
        while (storagePort == cqlPort) storagePort = FreePorts.find();
        try {
            Files.createDirectories(dir.resolve("conf/triggers"));
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("logs"));
            Files.writeString(dir.resolve("conf/cassandra.yaml"), yaml(dir.resolve("data"), cqlPort, storagePort, passwordAuthentication));
            Files.writeString(dir.resolve("conf/logback.xml"), LOGBACK);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the Cassandra configuration in " + dir, e);
        }
        List<String> command = new ArrayList<>();
        // A shell only to lower RLIMIT_MEMLOCK; exec keeps one process (the JVM) to stop.
        command.addAll(List.of("/bin/sh", "-c", "ulimit -S -l 64 2>/dev/null; exec \"$@\"", "cassandra"));
        if (isRoot()) {
            command.addAll(List.of(ServerProcess.requireExecutable("setpriv", "apt-get install -y util-linux"),
                    "--bounding-set", "-ipc_lock", "--inh-caps", "-ipc_lock"));
        }
        command.add(java);
        command.addAll(jvmOptions(dir));
        // The superuser is otherwise created 10 s after startup.
        if (passwordAuthentication) command.add("-Dcassandra.superuser_setup_delay_ms=0");
        command.addAll(List.of("-cp", classpath, "org.apache.cassandra.service.CassandraDaemon"));
        Duration timeout = Duration.ofSeconds(Long.getLong("larder.cassandra.start.timeout.seconds", 180));
        ServerProcess p = ServerProcess.start("cassandra", command, dir, timeout,
                () -> cqlHandshake(cqlPort) && (!passwordAuthentication || canLogIn(cqlPort, SUPERUSER, SUPERUSER)));
        return new CassandraNode(dir, cqlPort, storagePort, p);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int cqlPort() {
        return cqlPort;
    }

    public int storagePort() {
        return storagePort;
    }

    public String localDc() {
        return LOCAL_DC;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The server's log (stdout and stderr). */
    public Path log() {
        return process.log();
    }

    /** The server's log so far, for assertions on server-side warnings. */
    public String logText() {
        try {
            return Files.readString(log(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Freezes (SIGSTOP) or resumes (SIGCONT) the node, to test clients against an unresponsive server. */
    public void signal(String signal) {
        try {
            Process p = new ProcessBuilder(ServerProcess.requireExecutable("kill", "apt-get install -y procps"), "-" + signal, Long.toString(pid()))
                    .redirectErrorStream(true).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the node, waits until its ports are free, and deletes its files. */
    public void stop() {
        stopAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down; the hook runs or ran
        }
    }

    private synchronized void stopAndDelete() {
        if (process.isAlive()) {
            signalQuietly("CONT"); // a frozen JVM cannot handle SIGTERM
        }
        process.stop();
        FreePorts.awaitClosed(cqlPort, Duration.ofSeconds(10));
        deleteTree(dir);
    }

    private void signalQuietly(String signal) {
        try {
            signal(signal);
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "Cassandra node 127.0.0.1:" + cqlPort + " (pid " + (process.isAlive() ? process.pid() : "stopped") + ", dir " + dir + ")";
    }

    // ------------------------------------------------------------------------------- readiness

    /** Sends a protocol-v4 OPTIONS frame and expects a SUPPORTED response (version byte 0x84, opcode 0x06). */
    static boolean cqlHandshake(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00});
            out.flush();
            InputStream in = s.getInputStream();
            byte[] header = in.readNBytes(9);
            return header.length == 9 && (header[0] & 0xff) == 0x84 && header[4] == 0x06;
        } catch (IOException e) {
            return false;
        }
    }

    /** STARTUP, then a SASL PLAIN AUTH_RESPONSE: whether the node answers AUTH_SUCCESS (protocol v4 frames). */
    static boolean canLogIn(int port, String user, String password) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(5000);
            java.io.ByteArrayOutputStream startup = new java.io.ByteArrayOutputStream();
            java.io.DataOutputStream body = new java.io.DataOutputStream(startup);
            body.writeShort(1);
            body.writeUTF("CQL_VERSION");
            body.writeUTF("3.0.0");
            if (exchange(s, 0x01, startup.toByteArray()) != 0x03) return false; // AUTHENTICATE expected
            byte[] token = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
            java.nio.ByteBuffer auth = java.nio.ByteBuffer.allocate(4 + token.length).putInt(token.length).put(token);
            return exchange(s, 0x0F, auth.array()) == 0x10; // AUTH_SUCCESS
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends one request frame and returns the response's opcode (its body is read and dropped). */
    private static int exchange(Socket s, int opcode, byte[] body) throws IOException {
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(9 + body.length)
                .put((byte) 0x04).put((byte) 0).putShort((short) 0).put((byte) opcode).putInt(body.length).put(body);
        OutputStream out = s.getOutputStream();
        out.write(frame.array());
        out.flush();
        InputStream in = s.getInputStream();
        byte[] header = in.readNBytes(9);
        if (header.length < 9) throw new IOException("connection closed");
        int length = java.nio.ByteBuffer.wrap(header, 5, 4).getInt();
        in.readNBytes(length);
        return header[4] & 0xff;
    }

    // ------------------------------------------------------------------------------- JDK

    /** A JDK 11 or 17, the only ones Cassandra 5.0 runs on. */
    static String findJava() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("CASSANDRA_JAVA");
        if (env != null && !env.isBlank()) candidates.add(Path.of(env));
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) candidates.add(Path.of(javaHome, "bin", "java"));
        candidates.add(Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java"));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                s.sorted(Comparator.reverseOrder()).forEach(d -> candidates.add(d.resolve("bin/java")));
            } catch (IOException ignored) {
                // fall through to the remaining candidates
            }
        }
        candidates.add(Path.of(System.getProperty("java.home"), "bin", "java"));
        for (Path c : candidates) {
            if (!Files.isExecutable(c)) continue;
            int major = majorVersion(c.toAbsolutePath().getParent().getParent());
            if (major == 17 || major == 11) return c.toString();
        }
        throw new IllegalStateException("Cassandra 5.0 needs a JDK 11 or 17 (it fails on 24+), none found in CASSANDRA_JAVA, JAVA_HOME or /usr/lib/jvm."
                + " Install it with: apt-get install -y openjdk-17-jdk-headless (or set CASSANDRA_JAVA to a JDK 17 java binary)");
    }

    private static int majorVersion(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release)) return -1;
        try (InputStream in = Files.newInputStream(release)) {
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
            String first = v.split("[.+-]")[0];
            return first.isEmpty() ? -1 : Integer.parseInt(first);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[1].equals("0");
            }
        } catch (IOException ignored) {
            // not Linux: no capabilities to drop
        }
        return false;
    }

    // ------------------------------------------------------------------------------- configuration

    private static List<String> jvmOptions(Path dir) {
        String heap = System.getProperty("larder.cassandra.heap", "512m");
        List<String> o = new ArrayList<>(List.of(
                "-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "-Djdk.attach.allowAttachSelf=true", "-Dio.netty.tryReflectionSetAccessible=true",
                "-Djava.net.preferIPv4Stack=true"));
        // Cassandra 5.0's conf/jvm17-server.options; the first three are the ones it cannot boot without.
        for (String open : List.of("java.base/jdk.internal.ref", "java.base/sun.nio.ch", "java.base/java.io",
                "java.base/java.lang.module", "java.base/jdk.internal.loader", "java.base/jdk.internal.reflect",
                "java.base/jdk.internal.math", "java.base/jdk.internal.module", "java.base/jdk.internal.util.jar",
                "jdk.management/com.sun.management.internal", "java.base/java.lang.reflect", "jdk.compiler/com.sun.tools.javac",
                "java.base/java.lang", "java.base/java.util")) {
            o.add("--add-opens");
            o.add(open + "=ALL-UNNAMED");
        }
        for (String export : List.of("java.base/jdk.internal.misc", "java.management.rmi/com.sun.jmx.remote.internal.rmi",
                "java.rmi/sun.rmi.registry", "java.rmi/sun.rmi.server", "java.sql/java.sql", "java.base/java.lang.ref",
                "jdk.unsupported/sun.misc", "jdk.compiler/com.sun.tools.javac.file", "jdk.attach/sun.tools.attach")) {
            o.add("--add-exports");
            o.add(export + "=ALL-UNNAMED");
        }
        o.addAll(List.of(
                "-Dcassandra.config=" + dir.resolve("conf/cassandra.yaml").toUri(),
                "-Dcassandra-foreground=yes",
                "-Dcassandra.storagedir=" + dir.resolve("data"),
                "-Dcassandra.logdir=" + dir.resolve("logs"),
                "-Dcassandra.triggers_dir=" + dir.resolve("conf/triggers"),
                "-Dlogback.configurationFile=" + dir.resolve("conf/logback.xml"),
                "-Dcassandra.shutdown_announce_in_ms=0",
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                // Throwaway data: no fsync, unsafe system tables (much faster DDL).
                "-Dcassandra.unsafesystem=true", "-Dcassandra.skip_sync=true"));
        return o;
    }

    static String yaml(Path data, int cqlPort, int storagePort, boolean passwordAuthentication) {
        return "cluster_name: larder-test\n"
                + "num_tokens: 1\n"
                + "initial_token: 0\n"
                + "partitioner: org.apache.cassandra.dht.Murmur3Partitioner\n"
                + "endpoint_snitch: SimpleSnitch\n"
                + "seed_provider:\n"
                + "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n"
                + "    parameters:\n"
                + "      - seeds: \"127.0.0.1:" + storagePort + "\"\n"
                + "listen_address: 127.0.0.1\n"
                + "rpc_address: 127.0.0.1\n"
                + "storage_port: " + storagePort + "\n"
                + "native_transport_port: " + cqlPort + "\n"
                + "start_native_transport: true\n"
                + "data_file_directories: [" + data.resolve("data") + "]\n"
                + "commitlog_directory: " + data.resolve("commitlog") + "\n"
                + "saved_caches_directory: " + data.resolve("saved_caches") + "\n"
                + "hints_directory: " + data.resolve("hints") + "\n"
                + "cdc_raw_directory: " + data.resolve("cdc_raw") + "\n"
                + "commitlog_sync: periodic\n"
                // A node sharing two cores with other builds can take seconds to apply a write; the
                // defaults (2 s writes, 5 s reads) then fail requests the client would still wait for.
                + "write_request_timeout: 10000ms\n"
                + "read_request_timeout: 10000ms\n"
                + "commitlog_sync_period: 10000ms\n"
                + "authenticator: " + (passwordAuthentication ? "PasswordAuthenticator" : "AllowAllAuthenticator") + "\n"
                + "authorizer: AllowAllAuthorizer\n"
                + "auto_snapshot: false\n"
                + "memtable_heap_space: 64MiB\n"
                + "memtable_offheap_space: 64MiB\n"
                + "key_cache_size: 16MiB\n"
                + "counter_cache_size: 8MiB\n"
                + "file_cache_size: 32MiB\n"
                + "networking_cache_size: 16MiB\n"
                + "prepared_statements_cache_size: 8MiB\n"
                + "concurrent_compactors: 1\n";
    }

    private static final String LOGBACK = "<configuration>\n"
            + "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
            + "    <encoder><pattern>%-5level [%thread] %date{ISO8601} %logger{1}:%L - %msg%n</pattern></encoder>\n"
            + "  </appender>\n"
            + "  <logger name=\"org.apache.cassandra.utils.SigarLibrary\" level=\"OFF\"/>\n"
            + "  <root level=\"INFO\"><appender-ref ref=\"OUT\"/></root>\n"
            + "</configuration>\n";

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file still held open; the temp directory is cleaned by the OS eventually
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
