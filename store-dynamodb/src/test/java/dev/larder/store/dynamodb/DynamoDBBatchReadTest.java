package dev.larder.store.dynamodb;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.testing.dynamodb.DynamoDBLocalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parallel BatchGetItem reads spanning many batches, the UnprocessedKeys path triggered for real
 * by DynamoDB's 16 MB response limit, the 400 KB item limit, unconditional batch writes and long
 * projections, against DynamoDB Local.
 */
class DynamoDBBatchReadTest {
    static final DynamoDBLocalServer SERVER = DynamoDBLocalServer.shared();
    static final String PROJECT = "batch_" + UUID.randomUUID().toString().substring(0, 8);
    static final Instant T = Instant.parse("2026-01-02T03:04:05.678Z");

    static final FeatureView DRIVERS = FeatureView.of("drivers", new Field("driver_id", ValueType.INT64), List.of(
            new Field("conv_rate", ValueType.FLOAT), new Field("trips", ValueType.INT64), new Field("note", ValueType.STRING)), Duration.ZERO);
    static final FeatureView BLOBS = FeatureView.of("blobs", new Field("blob_id", ValueType.INT64), List.of(
            new Field("payload", ValueType.BYTES), new Field("tag", ValueType.STRING)), Duration.ZERO);
    static final int WRITTEN = 2_000;
    /** Items of ~380 KB: 48 of them make an 18 MB BatchGetItem response, over DynamoDB's 16 MB. */
    static final int BLOB_BYTES = 380 * 1024;
    static final int BLOB_COUNT = 48;

    static DynamoDBOnlineStore store;
    static DynamoDbAsyncClient raw;

    static DynamoDBOnlineStore store(Map<String, Object> extra) {
        Map<String, Object> options = new LinkedHashMap<>(SERVER.storeOptions());
        options.putAll(extra);
        return DynamoDBOnlineStore.open(PROJECT, DynamoDBStoreConfig.from(StoreOptions.of("dynamodb", options)));
    }

    static EntityKey driver(long id) {
        return EntityKey.of("driver_id", Value.ofInt64(id));
    }

    static FeatureRow driverRow(long id, int version, Instant t) {
        Map<String, Value> v = new LinkedHashMap<>();
        v.put("conv_rate", Value.ofFloat(id / 7f + version));
        v.put("trips", Value.ofInt64(id * 1000 + version));
        v.put("note", Value.ofString("driver " + id + " v" + version));
        return new FeatureRow(driver(id), v, t);
    }

    static EntityKey blob(long id) {
        return EntityKey.of("blob_id", Value.ofInt64(id));
    }

    static byte[] payload(int id) {
        byte[] b = new byte[BLOB_BYTES];
        new Random(id).nextBytes(b);
        return b;
    }

    @BeforeAll
    static void setUp() {
        raw = RawDynamoDB.client(SERVER);
        store = store(Map.of());
        store.update(InfraChange.keep(List.of(DRIVERS, BLOBS)));
        List<FeatureRow> rows = new ArrayList<>();
        for (int i = 0; i < WRITTEN; i++) rows.add(driverRow(i, 1, T));
        store.write(DRIVERS, rows, n -> { });
        List<FeatureRow> blobs = new ArrayList<>();
        for (int i = 0; i < BLOB_COUNT; i++) {
            blobs.add(new FeatureRow(blob(i), Map.of("payload", Value.ofBytes(payload(i)), "tag", Value.ofString("blob " + i)), T));
        }
        store.write(BLOBS, blobs, n -> { });
    }

    @AfterAll
    static void tearDown() {
        try {
            store.teardown(List.of(DRIVERS, BLOBS));
        } finally {
            store.close();
            raw.close();
        }
    }

    /** 2,600 keys in a shuffled order: 200 never written, and 300 repeated. */
    static List<EntityKey> manyKeys() {
        List<EntityKey> keys = new ArrayList<>();
        for (int i = 0; i < WRITTEN + 200; i++) keys.add(driver(i));
        Random r = new Random(42);
        for (int i = 0; i < 300; i++) keys.add(driver(r.nextInt(WRITTEN + 200)));
        Collections.shuffle(keys, r);
        return keys;
    }

