package dev.larder.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarizes an async-profiler CPU profile in collapsed form ({@code -prof async:output=collapsed}) of
 * a benchmark fork: how many cores were busy on average, and which component spent the CPU (the
 * server running in the fork, the client library, Larder, the delay proxy, the JIT compiler, GC).
 * A sample is charged to the deepest (closest to the leaf) frame of a known package, so Larder's code
 * called back from a client thread counts as Larder, and the client's code under Larder's as the client.
 *
 * <pre>java -cp benchmarks.jar dev.larder.benchmarks.report.ProfileSummary collapsed-cpu.csv interval-ns measured-seconds</pre>
 */
public final class ProfileSummary {
    /** Frame prefix (slashes, as async-profiler writes them) to component; the first match wins. */
    private static final Map<String, String> COMPONENTS = new LinkedHashMap<>();

    static {
        COMPONENTS.put("dev/larder/testing/net/DelayProxy", "delay proxy (emulated network)");
        COMPONENTS.put("com/almworks/sqlite4java", "server: DynamoDB Local");
        COMPONENTS.put("com/amazonaws/services/dynamodbv2", "server: DynamoDB Local");
        COMPONENTS.put("org/eclipse/jetty", "server: DynamoDB Local");
        COMPONENTS.put("org/antlr", "server: DynamoDB Local");
        COMPONENTS.put("software/amazon/awssdk", "client: AWS SDK");
        COMPONENTS.put("com/datastax/oss", "client: Cassandra java-driver");
        COMPONENTS.put("com/google/cloud/bigtable", "client: Bigtable (google-cloud-bigtable, gRPC, protobuf)");
        COMPONENTS.put("com/google/api/gax", "client: Bigtable (google-cloud-bigtable, gRPC, protobuf)");
        COMPONENTS.put("io/grpc", "client: Bigtable (google-cloud-bigtable, gRPC, protobuf)");
        COMPONENTS.put("com/google/protobuf", "client: Bigtable (google-cloud-bigtable, gRPC, protobuf)");
        COMPONENTS.put("io/netty", "client: Netty (the clients' network I/O)");
        COMPONENTS.put("io/lettuce", "client: Lettuce");
        COMPONENTS.put("org/sqlite", "SQLite (JDBC driver and native library)");
        COMPONENTS.put("dev/larder/benchmarks", "benchmark harness");
        COMPONENTS.put("org/openjdk/jmh", "benchmark harness");
        COMPONENTS.put("dev/larder", "Larder");
    }

    private ProfileSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ProfileSummary <collapsed-cpu.csv> <sampling interval in ns> <measured seconds>");
            System.exit(2);
        }
        System.out.print(summarize(Files.readAllLines(Path.of(args[0])), Long.parseLong(args[1]), Double.parseDouble(args[2])));
    }

    static String summarize(List<String> lines, long intervalNs, double measuredSeconds) {
        Map<String, Long> byComponent = new TreeMap<>();
        Map<String, Long> sqliteQueue = new TreeMap<>();
        Map<String, Long> leaves = new TreeMap<>();
        long total = 0;
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            if (space < 0) continue;
            long n = Long.parseLong(line.substring(space + 1).trim());
            String[] frames = line.substring(0, space).split(";");
            total += n;
            String component = component(frames);
            byComponent.merge(component, n, Long::sum);
            if (line.contains("SQLiteQueue.runQueue")) sqliteQueue.merge("on DynamoDB Local's single SQLiteQueue thread", n, Long::sum);
            leaves.merge(leafName(frames[frames.length - 1]), n, Long::sum);
        }
        StringBuilder out = new StringBuilder();
        double cpuSeconds = total * intervalNs / 1e9;
        out.append(String.format(Locale.ROOT, "CPU samples: %,d (%.2f CPU-seconds over %.1f measured seconds: %.2f cores busy on average)%n%n",
                total, cpuSeconds, measuredSeconds, cpuSeconds / measuredSeconds));
        out.append("CPU by component (a sample goes to the deepest frame of a known package):\n");
        appendShares(out, byComponent, total);
        if (!sqliteQueue.isEmpty()) {
            out.append("\nOf which:\n");
            appendShares(out, sqliteQueue, total);
        }
        out.append("\nHottest leaf frames:\n");
        appendShares(out, top(leaves, 15), total);
        return out.toString();
    }

    /**
     * A native library without symbols shows as its path; sqlite-jdbc extracts its library under a
     * random name ({@code /tmp/sqlite-3.50.3.0-<uuid>-libsqlitejdbc.so}): keep the file name without the UUID.
     */
    static String leafName(String frame) {
        if (!frame.startsWith("/")) return frame;
        return frame.substring(frame.lastIndexOf('/') + 1)
                .replaceAll("-?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "") + " (native, no symbols)";
    }

    private static String component(String[] frames) {
        for (int i = frames.length - 1; i >= 0; i--) {
            for (Map.Entry<String, String> e : COMPONENTS.entrySet()) {
                if (frames[i].startsWith(e.getKey())) return e.getValue();
            }
        }
        String all = String.join(";", frames);
        if (all.contains("CompileBroker") || all.contains("Compiler")) return "JIT compiler";
        if (all.contains("G1") || all.contains("GC")) return "garbage collector";
        return "other (JDK threads, kernel, VM)";
    }

    private static Map<String, Long> top(Map<String, Long> counts, int n) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : entries.subList(0, Math.min(n, entries.size()))) out.put(e.getKey(), e.getValue());
        return out;
    }

    private static void appendShares(StringBuilder out, Map<String, Long> counts, long total) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (Map.Entry<String, Long> e : entries) {
            out.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
        }
    }
}
