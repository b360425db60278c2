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
 * Larder against the raw java-driver session on one Cassandra node, measured as a pair (as
 * {@link SqlitePairedReadBenchmark}): every operation runs both readers one after the other
 * (alternating which goes first) and times each, so both see the same moment of this shared
 * machine and the same node. {@code larderNanos} and {@code rawDriverNanos} are each reader's
 * nanoseconds summed over an iteration (equal read counts): their ratio is Larder's cost over the
 * same CQL queries.
 *
 * <p>A 500-key read takes hundreds of milliseconds on the shared cores, so iterations are long enough
 * for several pairs each: with one or two a single slow read decides the iteration's ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class CassandraPairedReadBenchmark {

    @Param({"100", "500"})
    public int keys;

    @Param({"10", "50"})
    public int features;

    private CassandraReaders readers;
    private final PairedReads paired = new PairedReads();

    /** Each reader's time, summed over one iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long larderNanos;
        public long rawDriverNanos;

        @Setup(Level.Iteration)
        public void reset() {
            larderNanos = 0;
            rawDriverNanos = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        readers = new CassandraReaders(keys, features);
    }

    @Benchmark
    public void pair(Blackhole bh, Times times) throws Exception {
        long[] nanos = paired.pair(bh, readers::larder, () -> readers.raw(bh));
        times.larderNanos += nanos[0];
        times.rawDriverNanos += nanos[1];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (readers != null) readers.close();
    }
}
