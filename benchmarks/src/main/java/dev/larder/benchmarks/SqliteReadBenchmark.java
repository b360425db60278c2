package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.codec.EntityKeyCodec;
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

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Larder's SQLite read against raw JDBC running the same query on the same file (the statement
 * {@code SqliteOnlineStore.readChunk} builds: {@code entity_key IN (...) AND feature_name IN (...)}),
 * reading every column of every row without decoding values: the floor for this layout.
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

    private BackendEnvironment env;
    private OnlineStore store;
    private FeatureView view;
    private List<EntityKey> requestKeys;
    private List<String> featureNames;
    private Connection jdbc;
    private String sql;
    private boolean larder;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        env = Environments.start("sqlite");
        store = Environments.open(env, "bench");
        view = BenchData.view("sqlite_read_" + features, features);
        store.update(new InfraChange(List.of(view), List.of()));
        List<EntityKey> all = BenchData.keys(500);
        store.write(view, BenchData.rows(view, all, BenchData.EVENT_TIME), ProgressListener.NONE);
        requestKeys = all.subList(0, keys);
        larder = switch (reader) {
            case "larder" -> true;
            case "rawJdbc" -> false;
            default -> throw new IllegalArgumentException("reader must be larder or rawJdbc, not '" + reader + "'");
        };
        featureNames = view.featureNames();
        BenchData.checkComplete("sqlite", store.read(view, requestKeys, featureNames), keys, featureNames);

        // The same connection settings and statement as the store (WAL, a pooled connection, a prepared IN query).
        jdbc = DriverManager.getConnection("jdbc:sqlite:" + env.storeOptions().get("path"));
        try (var st = jdbc.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
        }
        StringBuilder q = new StringBuilder("SELECT entity_key, feature_name, value, event_ts FROM \"bench_")
                .append(view.name()).append("\" WHERE entity_key IN (");
        for (int i = 0; i < keys; i++) q.append(i == 0 ? "?" : ", ?");
        q.append(") AND feature_name IN (");
        for (int i = 0; i < features; i++) q.append(i == 0 ? "?" : ", ?");
        sql = q.append(')').toString();
        int rows = rawJdbc(new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
        if (rows != keys * features) {
            throw new IllegalStateException("raw JDBC read " + rows + " rows; expected " + keys * features);
        }
    }

    @Benchmark
    public Object read(Blackhole bh) throws SQLException {
        return larder ? store.read(view, requestKeys, featureNames) : rawJdbc(bh);
    }

    /** Serializes the keys, runs the query and reads every column: what the store does, minus decoding. */
    private int rawJdbc(Blackhole bh) throws SQLException {
        List<byte[]> ks = new ArrayList<>(requestKeys.size());
        for (EntityKey k : requestKeys) ks.add(EntityKeyCodec.serialize(k));
        int n = 0;
        try (PreparedStatement ps = jdbc.prepareStatement(sql)) {
            int p = 1;
            for (byte[] k : ks) ps.setBytes(p++, k);
            for (String f : featureNames) ps.setString(p++, f);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bh.consume(rs.getBytes(1));
                    bh.consume(rs.getString(2));
                    bh.consume(rs.getBytes(3));
                    bh.consume(rs.getString(4));
                    n++;
                }
            }
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        if (jdbc != null) jdbc.close();
        if (store != null) store.close();
        if (env != null) env.close();
    }
}
