package dev.larder.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rows of one JMH JSON result file, looked up by benchmark method and parameters. */
final class Results {
    static final String PKG = "dev.larder.benchmarks.";

    /**
     * One benchmark × parameter combination. {@code score} is the <em>median</em> of the measured
     * iterations of every fork, {@code min} and {@code max} their range; {@code average} and
     * {@code error} are JMH's own score and 99.9% interval. The report compares medians: on a shared
     * machine a neighbour's burst can double one iteration, which moves an average of three or six
     * iterations far more than the difference a target is about, and leaves the median alone.
     */
    record Row(String benchmark, Map<String, String> params, double score, double min, double max, double average, double error,
               String unit, int forks, int warmups, String warmupTime, int iterations, String measurementTime, String mode) {

        /** {@code OnlineReadBenchmark.read}: the class and method without the package. */
        String shortName() {
            return benchmark.startsWith(PKG) ? benchmark.substring(PKG.length()) : benchmark;
        }

        String param(String name) {
            return params.get(name);
        }

        /** "12.3 [11.8–14.0]": the median and the range of the measured iterations; one number for a single iteration. */
        String formatted() {
            return min == max ? Report.num(score) : Report.num(score) + " [" + Report.num(min) + "–" + Report.num(max) + "]";
        }
    }

    final List<Row> rows = new ArrayList<>();
    final JsonNode json;

    Results(JsonNode json) {
        this.json = json;
        for (JsonNode n : json) {
            Map<String, String> params = new LinkedHashMap<>();
            JsonNode p = n.get("params");
            if (p != null) p.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode m = n.get("primaryMetric");
            List<Double> iterations = new ArrayList<>();
            for (JsonNode fork : m.path("rawData")) for (JsonNode v : fork) iterations.add(number(v));
            iterations.removeIf(v -> Double.isNaN(v));
            Collections.sort(iterations);
            double average = number(m.get("score"));
            double median = iterations.isEmpty() ? average : median(iterations);
            double min = iterations.isEmpty() ? average : iterations.get(0);
            double max = iterations.isEmpty() ? average : iterations.get(iterations.size() - 1);
            rows.add(new Row(n.get("benchmark").asText(), params, median, min, max, average, number(m.get("scoreError")),
                    m.get("scoreUnit").asText(), n.path("forks").asInt(), n.path("warmupIterations").asInt(),
                    n.path("warmupTime").asText(""), n.path("measurementIterations").asInt(), n.path("measurementTime").asText(""),
                    n.path("mode").asText()));
        }
    }

    /**
     * Per measured iteration, the ratio of two secondary metrics of one JMH result (e.g. each reader's
     * summed nanoseconds in a paired benchmark), sorted; empty when either metric is missing.
     */
    static List<Double> pairedRatios(JsonNode secondaryMetrics, String numerator, String denominator) {
        JsonNode a = secondaryMetrics.path(numerator).path("rawData");
        JsonNode b = secondaryMetrics.path(denominator).path("rawData");
        List<Double> out = new ArrayList<>();
        for (int fork = 0; fork < Math.min(a.size(), b.size()); fork++) {
            for (int i = 0; i < Math.min(a.get(fork).size(), b.get(fork).size()); i++) {
                double x = number(a.get(fork).get(i)), y = number(b.get(fork).get(i));
                if (y > 0 && !Double.isNaN(x)) out.add(x / y);
            }
        }
        Collections.sort(out);
        return out;
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double number(JsonNode n) {
        if (n == null || n.isNull()) return Double.NaN;
        if (n.isNumber()) return n.asDouble();
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Rows of {@code Class.method}. */
    List<Row> of(String shortName) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) if (r.shortName().equals(shortName)) out.add(r);
        return out;
    }

    /** Rows of {@code Class.method} whose parameter {@code param} is {@code value}. */
    List<Row> all(String shortName, String param, String value) {
        List<Row> out = new ArrayList<>();
        for (Row r : of(shortName)) if (value.equals(r.param(param))) out.add(r);
        return out;
    }

    /** The row of {@code Class.method} whose parameters include all of {@code params} (name, value, name, value...). */
    Optional<Row> find(String shortName, String... params) {
        outer:
        for (Row r : of(shortName)) {
            for (int i = 0; i < params.length; i += 2) {
                if (!params[i + 1].equals(r.param(params[i]))) continue outer;
            }
            return Optional.of(r);
        }
        return Optional.empty();
    }

    /** Distinct values of a parameter among the rows of {@code Class.method}, in first-seen order. */
    List<String> values(String shortName, String param) {
        List<String> out = new ArrayList<>();
        for (Row r : of(shortName)) {
            String v = r.param(param);
            if (v != null && !out.contains(v)) out.add(v);
        }
        return out;
    }
}
