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
        assertThat(EntityKeyCodec.hex(store.key(DRIVER_1001))).isEqualTo(KEY_DRIVER_1001_DEMO);
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
    void newestWinsBeforeTheEpochAndAtZero() {
        Instant[] times = {Instant.ofEpochSecond(-86_400L * 365 * 30, 5), Instant.ofEpochSecond(-86_400L * 365 * 30, 4), Instant.ofEpochSecond(-1, 999_999_999),
                Instant.ofEpochSecond(-1, 0), Instant.EPOCH, Instant.ofEpochSecond(-100), Instant.ofEpochSecond(0, 1)};
        // Expected winner after each write, in order.
        Instant[] winners = {times[0], times[0], times[2], times[2], times[4], times[4], times[6]};
        for (int i = 0; i < times.length; i++) {
            store.write(VIEW, List.of(new FeatureRow(DRIVER_1001, Map.of("avg_daily_trips", Value.ofInt64(i)), times[i])), r -> { });
            OnlineRow row = store.read(VIEW, List.of(DRIVER_1001), List.of("avg_daily_trips")).get(0);
            assertThat(row.eventTime()).as("after writing %s", times[i]).isEqualTo(winners[i]);
            // The epoch itself is an empty Timestamp: zero bytes, as protobuf writes it.
            if (i == 4) assertThat(rawHash()).containsEntry("_ts:driver_hourly_stats", "");
        }
        assertThat(rawHash()).containsEntry("_ts:driver_hourly_stats", "1001");
    }

    @Test
    void keyTtlSetsExpireOnWrittenKeys() {
        RedisOnlineStore expiring = new RedisOnlineStore("demo", new RedisStoreConfig(RedisStoreConfig.RedisType.REDIS,
                List.of(new RedisStoreConfig.HostPort("127.0.0.1", SERVER.port())), false, java.util.Optional.empty(), java.util.Optional.empty(), 0,
                "mymaster", Duration.ofSeconds(600), Duration.ofSeconds(5), Duration.ofSeconds(5)));
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
