package dev.larder.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency-distribution charts (p50, p90, p99, p99.9 on a log axis) from the serving benchmarks'
 * results, drawn by {@code bench/charts.sh}:
 * <ul>
 *   <li>{@code load-<shape>.png} from {@code load-results.json} ({@code bench/load.sh}): per shape, each
 *       store and the fixed-answer floor at {@value #LOAD_RATE} requests/s;</li>
 *   <li>{@code embedded-latency.png} from {@code embedded-latency.json} and, when present,
 *       {@code embedded-latency-raw.json} ({@code bench/embedded-latency.sh}): the facade on Redis for
 *       each shape, cache off and on, and raw Lettuce sending the same HMGETs.</li>
 * </ul>
 * A file that is missing is skipped with a line saying so.
 */
public final class LatencyCharts {
    static final int LOAD_RATE = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LatencyCharts() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "docs/benchmarks");
        load(dir);
        embedded(dir);
    }

    static void load(Path dir) throws IOException {
        Path file = dir.resolve("load-results.json");
        if (!Files.exists(file)) {
            System.out.println("no " + file + ": run bench/load.sh first; load charts skipped");
            return;
        }
        JsonNode doc = JSON.readTree(file.toFile());
        Map<String, Map<String, Map<String, Double>>> byShape = new LinkedHashMap<>();
        for (JsonNode run : doc.path("runs")) {
            if (run.path("target_rate").asInt() != LOAD_RATE) continue;
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("p50", run.path("p50_ms").asDouble());
            p.put("p90", run.path("p90_ms").asDouble());
            p.put("p99", run.path("p99_ms").asDouble());
            p.put("p99.9", run.path("p999_ms").asDouble());
            String store = run.path("store").asText();
            String name = store.equals("floor") ? "floor: Armeria answering fixed bytes" : "larder serve, " + store;
            byShape.computeIfAbsent(run.path("shape").asText(), s -> new LinkedHashMap<>()).put(name, p);
        }
        if (byShape.isEmpty()) System.out.println(file + " has no run at " + LOAD_RATE + " req/s (RATES); load charts skipped");
        JsonNode m = doc.path("machine");
        for (Map.Entry<String, Map<String, Map<String, Double>>> e : byShape.entrySet()) {
            Path png = dir.resolve("load-" + e.getKey() + ".png");
            String jdk = m.path("jdk").asText().replaceAll("^openjdk version ([^ ]+).*", "JDK $1");
            Charts.bar(png, "larder serve, " + e.getKey().replace("x", " x ") + " at " + LOAD_RATE + " req/s (hey, "
                    + m.path("cpus").asText() + " CPUs, " + jdk + ")", "percentile", "ms (log)", e.getValue(), true);
            System.out.println("wrote " + png);
        }
    }

    static void embedded(Path dir) throws IOException {
        Path file = dir.resolve("embedded-latency.json");
        if (!Files.exists(file)) {
            System.out.println("no " + file + ": run bench/embedded-latency.sh first; embedded chart skipped");
            return;
        }
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        for (JsonNode b : JSON.readTree(file.toFile())) {
            JsonNode params = b.path("params");
            if (!params.path("storeType").asText().equals("redis")) continue; // the store with a raw floor beside it
            String name = "facade, " + params.path("storeType").asText() + " " + params.path("shape").asText()
                    + (params.path("cache").asText().equals("on") ? " (cache hit)" : "");
            series.put(name, percentiles(b));
        }
        Path raw = dir.resolve("embedded-latency-raw.json");
        if (Files.exists(raw)) {
            for (JsonNode b : JSON.readTree(raw.toFile())) series.put("raw Lettuce, redis " + b.path("params").path("shape").asText(), percentiles(b));
        }
        Path png = dir.resolve("embedded-latency.png");
        Charts.bar(png, "FeatureStore.getOnlineFeatures on Redis, embedded (JMH SampleTime), and raw Lettuce", "percentile", "µs (log)", series, true);
        System.out.println("wrote " + png);
    }

    /** JMH SampleTime's percentiles, in the result's unit. */
    private static Map<String, Double> percentiles(JsonNode b) {
        JsonNode p = b.path("primaryMetric").path("scorePercentiles");
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("p50", p.path("50.0").asDouble());
        out.put("p90", p.path("90.0").asDouble());
        out.put("p99", p.path("99.0").asDouble());
        out.put("p99.9", p.path("99.9").asDouble());
        return out;
    }
}
