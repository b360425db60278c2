package dev.larder.testing.cassandra;

import dev.larder.testing.ServerProcess;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runtime class path of {@code org.apache.cassandra:cassandra-all}, resolved by Maven from
 * Maven Central into the local repository and cached in a text file.
 *
 * <p>Why a separate Maven run on a generated pom instead of a dependency of the test module:
 * the server must run with exactly the versions Cassandra declares. Inside the project's reactor
 * the parent's dependencyManagement (Netty, Jackson, slf4j pins) would silently change them, the
 * enforcer's convergence rules would reject the tree, and Cassandra's jars would leak into the test
 * JVM. A throwaway pom with no parent has none of these problems.
 *
 * <p>System properties (set by the module's Surefire configuration):
 * {@code larder.maven.home} (Maven to run; else {@code mvn} on the PATH),
 * {@code larder.maven.repo.local} (the local repository the build uses). Maven runs offline first
 * and online only when the local repository lacks something.
 */
public final class CassandraClasspath {
    /** The maven-dependency-plugin that writes the class path; pinned like the project's own. */
    static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath";

    private CassandraClasspath() {
    }

    /**
     * The class path of cassandra-all {@code version}, from {@code cacheDir/classpath-<version>.txt}
     * when every jar listed there still exists, else resolved with Maven.
     */
    public static String resolve(String version, Path cacheDir) {
        Path cpFile = cacheDir.resolve("classpath-" + version + ".txt");
        String cached = readValid(cpFile);
        if (cached != null) return cached;
        try {
            Files.createDirectories(cacheDir);
            Path resolveDir = Files.createDirectories(cacheDir.resolve("resolve-" + version));
            Files.writeString(resolveDir.resolve("pom.xml"), pom(version), StandardCharsets.UTF_8);
            Path out = resolveDir.resolve("classpath.txt");
            // Offline first: fast, and enough when the jars are already in the local repository.
            if (!runMaven(resolveDir, out, true, version) && !runMaven(resolveDir, out, false, version)) {
                throw new IllegalStateException("Maven could not resolve org.apache.cassandra:cassandra-all:" + version
                        + " (needed to run a real Cassandra node for the tests): Maven Central must be reachable, or the jars already be in the local repository."
                        + " Log " + resolveDir.resolve("mvn-online.log") + ":\n" + tail(resolveDir.resolve("mvn-online.log")));
            }
            Path tmp = cacheDir.resolve(cpFile.getFileName() + ".tmp");
            Files.copy(out, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, cpFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resolve the Cassandra server class path in " + cacheDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while resolving the Cassandra server class path", e);
        }
        String cp = readValid(cpFile);
        if (cp == null) throw new IllegalStateException("Maven wrote an empty or stale Cassandra class path to " + cpFile);
        return cp;
    }

    private static boolean runMaven(Path resolveDir, Path out, boolean offline, String version) throws IOException, InterruptedException {
        Files.deleteIfExists(out);
        List<String> cmd = new ArrayList<>(List.of(mavenExecutable(), "-B", "-q", "-f", resolveDir.resolve("pom.xml").toString()));
        if (offline) cmd.add("-o");
        String repo = System.getProperty("larder.maven.repo.local", "");
        if (!repo.isBlank()) cmd.add("-Dmaven.repo.local=" + repo);
        cmd.addAll(List.of(DEPENDENCY_PLUGIN, "-Dmdep.outputFile=" + out, "-Dmdep.includeScope=runtime"));
        Path log = resolveDir.resolve(offline ? "mvn-offline.log" : "mvn-online.log");
        Process p = new ProcessBuilder(cmd).directory(resolveDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("Maven did not resolve cassandra-all " + version + " within 15 minutes; log " + log);
        }
        return p.exitValue() == 0 && Files.isRegularFile(out);
    }

    private static String readValid(Path cpFile) {
        try {
            if (!Files.isRegularFile(cpFile)) return null;
            String cp = Files.readString(cpFile, StandardCharsets.UTF_8).trim();
            if (cp.isEmpty() || !cp.contains("cassandra-all")) return null;
            for (String jar : cp.split(File.pathSeparator)) {
                if (!Files.isRegularFile(Path.of(jar))) return null;
            }
            return cp;
        } catch (IOException e) {
            return null;
        }
    }

    private static String mavenExecutable() {
        String home = System.getProperty("larder.maven.home", "");
        if (!home.isBlank()) {
            Path mvn = Path.of(home, "bin", "mvn");
            if (Files.isExecutable(mvn)) return mvn.toString();
        }
        return ServerProcess.requireExecutable("mvn", "apt-get install -y maven (Maven resolves the Cassandra server jars from Maven Central)");
    }

    static String pom(String version) {
        return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                + "  <modelVersion>4.0.0</modelVersion>\n"
                + "  <!-- Generated by Larder's test launcher: resolves the Cassandra server's own class path. -->\n"
                + "  <groupId>dev.larder.generated</groupId><artifactId>cassandra-server-classpath</artifactId><version>1</version>\n"
                + "  <packaging>pom</packaging>\n"
                + "  <dependencies>\n"
                + "    <dependency><groupId>org.apache.cassandra</groupId><artifactId>cassandra-all</artifactId><version>" + version + "</version></dependency>\n"
                + "  </dependencies>\n"
                + "</project>\n";
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
