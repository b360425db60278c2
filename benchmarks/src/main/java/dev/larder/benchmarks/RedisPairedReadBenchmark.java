package dev.larder.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Larder against raw Lettuce on one redis-server, measured as a pair (as
 * {@link SqlitePairedReadBenchmark}): every operation runs both readers one after the other
 * (alternating which goes first) and times each. {@code larderNanos} and {@code rawLettuceNanos}
 * are each reader's nanoseconds summed over an iteration: their ratio is Larder's cost over the
 * same pipelined HMGETs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
// A 1 s iteration holds 40-500 pairs: 3 of them left Larder's longer path partly interpreted (ratios of 0.92-1.37x
// within one configuration); 5 x 2 s of warm-up and 6 x 2 s measured keep the spread within a few percent.
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 6, time = 2)
public class RedisPairedReadBenchmark {

    @Param({"100", "500"})
    public int keys;

    @Param({"10", "50"})
    public int features;

    private RedisReaders readers;
    private final PairedReads paired = new PairedReads();

    /** Each reader's time, summed over one iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long larderNanos;
        public long rawLettuceNanos;

        @Setup(Level.Iteration)
        public void reset() {
            larderNanos = 0;
            rawLettuceNanos = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        readers = new RedisReaders(keys, features);
    }

    @Benchmark
    public void pair(Blackhole bh, Times times) throws Exception {
        long[] nanos = paired.pair(bh, readers::larder, () -> readers.raw(bh));
        times.larderNanos += nanos[0];
        times.rawLettuceNanos += nanos[1];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (readers != null) readers.close();
    }
}
