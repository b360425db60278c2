package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One online read of one view through Larder's SPI (key serialization, the backend's request,
 * decoding into values), for every backend on the class path: {@code storeType} defaults to every
 * first-party type, and bench/run.sh passes the types {@link dev.larder.OnlineStores} finds.
 * 500 rows are written once per trial; each invocation reads the first {@code keys} of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class OnlineReadBenchmark {

    @Param({"sqlite", "redis", "dynamodb", "cassandra", "bigtable"})
    public String storeType;

    @Param({"1", "100", "500"})
    public int keys;

    @Param({"10", "50"})
    public int features;

    private BackendEnvironment env;
    private OnlineStore store;
    private FeatureView view;
    private List<EntityKey> requestKeys;
    private List<String> featureNames;

    @Setup(Level.Trial)
    public void setUp() {
        env = Environments.start(storeType);
        store = Environments.open(env, "bench");
        view = BenchData.view("online_read_" + features, features);
        List<EntityKey> all = BenchData.load(store, view, 500);
        requestKeys = all.subList(0, keys);
        featureNames = view.featureNames();
        BenchData.checkComplete(storeType, read(), keys, featureNames);
    }

    @Benchmark
    public List<OnlineRow> read() {
        return store.read(view, requestKeys, featureNames);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (store != null) store.close();
        if (env != null) env.close();
    }
}
