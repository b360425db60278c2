package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.codec.EntityKeyCodec;
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

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The floor under {@link FeatureStoreReadBenchmark}'s Redis rows: the latency distribution (JMH
 * {@code SampleTime}) of raw Lettuce sending the HMGETs Larder sends for the same shape (one per
 * entity row, each view's features and its {@code _ts} field, all views of a key in one command,
 * pipelined with one flush) and waiting for every reply without decoding anything. Same data
 * (10,000 entities × 250 INT64 features, or 5 views of 10), same random rows. What this measures
 * is redis-server, loopback and Lettuce: a target below its p99 is below what any client reaches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RedisRawLatencyBenchmark {
    @Param({"1x50", "100x50", "100x50_5views"})
    public String shape;

    @Param({"10000"})
    public int entities;

    private BackendEnvironment env;
    private OnlineStore store;
    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private RedisAsyncCommands<byte[], byte[]> raw;
    private final List<byte[]> fields = new ArrayList<>();
    private byte[][] keys;
    private int rows;
    private final SplittableRandom random = new SplittableRandom(17);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        env = Environments.start("redis");
        java.util.Map<String, Object> options = new java.util.LinkedHashMap<>(env.storeOptions());
        options.put("command_timeout", "60s"); // writing 250-feature rows through the newest-wins script
        store = Environments.open(env, RedisReaders.PROJECT, options);
        FeatureStoreReadBenchmark.Shape data = FeatureStoreReadBenchmark.Shape.load(store, shape, entities);
        rows = data.rows();
        data.features().forEach((view, names) -> RedisReaders.addFields(fields, view, names));
        keys = new byte[entities][];
        List<EntityKey> all = BenchData.keys(entities);
        for (int i = 0; i < entities; i++) keys[i] = EntityKeyCodec.redisKey(all.get(i), RedisReaders.PROJECT);
        client = RedisClient.create(RedisURI.create("127.0.0.1", env.serverPort()));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        raw = connection.async();
        raw.setAutoFlushCommands(false);
        int present = read(new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
        if (present != rows * fields.size()) {
            throw new IllegalStateException(shape + ": raw Lettuce read " + present + " fields; expected " + rows * fields.size());
        }
    }

    /** One request: {@code rows} random entities, one HMGET each, one flush; returns the non-null fields received. */
    @Benchmark
    public int read(Blackhole bh) throws InterruptedException, ExecutionException {
        List<byte[]> request = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) request.add(keys[random.nextInt(entities)]);
        return RedisReaders.hmgetPipeline(raw, fields, request, bh);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (connection != null) connection.close();
        if (client != null) client.shutdown();
        if (store != null) store.close();
        if (env != null) env.close();
    }
}
