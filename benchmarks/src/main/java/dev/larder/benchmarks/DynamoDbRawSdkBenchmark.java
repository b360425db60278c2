package dev.larder.benchmarks;

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
import java.util.concurrent.TimeUnit;

/**
 * The control for {@link DynamoDbBatchReadBenchmark}: the same five BatchGetItem requests (500 keys,
 * 100 a batch, 10 features, the same ProjectionExpression Larder sends) issued by the raw AWS SDK
 * async client, one after another ({@code inFlight} 1) or all at once ({@code inFlight} 5), through
 * the same delay proxy, without Larder and without decoding anything ({@link DynamoDbReaders}). If
 * the raw SDK's parallel speed-up is no larger than Larder's, what bounds it is the client library
 * and the server, not Larder. {@link DynamoDbPairedReadBenchmark} times both in one operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = DynamoDbBatchReadBenchmark.WARMUP_ITERATIONS, time = 2)
@Measurement(iterations = 3, time = 2)
public class DynamoDbRawSdkBenchmark {
    static final int FEATURES = 10;

    /** 1: the five requests one after another; 5: all five in flight at once. */
    @Param({"1", "5"})
    public int inFlight;

    @Param({"0", "10"})
    public int addedRoundTripMs;

    private DynamoDbReaders readers;

    @Setup(Level.Trial)
    public void setUp() {
        readers = new DynamoDbReaders("dynamodb_raw_" + FEATURES, FEATURES, Duration.ofMillis(addedRoundTripMs));
    }

    @Benchmark
    public int read() {
        return readers.rawRead(inFlight);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (readers != null) readers.close();
    }
}
