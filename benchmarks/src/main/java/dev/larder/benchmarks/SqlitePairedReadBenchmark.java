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

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Larder against raw JDBC on SQLite, 100 or 500 keys, measured as a pair: every operation runs both
 * readers one after the other (alternating which goes first) and times each, so both see the same
 * moment of this shared machine, whose speed drifts between forks by more than the 1.2× target's
 * margin. The primary score is the pair's time; the secondary metrics {@code larderNanos} and
 * {@code rawJdbcNanos} are each reader's nanoseconds summed over an iteration (equal read counts),
 * and the report takes their ratio per iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class SqlitePairedReadBenchmark {
    @Param({"100", "500"})
    public int keys;

    @Param({"10", "50"})
    public int features;

    private SqliteReaders readers;
    private final PairedReads paired = new PairedReads();

    /** Each reader's time, summed over one iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long larderNanos;
        public long rawJdbcNanos;

        @Setup(Level.Iteration)
        public void reset() {
            larderNanos = 0;
            rawJdbcNanos = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        readers = new SqliteReaders(keys, features);
    }

    @Benchmark
    public void pair(Blackhole bh, Times times) throws Exception {
        long[] nanos = paired.pair(bh, readers::larder, () -> readers.rawJdbc(bh));
        times.larderNanos += nanos[0];
        times.rawJdbcNanos += nanos[1];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        if (readers != null) readers.close();
    }
}
