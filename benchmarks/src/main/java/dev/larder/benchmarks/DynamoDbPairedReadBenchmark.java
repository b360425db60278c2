package dev.larder.benchmarks;

import dev.larder.spi.OnlineStore;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Larder against the raw AWS SDK on DynamoDB Local, 500 keys in five BatchGetItem requests, measured
 * as a pair ({@link DynamoDbReaders}): every operation runs Larder's read ({@code max_read_workers} =
 * {@code inFlight}) and the raw SDK's same requests ({@code inFlight} at once), rotating which goes
 * first, and times each, so both meet the same DynamoDB Local (which JIT-compiles in the fork and
 * differs from fork to fork) and the same moment of the shared machine. With {@code inFlight} 5 a
 * third reader, Larder with {@code max_read_workers} 10, shows what workers beyond the five batches
 * cost. Secondary metrics: each reader's nanoseconds summed over an iteration ({@code larderNanos},
 * {@code rawSdkNanos}, {@code larderTenWorkersNanos}); the report takes their ratios per iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = DynamoDbBatchReadBenchmark.WARMUP_ITERATIONS, time = 2)
@Measurement(iterations = 5, time = 2)
public class DynamoDbPairedReadBenchmark {
    /** 1: the five requests one after another; 5: all five in flight at once. */
    @Param({"1", "5"})
    public int inFlight;

    @Param({"10", "50"})
    public int features;

    @Param({"0", "10"})
    public int addedRoundTripMs;

    private DynamoDbReaders readers;
    private OnlineStore larder;
    private OnlineStore larderTenWorkers;
    private int turn;

    /** Each reader's time, summed over one iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long larderNanos;
        public long rawSdkNanos;
        public long larderTenWorkersNanos;

        @Setup(Level.Iteration)
        public void reset() {
            larderNanos = 0;
            rawSdkNanos = 0;
            larderTenWorkersNanos = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        readers = new DynamoDbReaders("dynamodb_paired_" + features, features, Duration.ofMillis(addedRoundTripMs));
        larder = readers.larder(inFlight);
        larderTenWorkers = inFlight > 1 ? readers.larder(10) : null;
    }

    @Benchmark
    public void pair(Blackhole bh, Times times) {
        int readersInPair = larderTenWorkers == null ? 2 : 3;
        int first = turn++ % readersInPair;
        for (int i = 0; i < readersInPair; i++) {
            int which = (first + i) % readersInPair;
            long t0 = System.nanoTime();
            if (which == 0) bh.consume(readers.read(larder));
            else if (which == 1) bh.consume(readers.rawRead(inFlight));
            else bh.consume(readers.read(larderTenWorkers));
            long spent = System.nanoTime() - t0;
            if (which == 0) times.larderNanos += spent;
            else if (which == 1) times.rawSdkNanos += spent;
            else times.larderTenWorkersNanos += spent;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (readers != null) readers.close();
    }
}
