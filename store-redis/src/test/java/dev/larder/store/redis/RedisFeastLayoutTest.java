package dev.larder.store.redis;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.testing.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.larder.spi.codec.EntityKeyCodec.unhex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Feast's Redis layout byte for byte, with hex copied from spi/src/test/resources/feast-vectors.json
 * (bytes produced by Feast's own code): a hash written exactly as Feast writes it is read back,
 * and what Larder writes is exactly what Feast would write (key, fields, values, {@code _ts}).
 */
class RedisFeastLayoutTest {
    static final RedisServer SERVER = RedisServer.shared();

    // feast-vectors.json: entity_keys[driver_id=1001].redis_key_hex_project_demo
    static final String KEY_DRIVER_1001_DEMO = "0100000002000000090000006472697665725f69640400000008000000e90300000000000064656d6f";
    // feast-vectors.json: redis_fields
    static final String FIELD_CONV_RATE = "6160e3da";
    static final String FIELD_ACC_RATE = "fa5e58ad";
    static final String FIELD_AVG_DAILY_TRIPS = "18a5e5a3";
    // feast-vectors.json: values
    static final String DOUBLE_PI = "29182d4454fb210940";
    static final String FLOAT_1_5 = "350000c03f";
    static final String INT64_1700000000123 = "20fbd095ffbc31";
    // feast-vectors.json: timestamps
    static final String TS_1700000000 = "0880e2cfaa06";
    static final String TS_1700000000_123456 = "0880e2cfaa06108094ef3a";

    static final FeatureView VIEW = FeatureView.of("driver_hourly_stats", new Field("driver_id", ValueType.INT64), List.of(
            new Field("conv_rate", ValueType.DOUBLE), new Field("acc_rate", ValueType.FLOAT), new Field("avg_daily_trips", ValueType.INT64)), Duration.ZERO);
    static final EntityKey DRIVER_1001 = EntityKey.of("driver_id", Value.ofInt64(1001));
    static final byte[] KEY = unhex(KEY_DRIVER_1001_DEMO);
    static final byte[] TS_FIELD = "_ts:driver_hourly_stats".getBytes(StandardCharsets.UTF_8);

    static RedisClient client;
    static StatefulRedisConnection<byte[], byte[]> connection;
    static RedisCommands<byte[], byte[]> redis;
    RedisOnlineStore store;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RedisURI.create("127.0.0.1", SERVER.port()));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        redis = connection.sync();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @BeforeEach
    void open() {
        redis.del(KEY);
        store = new RedisOnlineStore("demo", RedisStoreConfig.standalone("127.0.0.1", SERVER.port()));
    }

    @AfterEach
    void close() {
        store.close();
        redis.del(KEY);
    }

    /** HSET of _ts and every feature in one mapping, as Feast's online_write_batch does. */
    static void feastWrite(String tsHex, String conv, String acc, String trips) {
        Map<byte[], byte[]> hset = new LinkedHashMap<>();
        hset.put(TS_FIELD, unhex(tsHex));
        hset.put(unhex(FIELD_CONV_RATE), unhex(conv));
        hset.put(unhex(FIELD_ACC_RATE), unhex(acc));
        hset.put(unhex(FIELD_AVG_DAILY_TRIPS), unhex(trips));
        redis.hset(KEY, hset);
    }

    static Map<String, String> rawHash() {
        Map<String, String> out = new HashMap<>();
        redis.hgetall(KEY).forEach((k, v) -> out.put(k == null ? null : (k.length == 4 ? EntityKeyCodec.hex(k) : new String(k, StandardCharsets.UTF_8)), EntityKeyCodec.hex(v)));
        return out;
    }

    @Test
    void codecMatchesTheVectorsForThisLayout() {
        assertThat(EntityKeyCodec.hex(new RedisLayout("demo").key(DRIVER_1001))).isEqualTo(KEY_DRIVER_1001_DEMO);
        assertThat(EntityKeyCodec.hex(EntityKeyCodec.redisField("driver_hourly_stats", "conv_rate"))).isEqualTo(FIELD_CONV_RATE);
    }

    @Test
    void readsAHashWrittenAsFeastWritesIt() {
        feastWrite(TS_1700000000_123456, DOUBLE_PI, FLOAT_1_5, INT64_1700000000123);
        OnlineRow row = store.read(VIEW, List.of(DRIVER_1001), VIEW.featureNames()).get(0);
        assertThat(row.eventTime()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_000));
        assertThat(row.values()).isEqualTo(Map.of("conv_rate", Value.ofDouble(3.141592653589793), "acc_rate", Value.ofFloat(1.5f),
                "avg_daily_trips", Value.ofInt64(1_700_000_000_123L)));
        // Feast's own writes carry whole seconds only.
        feastWrite(TS_1700000000, DOUBLE_PI, FLOAT_1_5, INT64_1700000000123);
        assertThat(store.read(VIEW, List.of(DRIVER_1001), List.of("acc_rate")).get(0).eventTime()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    }

    @Test
    void writesExactlyWhatFeastWrites() {
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(3.141592653589793),
                "acc_rate", Value.ofFloat(1.5f), "avg_daily_trips", Value.ofInt64(1_700_000_000_123L)),
                Instant.ofEpochSecond(1_700_000_000L, 123_456_000))), r -> { });
        assertThat(redis.exists(KEY)).as("the key is Feast's key").isEqualTo(1L);
        assertThat(rawHash()).isEqualTo(Map.of("_ts:driver_hourly_stats", TS_1700000000_123456, FIELD_CONV_RATE, DOUBLE_PI,
                FIELD_ACC_RATE, FLOAT_1_5, FIELD_AVG_DAILY_TRIPS, INT64_1700000000123));
    }

    @Test
    void newestWinsAgainstARowFeastWrote() {
        feastWrite(TS_1700000000, DOUBLE_PI, FLOAT_1_5, INT64_1700000000123);
        // Older and equal event times leave Feast's row as it was, byte for byte.
        Map<String, String> before = rawHash();
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(0)), Instant.ofEpochSecond(1_699_999_999L, 999_999_999))), r -> { });
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(0)), Instant.ofEpochSecond(1_700_000_000L))), r -> { });
        assertThat(rawHash()).isEqualTo(before);
        // A later time, even by a nanosecond of the same second, replaces it.
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(0)), Instant.ofEpochSecond(1_700_000_000L, 1))), r -> { });
        assertThat(rawHash()).containsEntry("_ts:driver_hourly_stats", "0880e2cfaa061001").containsEntry(FIELD_CONV_RATE, "290000000000000000");
    }

    @Test
    void newestWinsOverPreEpochTimesStoredByOthersAndStoresTheEpochAsAnEmptyTimestamp() {
        // Larder accepts times from the epoch on; an older writer may have stored earlier ones, which the script still orders.
        redis.hset(KEY, TS_FIELD, dev.larder.spi.codec.Timestamps.encodeProto(Instant.ofEpochSecond(-86_400L * 365 * 30, 5)));
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("avg_daily_trips", Value.ofInt64(1)), Instant.EPOCH)), r -> { });
        assertThat(rawHash()).as("the epoch is an empty Timestamp: zero bytes, as protobuf writes it").containsEntry("_ts:driver_hourly_stats", "");
        redis.hset(KEY, TS_FIELD, dev.larder.spi.codec.Timestamps.encodeProto(Instant.ofEpochSecond(-1, 999_999_999)));
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("avg_daily_trips", Value.ofInt64(2)), Instant.ofEpochSecond(0, 1))), r -> { });
        assertThat(rawHash()).containsEntry("_ts:driver_hourly_stats", "1001");
        assertThat(store.read(VIEW, List.of(DRIVER_1001), List.of("avg_daily_trips")).get(0).values()).containsEntry("avg_daily_trips", Value.ofInt64(2));
        redis.hset(KEY, TS_FIELD, dev.larder.spi.codec.Timestamps.encodeProto(Instant.ofEpochSecond(-100)));
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("avg_daily_trips", Value.ofInt64(3)), Instant.EPOCH)), r -> { });
        assertThat(store.read(VIEW, List.of(DRIVER_1001), List.of("avg_daily_trips")).get(0).eventTime()).isEqualTo(Instant.EPOCH);
        assertThatThrownBy(() -> store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("avg_daily_trips", Value.ofInt64(4)), Instant.ofEpochSecond(-1))), r -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
    }

    static final byte[] CREATED_FIELD = "_created_ts:driver_hourly_stats".getBytes(StandardCharsets.UTF_8);

    @Test
    void theCreatedTimeIsKeptBesideTheEventTimeItBelongsTo() {
        Instant t10 = Instant.ofEpochSecond(1_700_000_010L);
        Instant c5 = Instant.ofEpochSecond(1_700_000_005L, 500);
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(1)), t10, c5)), r -> { });
        byte[] ts = dev.larder.spi.codec.Timestamps.encodeProto(t10);
        byte[] created = redis.hget(KEY, CREATED_FIELD);
        assertThat(created[0]).as("length of the event Timestamp").isEqualTo((byte) ts.length);
        assertThat(java.util.Arrays.copyOfRange(created, 1, 1 + ts.length)).as("the event Timestamp it belongs to").isEqualTo(ts);
        assertThat(dev.larder.spi.codec.Timestamps.decodeProto(java.util.Arrays.copyOfRange(created, 1 + ts.length, created.length))).isEqualTo(c5);

        // An equal event time with an older created time loses; a newer one wins.
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(2)), t10, c5.minusNanos(1))), r -> { });
        assertThat(rawHash()).containsEntry(FIELD_CONV_RATE, "29000000000000f03f");
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(2)), t10, c5.plusNanos(1))), r -> { });
        assertThat(rawHash()).containsEntry(FIELD_CONV_RATE, "290000000000000040");

        // Feast replaces the row (it knows nothing of _created_ts); the field left behind no longer counts.
        Instant t20 = Instant.ofEpochSecond(1_700_000_020L);
        feastWrite(EntityKeyCodec.hex(dev.larder.spi.codec.Timestamps.encodeProto(t20)), DOUBLE_PI, FLOAT_1_5, INT64_1700000000123);
        assertThat(redis.hexists(KEY, CREATED_FIELD)).as("left behind by Feast's write").isTrue();
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(3)), t20, Instant.ofEpochSecond(1))), r -> { });
        assertThat(rawHash()).as("a created time beats the stale one of the row Feast replaced").containsEntry(FIELD_CONV_RATE, "290000000000000840");
        // A row without a created time removes the field: the next equal event time with one wins.
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(4)), Instant.ofEpochSecond(1_700_000_030L))), r -> { });
        assertThat(redis.hexists(KEY, CREATED_FIELD)).isFalse();
    }

    @Test
    void aPartialRowRemovesTheViewsOtherFeaturesAndNothingOfOtherViews() {
        FeatureView other = FeatureView.of("driver_daily", new Field("driver_id", ValueType.INT64), List.of(new Field("rides", ValueType.INT64)), Duration.ZERO);
        store.write(other, List.of(new FeatureRow(DRIVER_1001, Map.of("rides", Value.ofInt64(7)), Instant.ofEpochSecond(5))), r -> { });
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(3.141592653589793),
                "acc_rate", Value.ofFloat(1.5f), "avg_daily_trips", Value.ofInt64(1_700_000_000_123L)), Instant.ofEpochSecond(10))), r -> { });
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("acc_rate", Value.ofFloat(1.5f)), Instant.ofEpochSecond(20))), r -> { });
        Map<String, String> hash = rawHash();
        assertThat(hash).containsEntry(FIELD_ACC_RATE, FLOAT_1_5).doesNotContainKeys(FIELD_CONV_RATE, FIELD_AVG_DAILY_TRIPS);
        assertThat(hash).containsKeys("_ts:driver_daily", EntityKeyCodec.hex(EntityKeyCodec.redisField("driver_daily", "rides")));
    }

    @Test
    void keyTtlSetsExpireOnWrittenKeys() {
        RedisOnlineStore expiring = new RedisOnlineStore("demo", RedisStoreConfig.standalone("127.0.0.1", SERVER.port()).withKeyTtl(Duration.ofSeconds(600)));
        try {
            expiring.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(1)), Instant.ofEpochSecond(5))), r -> { });
            assertThat(redis.ttl(KEY)).isBetween(590L, 600L);
            store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(1)), Instant.ofEpochSecond(6))), r -> { });
            assertThat(redis.ttl(KEY)).as("a store without key_ttl_seconds leaves the expiry alone").isBetween(590L, 600L);
        } finally {
            expiring.close();
        }
    }

    private static long calls(String command) {
        String stats = (String) dev.larder.testing.redis.Resp.call(SERVER.port(), "INFO", "commandstats");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void severalViewsSharingJoinKeysAreReadWithOneHmgetPerDistinctKey() {
        FeatureView other = FeatureView.of("driver_daily", new Field("driver_id", ValueType.INT64), List.of(new Field("rides", ValueType.INT64)), Duration.ZERO);
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(1)), Instant.ofEpochSecond(10))), r -> { });
        store.write(other, List.of(new FeatureRow(DRIVER_1001, Map.of("rides", Value.ofInt64(7)), Instant.ofEpochSecond(20))), r -> { });
        EntityKey absent = EntityKey.of("driver_id", Value.ofInt64(-1));
        long before = calls("hmget");
        List<List<OnlineRow>> got = store.readViews(List.of(new dev.larder.spi.ViewRead(VIEW, List.of("conv_rate")), new dev.larder.spi.ViewRead(other, List.of("rides"))),
                List.of(DRIVER_1001, absent, DRIVER_1001));
        assertThat(calls("hmget") - before).as("HMGETs for 2 distinct keys of 2 views").isEqualTo(2);
        assertThat(got.get(0).get(0)).isEqualTo(OnlineRow.of(Instant.ofEpochSecond(10), Map.of("conv_rate", Value.ofDouble(1))));
        assertThat(got.get(1).get(2)).isEqualTo(OnlineRow.of(Instant.ofEpochSecond(20), Map.of("rides", Value.ofInt64(7))));
        assertThat(got.get(0).get(1).isPresent()).isFalse();
        assertThat(got.get(1).get(1).isPresent()).isFalse();
    }

    @Test
    void writesAfterTheServerForgotTheScript() {
        redis.scriptFlush();
        store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("conv_rate", Value.ofDouble(2)), Instant.ofEpochSecond(30))), r -> { });
        assertThat(rawHash()).containsEntry(FIELD_CONV_RATE, "290000000000000040");
        assertThat(redis.scriptExists(NewestWinsScript.SHA1)).containsExactly(true);
    }
}
