package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ProgressListener;
import dev.larder.testing.net.DelayProxy;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sequential against parallel BatchGetItem: one read of 500 keys with {@code batch_size} 100 (five
 * batches) and {@code max_read_workers} batches in flight, through a {@link DelayProxy} that adds
 * {@code addedRoundTripMs} to every round trip (also at 0, so that only the delay differs). The
 * report divides the {@code maxReadWorkers} 1 score by the others, from the same run. DynamoDB
 * Local runs in the fork and JIT-compiles with it, hence the longer warm-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = DynamoDbBatchReadBenchmark.WARMUP_ITERATIONS, time = 2)
@Measurement(iterations = 3, time = 2)
public class DynamoDbBatchReadBenchmark {
    static final int KEYS = 500;
    /**
     * DynamoDB Local JIT-compiles in the fork: with 4 x 2 s of warm-up a parallel read still got faster
     * in the measured iterations (a profile showed 30% of the CPU in the JIT compiler); it levels off after
     * about 16 s.
     */
    static final int WARMUP_ITERATIONS = 8;

    @Param({"1", "5", "10"})
    public int maxReadWorkers;

    @Param({"10", "50"})
    public int features;

    @Param({"0", "10"})
    public int addedRoundTripMs;

    private BackendEnvironment env;
    private DelayProxy proxy;
    private OnlineStore store;
    private FeatureView view;
    private List<EntityKey> keys;
    private List<String> featureNames;

    @Setup(Level.Trial)
    public void setUp() {
        env = Environments.start("dynamodb");
        view = BenchData.view("dynamodb_read_" + features, features);
        keys = BenchData.keys(KEYS);
        featureNames = view.featureNames();
        // Load directly; only the measured store goes through the proxy.
        try (OnlineStore loader = Environments.open(env, "bench")) {
            loader.update(new InfraChange(List.of(view), List.of()));
            loader.write(view, BenchData.rows(view, keys, BenchData.EVENT_TIME), ProgressListener.NONE);
        }
        proxy = DelayProxy.start(env.serverPort(), Duration.ofMillis(addedRoundTripMs));
        Map<String, Object> options = new HashMap<>(env.storeOptionsVia(proxy.port()));
        options.put("batch_size", 100);
        options.put("max_read_workers", maxReadWorkers);
        store = Environments.open(env, "bench", options);
        BenchData.checkComplete("dynamodb", read(), KEYS, featureNames);
    }

    @Benchmark
    public List<OnlineRow> read() {
        return store.read(view, keys, featureNames);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (store != null) store.close();
        if (proxy != null) proxy.close();
        if (env != null) env.close();
    }
}
