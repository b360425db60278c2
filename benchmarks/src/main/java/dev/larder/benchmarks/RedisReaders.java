package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.codec.EntityKeyCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The two Redis readers the benchmarks compare, on one redis-server holding 500 keys of a view:
 * Larder's {@code OnlineStore.read}, and raw Lettuce building the same HMGETs (keys serialized,
 * field names hashed, the view's {@code _ts} field), pipelining them with one flush and waiting
 * for every reply without decoding anything: the floor for Feast's layout.
 */
final class RedisReaders implements AutoCloseable {
    static final String PROJECT = "bench";

    private final BackendEnvironment env;
    private final OnlineStore store;
    private final FeatureView view;
    private final List<EntityKey> requestKeys;
    private final List<String> featureNames;
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisAsyncCommands<byte[], byte[]> raw;

    RedisReaders(int keys, int features) {
        env = Environments.start("redis");
        store = Environments.open(env, PROJECT);
        view = BenchData.view("redis_read_" + features, features);
        List<EntityKey> all = BenchData.load(store, view, 500);
        requestKeys = all.subList(0, keys);
        featureNames = view.featureNames();
        BenchData.checkComplete("redis", larder(), keys, featureNames);

        client = RedisClient.create(RedisURI.create("127.0.0.1", env.serverPort()));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        raw = connection.async();
        raw.setAutoFlushCommands(false); // pipelining: queue every command, then one flush
        int present;
        try {
            present = raw(new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (present != keys * (features + 1)) {
            throw new IllegalStateException("raw Lettuce read " + present + " fields; expected " + keys * (features + 1));
        }
    }

    List<OnlineRow> larder() {
        return store.read(view, requestKeys, featureNames);
    }

    /** The store's HMGETs, pipelined with one flush; returns the number of non-null fields received. */
    int raw(Blackhole bh) throws InterruptedException, ExecutionException {
        return hmgetPipeline(raw, view, featureNames, requestKeys, bh);
    }

    /**
     * The raw control both Redis benchmarks time: one HMGET per key for the view's fields and its
     * {@code _ts} field, as the store sends them, pipelined with one flush; returns the non-null fields received.
     */
    static int hmgetPipeline(RedisAsyncCommands<byte[], byte[]> raw, FeatureView view, List<String> featureNames, List<EntityKey> keys,
                             Blackhole bh) throws InterruptedException, ExecutionException {
        List<byte[]> fields = new ArrayList<>(featureNames.size() + 1);
        addFields(fields, view, featureNames);
        List<byte[]> redisKeys = new ArrayList<>(keys.size());
        for (EntityKey k : keys) redisKeys.add(EntityKeyCodec.redisKey(k, PROJECT));
        return hmgetPipeline(raw, fields, redisKeys, bh);
    }

    /** A view's requested fields, then its {@code _ts} field, as the store asks for them. */
    static void addFields(List<byte[]> out, FeatureView view, List<String> featureNames) {
        for (String f : featureNames) out.add(EntityKeyCodec.redisField(view.name(), f));
        out.add(("_ts:" + view.name()).getBytes(StandardCharsets.UTF_8));
    }

    /** One HMGET of {@code fields} per key, pipelined with one flush; returns the non-null fields received, decoding nothing. */
    static int hmgetPipeline(RedisAsyncCommands<byte[], byte[]> raw, List<byte[]> fields, List<byte[]> keys, Blackhole bh)
            throws InterruptedException, ExecutionException {
        List<RedisFuture<List<byte[]>>> replies = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key);
            for (byte[] f : fields) args.add(f);
            replies.add(raw.dispatch(CommandType.HMGET, new ValueListOutput<>(ByteArrayCodec.INSTANCE), args));
        }
        raw.flushCommands();
        int present = 0;
        for (RedisFuture<List<byte[]>> r : replies) {
            for (byte[] b : r.get()) {
                if (b != null) present++;
                bh.consume(b);
            }
        }
        return present;
    }

    @Override
    public void close() {
        try {
            connection.close();
            client.shutdown();
            store.close();
        } finally {
            env.close();
        }
    }
}