    @Test
    void manyBatchesGiveTheSameOrderedResultsWithOneThreeAndTenWorkers() throws Exception {
        List<EntityKey> keys = manyKeys();
        List<String> features = List.of("note", "trips", "conv_rate");
        List<OnlineRow> expected = new ArrayList<>();
        for (EntityKey k : keys) {
            long id = k.value("driver_id").asInt64();
            expected.add(id < WRITTEN ? OnlineRow.of(T, new LinkedHashMap<>(driverRow(id, 1, T).values())) : OnlineRow.ABSENT);
        }
        for (Map<String, Object> options : List.<Map<String, Object>>of(
                Map.of("max_read_workers", 1), Map.of("max_read_workers", 3), Map.of("max_read_workers", 10),
                Map.of("max_read_workers", 3, "batch_size", 7), Map.of("max_read_workers", 10, "consistent_reads", true))) {
            try (DynamoDBOnlineStore s = store(options)) {
                List<OnlineRow> got = s.read(DRIVERS, keys, features);
                assertThat(got).as("read with %s", options).hasSize(keys.size());
                for (int i = 0; i < keys.size(); i++) {
                    assertThat(got.get(i)).as("key %s (position %d) with %s", keys.get(i), i, options).isEqualTo(expected.get(i));
                }
                assertThat(s.readAsync(DRIVERS, keys, features).get(60, TimeUnit.SECONDS)).as("async with %s", options).isEqualTo(got);
            }
        }
    }

    @Test
    void sessionBasedAuthReadsThroughTheDefaultChainToo() {
        try (DynamoDBOnlineStore s = store(Map.of("session_based_auth", true))) {
            assertThat(s.read(DRIVERS, List.of(driver(4)), List.of("trips")).get(0).values()).isEqualTo(Map.of("trips", Value.ofInt64(4001)));
        }
    }

    @Test
    void aSingleBatchTakesTheFastPathAndKeepsOrder() {
        List<EntityKey> keys = List.of(driver(5), driver(WRITTEN + 1), driver(3), driver(5));
        List<OnlineRow> got = store.read(DRIVERS, keys, List.of("trips"));
        assertThat(got.get(0).values()).isEqualTo(Map.of("trips", Value.ofInt64(5001)));
        assertThat(got.get(1).isPresent()).isFalse();
        assertThat(got.get(2).values()).isEqualTo(Map.of("trips", Value.ofInt64(3001)));
        assertThat(got.get(3)).isEqualTo(got.get(0));
    }

    @Test
    void unprocessedKeysFromThe16MbResponseLimitAreRetriedToCompletion() {
        List<EntityKey> keys = new ArrayList<>();
        for (int i = BLOB_COUNT - 1; i >= 0; i--) keys.add(blob(i));
        // The server really leaves keys unprocessed for one request of all of them.
        List<Map<String, AttributeValue>> rawKeys = new ArrayList<>();
        for (EntityKey k : keys) rawKeys.add(Map.of("entity_id", AttributeValue.fromS(EntityKeyCodec.entityId(k))));
        BatchGetItemResponse once = raw.batchGetItem(b -> b.requestItems(Map.of(PROJECT + ".blobs",
                KeysAndAttributes.builder().keys(rawKeys).build()))).join();
        assertThat(once.unprocessedKeys()).as("DynamoDB Local leaves keys of an 18 MB BatchGetItem unprocessed").containsKey(PROJECT + ".blobs");
        assertThat(once.unprocessedKeys().get(PROJECT + ".blobs").keys()).isNotEmpty();

        for (int workers : new int[] {1, 4}) {
            try (DynamoDBOnlineStore s = store(Map.of("max_read_workers", workers, "batch_size", 100))) {
                List<OnlineRow> got = s.read(BLOBS, keys, List.of("payload", "tag"));
                assertThat(got).hasSize(BLOB_COUNT);
                for (int i = 0; i < BLOB_COUNT; i++) {
                    int id = BLOB_COUNT - 1 - i;
                    assertThat(got.get(i).values().get("tag")).isEqualTo(Value.ofString("blob " + id));
                    assertThat(Arrays.equals(got.get(i).values().get("payload").asBytes(), payload(id))).as("payload of blob %d", id).isTrue();
                }
            }
        }
    }

