package dev.larder.testing.postgres;

import dev.larder.testing.FreePorts;
import dev.larder.testing.ServerProcess;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's {@code postgresql} package) in a fresh data directory:
 * {@code initdb} into a temporary directory, then the server on 127.0.0.1 and a free port.
 * PostgreSQL refuses to run as root, so when the tests run as root (CI does) every PostgreSQL
 * program runs as the {@code postgres} user the package creates, through {@code setpriv}, which
 * execs in place so the process we stop is the server itself. Password authentication over TCP
 * (scram-sha-256) is on, so clients exercise real credentials.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String INSTALL = "apt-get update && apt-get install -y postgresql";
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String SUPERUSER = "postgres";

    private static PostgresServer shared;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asRoot;
    private ServerProcess process;

    private PostgresServer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asRoot = "root".equals(System.getProperty("user.name"));
    }

    /** The test JVM's shared server, started on first use and stopped when the JVM exits. */
    public static synchronized PostgresServer shared() {
        if (shared == null) shared = start();
        return shared;
    }

    public static PostgresServer start() {
        PostgresServer s = new PostgresServer(binDir(), ServerProcess.tempDir("larder-postgres-"), FreePorts.find());
        s.launch();
        return s;
    }

    /** The newest installed version's programs: Debian keeps them in /usr/lib/postgresql/VERSION/bin, off the PATH. */
    static Path binDir() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(v -> parseVersion(v.getFileName().toString()))).orElse(null);
                if (newest != null) return newest.resolve("bin");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); the SQL registry tests start a"
                + " real server. Install it: " + INSTALL + " (scripts/test-all.sh does)");
    }

    private static int parseVersion(String s) {
        try {
            return Integer.parseInt(s.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void launch() {
        Path data = dir.resolve("data");
        try {
            if (asRoot) giveToPostgresUser(dir);
            Path pwfile = dir.resolve("superuser.pw");
            Files.writeString(pwfile, SUPERUSER + "\n");
            if (asRoot) giveToPostgresUser(pwfile);
            run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
                    "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"), Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare PostgreSQL's directory " + dir, e);
        }
        List<String> cmd = asPostgres(List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-p", String.valueOf(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir, "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=50"));
        process = ServerProcess.start("postgres-" + port, cmd, dir, START_TIMEOUT, this::ready);
    }

    private boolean ready() {
        try {
            Process p = new ProcessBuilder(bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Creates a login role with a password and a database it owns. */
    public void createDatabase(String database, String user, String password) {
        psql("CREATE ROLE \"" + user + "\" LOGIN PASSWORD '" + password.replace("'", "''") + "'");
        psql("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\"");
    }

    /** Runs one SQL statement as the superuser over the Unix socket (trusted). */
    public void psql(String sql) {
        run(List.of(bin.resolve("psql").toString(), "-h", dir.toString(), "-p", String.valueOf(port), "-U", SUPERUSER, "-d", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q", "-c", sql), Duration.ofSeconds(30));
    }

    /** A SQLAlchemy-style URL, as Feast's registry {@code path} takes it. */
    public String url(String user, String password, String database) {
        return "postgresql://" + user + ":" + password + "@127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    private List<String> asPostgres(List<String> command) {
        if (!asRoot) return command;
        List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=" + SUPERUSER, "--regid=" + SUPERUSER, "--init-groups", "--"));
        out.addAll(command);
        return out;
    }

    private void run(List<String> command, Duration timeout) {
        Path log = dir.resolve("commands.log");
        try {
            Process p = new ProcessBuilder(asPostgres(command)).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s; log " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(Path.of(command.get(0)).getFileName() + " failed with exit code " + p.exitValue() + ":\n"
                        + String.join("\n", tail(log)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        }
    }

    private static List<String> tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return lines.subList(Math.max(0, lines.size() - 20), lines.size());
    }

    private static void giveToPostgresUser(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        try {
            view.setOwner(users.lookupPrincipalByName(SUPERUSER));
            GroupPrincipal group = users.lookupPrincipalByGroupName(SUPERUSER);
            view.setGroup(group);
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IllegalStateException("Running as root, PostgreSQL needs the 'postgres' user that Debian's postgresql package creates;"
                    + " install it: " + INSTALL);
        }
    }

    /** Stops the server (by its pid) and removes nothing else. */
    public synchronized void stop() {
        if (process != null) {
            process.stop();
            process = null;
        }
        FreePorts.awaitClosed(port, Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        stop();
    }
}
