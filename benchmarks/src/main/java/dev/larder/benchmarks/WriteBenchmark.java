package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ProgressListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * Writes one batch of 100,000 rows (10 features each) in one {@code write} call, into a view
 * created empty for each iteration, per backend. Single-shot: the score is the time per row
 * ({@link OperationsPerInvocation}), and the report turns it into rows per second. One warm-up
 * and one measured batch: a batch takes seconds (DynamoDB Local's conditional puts: a minute or
 * more), long enough to average itself, and more would not fit the suite's 20 minutes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(WriteBenchmark.ROWS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx3g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = 1)
@Measurement(iterations = 1)
public class WriteBenchmark {
    static final int ROWS = 100_000;

    @Param({"sqlite", "redis", "dynamodb", "cassandra", "bigtable"})
    public String storeType;

    @Param({"10"})
    public int features;

    private BackendEnvironment env;
    private OnlineStore store;
    private List<FeatureRow> rows;
    private FeatureView view;
    private int iteration;

    @Setup(Level.Trial)
    public void setUp() {
        env = Environments.start(storeType);
        store = Environments.open(env, "bench");
        rows = BenchData.rows(BenchData.view("template", features), BenchData.keys(ROWS), BenchData.EVENT_TIME);
    }

    /** A new, empty view per iteration, so every iteration inserts rather than overwrites. */
    @Setup(Level.Iteration)
    public void newView() {
        if (view != null) store.teardown(List.of(view));
        view = BenchData.view("write_" + (++iteration), features);
        store.update(new InfraChange(List.of(view), List.of()));
    }

    @Benchmark
    public void write() {
        store.write(view, rows, ProgressListener.NONE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (store != null) {
            if (view != null) store.teardown(List.of(view));
            store.close();
        }
        if (env != null) env.close();
    }
}
