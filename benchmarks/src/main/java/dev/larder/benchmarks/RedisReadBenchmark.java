package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.ViewRead;
import dev.larder.testing.net.DelayProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What pipelining buys on Redis, 500 entity keys × 50 features, all against one local redis-server:
 * <ul>
 *   <li>{@code larderPipelined}: Larder's read, one HMGET per key, all pipelined, values decoded;</li>
 *   <li>{@code rawLettucePipeline}: the floor: raw Lettuce building and pipelining the same HMGETs
 *       (keys serialized, fields hashed, one flush) and waiting for the replies, without decoding;</li>
 *   <li>{@code naivePerKey}: Larder's read called once per key, one round trip each;</li>
 *   <li>{@code fiveViewsOneRequest}: 5 views × 10 features sharing the join key in one
 *       {@code readViews} (one HMGET per key for all five), against {@code fiveViewsOneByOne}.</li>
 * </ul>
 * {@code addedRoundTripMs} 0 connects directly on loopback (a round trip costs tens of microseconds,
 * so one round trip per key costs little more than its per-request CPU); 1 puts a {@link DelayProxy}
 * adding 1 ms, a same-region network round trip, in front of the server for every client here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
public class RedisReadBenchmark {
    static final int KEYS = 500;
    static final int FEATURES = 50;
    static final String PROJECT = "bench";

    @Param({"0", "1"})
    public int addedRoundTripMs;

    private DelayProxy proxy;

    private BackendEnvironment env;
    private OnlineStore store;
    private FeatureView view;
    private List<EntityKey> keys;
    private List<String> featureNames;
    private final List<ViewRead> fiveViews = new ArrayList<>();

    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private RedisAsyncCommands<byte[], byte[]> raw;

    @Setup(Level.Trial)
    public void setUp() {
        env = Environments.start("redis");
        int port = env.serverPort();
        if (addedRoundTripMs > 0) {
            proxy = DelayProxy.start(port, Duration.ofMillis(addedRoundTripMs));
            port = proxy.port();
        }
        store = Environments.open(env, PROJECT, env.storeOptionsVia(port));
        view = BenchData.view("redis_read", FEATURES);
        keys = BenchData.keys(KEYS);
        featureNames = view.featureNames();
        List<FeatureView> all = new ArrayList<>(List.of(view));
        for (int v = 0; v < 5; v++) {
            FeatureView small = BenchData.view("redis_view_" + v, 10);
            all.add(small);
            fiveViews.add(new ViewRead(small, small.featureNames()));
        }
        store.update(new InfraChange(all, List.of()));
        for (FeatureView v : all) store.write(v, BenchData.rows(v, keys, BenchData.EVENT_TIME), ProgressListener.NONE);

        client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        raw = connection.async();
        raw.setAutoFlushCommands(false); // pipelining: queue every command, then one flush

        BenchData.checkComplete("redis pipelined", larderPipelined(), KEYS, featureNames);
        List<List<OnlineRow>> five = fiveViewsOneRequest();
        for (int v = 0; v < 5; v++) BenchData.checkComplete("redis view " + v, five.get(v), KEYS, fiveViews.get(v).features());
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        try {
            if (rawLettucePipeline(bh) != KEYS * (FEATURES + 1)) throw new IllegalStateException("raw Lettuce pipeline found missing fields");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public List<OnlineRow> larderPipelined() {
        return store.read(view, keys, featureNames);
    }

    /** Returns the number of non-null fields received, so setup can check the floor reads the same data. */
    @Benchmark
    public int rawLettucePipeline(Blackhole bh) throws InterruptedException, ExecutionException {
        return RedisReaders.hmgetPipeline(raw, view, featureNames, keys, bh);
    }

    @Benchmark
    public void naivePerKey(Blackhole bh) {
        for (EntityKey k : keys) bh.consume(store.read(view, List.of(k), featureNames));
    }

    @Benchmark
    public List<List<OnlineRow>> fiveViewsOneRequest() {
        return store.readViews(fiveViews, keys);
    }

    @Benchmark
    public void fiveViewsOneByOne(Blackhole bh) {
        for (ViewRead r : fiveViews) bh.consume(store.read(r.view(), keys, r.features()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (connection != null) connection.close();
        if (client != null) client.shutdown();
        if (store != null) store.close();
        if (proxy != null) proxy.close();
        if (env != null) env.close();
    }
}
