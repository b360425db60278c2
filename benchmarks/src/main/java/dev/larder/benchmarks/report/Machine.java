package dev.larder.benchmarks.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** What the run ran on: cores, memory, JDK, and the version of every server and client. */
final class Machine {
    private Machine() {
    }

    static Map<String, String> describe(Results results) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores available to the JVM (nproc)");
        m.put("Memory", memTotal());
        m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        if (results.json.size() > 0) {
            var first = results.json.get(0);
            m.put("JDK (benchmark JVMs)", first.path("vmName").asText() + " " + first.path("vmVersion").asText());
            m.put("JMH", first.path("jmhVersion").asText());
        }
        Properties v = new Properties();
        try (InputStream in = Machine.class.getResourceAsStream("/larder-benchmarks-versions.properties")) {
            if (in != null) v.load(in);
        } catch (IOException ignored) {
            // versions are informative
        }
        m.put("SQLite", "sqlite-jdbc " + artifact("org.xerial", "sqlite-jdbc") + " (SQLite " + sqliteVersion() + ", embedded)");
        m.put("Redis", redisVersion() + "; client Lettuce " + artifact("io.lettuce", "lettuce-core"));
        m.put("DynamoDB", "DynamoDB Local " + v.getProperty("dynamodb.local", "?") + " in the benchmark JVM; client AWS SDK "
                + artifact("software.amazon.awssdk", "dynamodb"));
        m.put("Cassandra", "Apache Cassandra " + v.getProperty("cassandra.server", "?") + " in its own JVM; client java-driver-core "
                + artifact("org.apache.cassandra", "java-driver-core"));
        m.put("Bigtable", "emulator " + artifact("com.google.cloud", "google-cloud-bigtable-emulator-core") + " (cbtemulator); client google-cloud-bigtable "
                + artifact("com.google.cloud", "google-cloud-bigtable"));
        return m;
    }

    /** The version in the jar's Maven metadata, or "not on the class path". */
    static String artifact(String group, String artifact) {
        try (InputStream in = Machine.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
            if (in == null) return "(not on the class path)";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format("%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return "?";
    }

    private static String sqliteVersion() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select sqlite_version()")) {
            return rs.next() ? rs.getString(1) : "?";
        } catch (Exception e) {
            return "?";
        }
    }

    private static String redisVersion() {
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            Path exe = Path.of(dir, "redis-server");
            if (!Files.isExecutable(exe)) continue;
            try {
                Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                p.waitFor(10, TimeUnit.SECONDS);
                return out;
            } catch (IOException e) {
                return "redis-server (version unknown)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "redis-server (version unknown)";
            }
        }
        return "redis-server not installed";
    }
}