    @Test
    void unprocessedKeysPastTheDeadlineFailSayingHowManyWereLeft() {
        List<EntityKey> keys = new ArrayList<>();
        for (int i = 0; i < BLOB_COUNT; i++) keys.add(blob(i));
        try (DynamoDBOnlineStore s = store(Map.of("unprocessed_retry_timeout", "1ms"))) {
            assertThatThrownBy(() -> s.read(BLOBS, keys, List.of("payload")))
                    .isInstanceOfSatisfying(OnlineStoreException.class, e -> {
                        assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.READ);
                        assertThat(e.storeType()).isEqualTo("dynamodb");
                        assertThat(e.resource()).isEqualTo(PROJECT + ".blobs");
                        assertThat(e.isRetryable()).as("throttling passes").isTrue();
                    })
                    .hasMessageContaining(SERVER.endpoint())
                    .hasMessageContaining("view 'blobs'")
                    .hasMessageContaining("of " + BLOB_COUNT + " keys")
                    .hasMessageMatching("(?s).*: [1-9][0-9]* of " + BLOB_COUNT + " keys of a BatchGetItem \\(UnprocessedKeys\\) were still unprocessed.*")
                    .hasMessageContaining("unprocessed_retry_timeout");
        }
    }

    @Test
    void anItemOverTheSizeLimitFailsTheWholeWriteNamingViewAndEntity() {
        List<FeatureRow> rows = List.of(
                new FeatureRow(blob(1001), Map.of("tag", Value.ofString("small")), T),
                new FeatureRow(blob(1002), Map.of("payload", Value.ofBytes(new byte[410 * 1024])), T),
                new FeatureRow(blob(1003), Map.of("tag", Value.ofString("small too")), T));
        AtomicLong progress = new AtomicLong();
        assertThatThrownBy(() -> store.write(BLOBS, rows, progress::addAndGet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("view 'blobs'")
                .hasMessageContaining("{blob_id=INT64(1002)}")
                .hasMessageContaining("400 KB")
                .hasMessageContaining("Nothing of this write was stored");
        assertThat(progress.get()).isZero();
        assertThat(store.read(BLOBS, List.of(blob(1001), blob(1002), blob(1003)), List.of("tag")))
                .allSatisfy(r -> assertThat(r.isPresent()).isFalse());
    }

    @Test
    void unconditionalBatchWritesReadTheStoredTimesAndKeepTheNewest() {
        FeatureView view = FeatureView.of("unconditional", new Field("driver_id", ValueType.INT64), DRIVERS.features(), Duration.ZERO);
        try (DynamoDBOnlineStore s = store(Map.of("conditional_writes", false, "max_write_workers", 2, "batch_size", 7))) {
            s.update(InfraChange.keep(List.of(view)));
            try {
                List<FeatureRow> rows = new ArrayList<>();
                for (int i = 0; i < 60; i++) rows.add(driverRow(i, 2, T.plusSeconds(2)));
                rows.add(driverRow(7, 9, T.plusSeconds(9))); // newest of the batch for key 7
                rows.add(driverRow(7, 1, T.plusSeconds(1)));
                AtomicLong progress = new AtomicLong();
                s.write(view, rows, progress::addAndGet);
                assertThat(progress.get()).isEqualTo(rows.size());
                List<OnlineRow> got = s.read(view, List.of(driver(0), driver(7), driver(59)), List.of("trips"));
                assertThat(got.get(0).values().get("trips")).isEqualTo(Value.ofInt64(2));
                assertThat(got.get(1).eventTime()).isEqualTo(T.plusSeconds(9));
                assertThat(got.get(2).values().get("trips")).isEqualTo(Value.ofInt64(59_002));
                // Across writes, over several chunks of 25 (stored times read in batches of 7):
                // older rows are dropped, newer ones replace, each key on its own.
                List<FeatureRow> mixed = new ArrayList<>();
                for (int i = 0; i < 60; i++) mixed.add(driverRow(i, 3, i % 2 == 0 ? T : T.plusSeconds(3)));
                progress.set(0);
                s.write(view, mixed, progress::addAndGet);
                assertThat(progress.get()).isEqualTo(60);
                List<EntityKey> keys = new ArrayList<>();
                for (int i = 0; i < 60; i++) keys.add(driver(i));
                List<OnlineRow> after = s.read(view, keys, List.of("trips"));
                for (int i = 0; i < 60; i++) {
                    long expected = i == 7 ? 7_009 : i % 2 == 0 ? i * 1000L + 2 : i * 1000L + 3;
                    assertThat(after.get(i).values().get("trips")).as("driver %d", i).isEqualTo(Value.ofInt64(expected));
                }
            } finally {
                s.teardown(List.of(view));
            }
        }
    }

    @Test
    void aProjectionTooLongForOneExpressionFetchesTheMapAndKeepsTheRequestedFeatures() {
        List<Field> fields = new ArrayList<>();
        Map<String, Value> values = new LinkedHashMap<>();
        for (int i = 0; i < 600; i++) {
            fields.add(new Field("a_rather_long_feature_name_number_" + i, ValueType.INT32));
            values.put("a_rather_long_feature_name_number_" + i, Value.ofInt32(i));
        }
        FeatureView wide = FeatureView.of("wide", new Field("driver_id", ValueType.INT64), fields, Duration.ZERO);
        store.update(InfraChange.keep(List.of(DRIVERS, BLOBS, wide)));
        try {
            store.write(wide, List.of(new FeatureRow(driver(1), values, T)), n -> { });
            // 599 placeholders (#v.#f598, ...) make an expression over 4 KB; 300 fit in one.
            for (int n : new int[] {599, 300}) {
                List<String> requested = new ArrayList<>(wide.featureNames().subList(0, n));
                OnlineRow got = store.read(wide, List.of(driver(1)), requested).get(0);
                assertThat(got.values()).hasSize(n).doesNotContainKey("a_rather_long_feature_name_number_" + n)
                        .containsEntry("a_rather_long_feature_name_number_" + (n - 1), Value.ofInt32(n - 1));
            }
        } finally {
            store.teardown(List.of(wide));
        }
    }

    @Test
    void readingEveryFeatureOfAViewFetchesTheWholeMapAndStillReturnsOnlyTheViewsFeatures() {
        // Items written under a wider, older definition of the view carry a feature it no longer has.
        List<Field> three = List.of(new Field("a", ValueType.INT64), new Field("b", ValueType.INT64), new Field("dropped", ValueType.INT64));
        FeatureView before = FeatureView.of("narrowed", new Field("driver_id", ValueType.INT64), three, Duration.ZERO);
        FeatureView after = FeatureView.of("narrowed", new Field("driver_id", ValueType.INT64), three.subList(0, 2), Duration.ZERO);
        store.update(InfraChange.keep(List.of(DRIVERS, BLOBS, before)));
        try {
            store.write(before, List.of(new FeatureRow(driver(1), Map.of("a", Value.ofInt64(1), "b", Value.ofInt64(2), "dropped", Value.ofInt64(3)), T)),
                    n -> { });
            OnlineRow all = store.read(after, List.of(driver(1)), List.of("b", "a")).get(0);
            assertThat(all.values()).containsOnly(Map.entry("a", Value.ofInt64(1)), Map.entry("b", Value.ofInt64(2)));
            assertThat(all.eventTime()).isEqualTo(T);
            OnlineRow some = store.read(after, List.of(driver(1)), List.of("b")).get(0);
            assertThat(some.values()).containsOnly(Map.entry("b", Value.ofInt64(2)));
        } finally {
            store.teardown(List.of(before));
        }
    }

    @Test
    void readingATableThatDoesNotExistSaysSo() {
        FeatureView missing = FeatureView.of("never_applied", new Field("driver_id", ValueType.INT64), DRIVERS.features(), Duration.ZERO);
        assertThatThrownBy(() -> store.read(missing, List.of(driver(1)), List.of("trips")))
                .isInstanceOfSatisfying(OnlineStoreException.class, e -> {
                    assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.READ);
                    assertThat(e.isRetryable()).as("a missing table needs apply").isFalse();
                })
                .hasMessageContaining(PROJECT + ".never_applied").hasMessageContaining("view 'never_applied'")
                .hasMessageContaining("run apply / update first");
        assertThatThrownBy(() -> store.write(missing, List.of(driverRow(1, 1, T)), n -> { }))
                .isInstanceOfSatisfying(OnlineStoreException.class, e -> {
                    assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.WRITE);
                    assertThat(e.isRetryable()).isFalse();
                })
                .hasMessageContaining(PROJECT + ".never_applied").hasMessageContaining("run apply / update first");
    }
}
