package dev.larder.benchmarks;

import dev.larder.FeatureStore;
import dev.larder.OnlineResponse;
import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.config.CacheConfig;
import dev.larder.FieldStatus;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Latency distribution (JMH {@code SampleTime}: p50, p90, p99, p99.9 of single calls) of the
 * embedded facade, {@code FeatureStore.getOnlineFeatures}, on data shaped like Feast's benchmark
 * (feast-dev/feast-benchmarks: {@code entities} entities × 250 INT64 features), for the shapes
 * Feast published and the multi-view one of issue 17:
 * <ul>
 *   <li>{@code 1x50}, {@code 1x250}, {@code 100x50}: entity rows × features of the 250-feature view;</li>
 *   <li>{@code 100x50_5views}: 100 rows × 50 features spread over 5 views of 10 (sharing the join key).</li>
 * </ul>
 * Each call asks for random entities. {@code cache=on} turns on the in-process cache for every
 * view and reads every entity once in setup, so calls measure cache hits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FeatureStoreReadBenchmark {
    static final int WIDE_FEATURES = 250;
    static final int SMALL_VIEWS = 5;
    static final int SMALL_FEATURES = 10;

    @Param({"redis", "sqlite"})
    public String storeType;

    @Param({"1x50", "1x250", "100x50", "100x50_5views"})
    public String shape;

    @Param({"off", "on"})
    public String cache;

    /** Entities written (Feast's benchmark: 10,000); each call picks its rows among them at random. */
    @Param({"10000"})
    public int entities;

    private BackendEnvironment env;
    private OnlineStore store;
    private FeatureStore facade;
    private List<String> refs;
    private int rows;
    private final SplittableRandom random = new SplittableRandom(17);

    @Setup(Level.Trial)
    public void setUp() {
        env = Environments.start(storeType);
        Map<String, Object> options = new LinkedHashMap<>(env.storeOptions());
        // Writing 250-feature rows through the newest-wins script can take seconds on a loaded machine.
        if (storeType.equals("redis")) options.put("command_timeout", "60s");
        store = Environments.open(env, "bench", options);
        Shape data = Shape.load(store, shape, entities);
        rows = data.rows();
        List<FeatureView> views = data.views();
        refs = new ArrayList<>();
        data.features().forEach((view, names) -> names.forEach(f -> refs.add(view.name() + ":" + f)));
        facade = FeatureStore.builder().store("bench", store).views(views)
                .cache(cache.equals("on") ? CacheConfig.all(entities * 2L, Duration.ofHours(1), false) : CacheConfig.OFF)
                .build();
        if (cache.equals("on")) {
            List<Map<String, Object>> all = BenchData.entityRows(entities);
            for (int from = 0; from < entities; from += 100) check(facade.getOnlineFeatures(refs, all.subList(from, Math.min(entities, from + 100)), true));
        }
        check(read());
    }

    @Benchmark
    public OnlineResponse read() {
        List<Map<String, Object>> request = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) request.add(Map.of(BenchData.JOIN_KEY, 1000L + random.nextInt(entities)));
        return facade.getOnlineFeatures(refs, request, true); // full names: the 5 views' features share names
    }

    /** A benchmark must never time empty reads: every value present. */
    private void check(OnlineResponse r) {
        for (int c = 1; c < r.columns().size(); c++) {
            for (FieldStatus st : r.columns().get(c).statuses()) {
                if (st != FieldStatus.PRESENT) throw new IllegalStateException(shape + " on " + storeType + ": a value came back " + st);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (env != null && storeType.equals("redis")) printServerTime();
        if (facade != null) facade.close();
        if (store != null) store.close();
        if (env != null) env.close();
    }

    /**
     * redis-server's own time per HMGET (INFO commandstats, CPU inside the server), printed so that a
     * run separates the server's share of a read from the client's, whatever else loads the machine.
     */
    private void printServerTime() {
        try {
            Process p = new ProcessBuilder("redis-cli", "-p", String.valueOf(env.serverPort()), "INFO", "commandstats")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            for (String line : out.split("\\R")) {
                if (line.startsWith("cmdstat_hmget")) System.out.println("\nredis-server " + shape + ": " + line);
            }
        } catch (java.io.IOException e) {
            System.out.println("redis-cli INFO commandstats failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A shape's views written to a store: {@code entities} entities of 250 INT64 features ({@code 1x50},
     * {@code 1x250}, {@code 100x50}: the requested features are the first ones), or 5 views of 10
     * ({@code 100x50_5views}); {@code features} gives each view's requested features, in request order.
     */
    record Shape(int rows, List<FeatureView> views, Map<FeatureView, List<String>> features) {
        static Shape load(OnlineStore store, String shape, int entities) {
            String[] s = shape.split("[x_]");
            int features = Integer.parseInt(s[1]);
            Map<FeatureView, List<String>> requested = new LinkedHashMap<>();
            if (shape.endsWith("_5views")) {
                for (int v = 0; v < SMALL_VIEWS; v++) {
                    FeatureView view = int64View("small_" + v, SMALL_FEATURES);
                    requested.put(view, view.featureNames());
                }
            } else {
                FeatureView wide = int64View("wide", WIDE_FEATURES);
                requested.put(wide, wide.featureNames().subList(0, features));
            }
            List<FeatureView> views = new ArrayList<>(requested.keySet());
            store.update(new InfraChange(views, List.of()));
            List<EntityKey> keys = BenchData.keys(entities);
            for (FeatureView v : views) {
                for (int from = 0; from < entities; from += 250) {
                    store.write(v, int64Rows(v, keys.subList(from, Math.min(entities, from + 250))), ProgressListener.NONE);
                }
            }
            return new Shape(Integer.parseInt(s[0]), views, requested);
        }
    }

    static FeatureView int64View(String name, int features) {
        List<Field> fields = new ArrayList<>(features);
        for (int i = 0; i < features; i++) fields.add(new Field(String.format("f%03d", i), ValueType.INT64));
        return FeatureView.of(name, new Field(BenchData.JOIN_KEY, ValueType.INT64), fields, Duration.ZERO);
    }

    static List<FeatureRow> int64Rows(FeatureView view, List<EntityKey> keys) {
        List<FeatureRow> out = new ArrayList<>(keys.size());
        for (EntityKey k : keys) {
            long id = k.values().get(0).asInt64();
            Map<String, Value> values = new LinkedHashMap<>();
            for (int f = 0; f < view.features().size(); f++) values.put(view.features().get(f).name(), Value.ofInt64(id * 1000 + f));
            out.add(new FeatureRow(k, values, BenchData.EVENT_TIME, BenchData.EVENT_TIME));
        }
        return out;
    }
}
