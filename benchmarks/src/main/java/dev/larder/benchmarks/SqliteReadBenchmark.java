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
import org.openjdk.jmh.infra.Blackhole;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Larder's SQLite read against raw JDBC running the same query on the same file ({@link SqliteReaders}),
 * each reader timed on its own; {@link SqlitePairedReadBenchmark} times both inside one fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// Three forks: the 1.2x target is decided by a difference of about a millisecond, and one fork's
// iterations on a shared 2-core machine drift by more than that.
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SqliteReadBenchmark {

    @Param({"1", "100", "500"})
    public int keys;

    @Param({"10", "50"})
    public int features;

    /**
     * Which reader: a parameter rather than two methods so that JMH runs the two readers of one
     * keys × features configuration back to back. On a shared machine whose speed drifts over minutes,
     * methods would be measured minutes apart, and the drift would decide the ratio.
     */
    @Param({"larder", "rawJdbc"})
    public String reader;

    private SqliteReaders readers;
    private boolean larder;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        larder = switch (reader) {
            case "larder" -> true;
            case "rawJdbc" -> false;
            default -> throw new IllegalArgumentException("reader must be larder or rawJdbc, not '" + reader + "'");
        };
        readers = new SqliteReaders(keys, features);
    }

    @Benchmark
    public Object read(Blackhole bh) throws SQLException {
        return larder ? readers.larder() : readers.rawJdbc(bh);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        if (readers != null) readers.close();
    }
}
