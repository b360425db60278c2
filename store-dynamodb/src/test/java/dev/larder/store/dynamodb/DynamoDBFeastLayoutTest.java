package dev.larder.store.dynamodb;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.testing.dynamodb.DynamoDBLocalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feast's DynamoDB layout byte for byte, checked on the raw table with a plain SDK client: table
 * per view, key schema, item attributes, entity ids and Values from feast-vectors.json (produced by
 * Feast's own code), and Python's {@code str()} timestamps. Proves COLLOCATED_BY_FEATURE_VIEW.
 */
class DynamoDBFeastLayoutTest {
    static final DynamoDBLocalServer SERVER = DynamoDBLocalServer.shared();
    static DynamoDbAsyncClient raw;

    static final FeatureView VIEW = FeatureView.of("driver_hourly_stats", new Field("driver_id", ValueType.INT64),
            List.of(new Field("note", ValueType.STRING), new Field("trips", ValueType.INT64), new Field("rate", ValueType.FLOAT)), Duration.ZERO);

    @BeforeAll
    static void client() {
        raw = RawDynamoDB.client(SERVER);
    }

    @AfterAll
    static void closeClient() {
        raw.close();
    }

    private static String project() {
        return "layout_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static DynamoDBOnlineStore store(String project, Map<String, Object> extra) {
        Map<String, Object> options = new LinkedHashMap<>(SERVER.storeOptions());
        options.putAll(extra);
        return DynamoDBOnlineStore.open(project, DynamoDBStoreConfig.from(StoreOptions.of("dynamodb", options)));
    }

    private static byte[] hex(String h) {
        return EntityKeyCodec.unhex(h);
    }

    @Test
    void updateCreatesFeastsTablePerViewWithTags() {
        String project = project();
        try (DynamoDBOnlineStore store = store(project, Map.of("tags", Map.of("team", "ml")))) {
            FeatureView other = FeatureView.of("other_view", new Field("driver_id", ValueType.INT64), List.of(new Field("x", ValueType.INT64)), Duration.ZERO);
            assertThat(store.plan(InfraChange.keep(List.of(VIEW)))).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(dev.larder.spi.PlannedChange.Action.CREATE);
                assertThat(c.resource()).isEqualTo(project + ".driver_hourly_stats");
                assertThat(c.detail()).contains("entity_id (S)", "PAY_PER_REQUEST", "team=ml");
            });
            // CreateTable carries the tags; DynamoDB Local accepts them but cannot list them
            // ("Tagging is not currently supported in DynamoDB Local"), so they are not read back here.
            store.update(InfraChange.keep(List.of(VIEW, other)));
            TableDescription t = raw.describeTable(b -> b.tableName(project + ".driver_hourly_stats")).join().table();
            assertThat(t.keySchema()).hasSize(1);
            assertThat(t.keySchema().get(0).attributeName()).isEqualTo("entity_id");
            assertThat(t.keySchema().get(0).keyType()).isEqualTo(KeyType.HASH);
            assertThat(t.attributeDefinitions()).hasSize(1);
            assertThat(t.attributeDefinitions().get(0).attributeType()).isEqualTo(ScalarAttributeType.S);
            assertThat(t.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
            // One table per view: both exist, nothing else of this project.
            assertThat(raw.listTables().join().tableNames()).filteredOn(n -> n.startsWith(project + "."))
                    .containsExactlyInAnyOrder(project + ".driver_hourly_stats", project + ".other_view");
            store.teardown(List.of(VIEW, other));
            assertThat(raw.listTables().join().tableNames()).noneMatch(n -> n.startsWith(project + "."));
        }
    }

    @Test
    void writtenItemsAreFeastsBytes() {
        String project = project();
        try (DynamoDBOnlineStore store = store(project, Map.of())) {
            store.update(InfraChange.keep(List.of(VIEW)));
            EntityKey d1001 = EntityKey.of("driver_id", Value.ofInt64(1001));
            EntityKey dMinus7 = EntityKey.of("driver_id", Value.ofInt64(-7));
            store.write(VIEW, List.of(
                    new FeatureRow(d1001, Map.of("note", Value.ofString("hello"), "trips", Value.ofInt64(-5)), Instant.parse("2024-01-01T00:00:00Z")),
                    new FeatureRow(dMinus7, Map.of("rate", Value.ofFloat(1.5f)), Instant.parse("2024-01-01T00:00:00.123456789Z"))), n -> { });

            Map<String, AttributeValue> item = raw.getItem(b -> b.tableName(project + ".driver_hourly_stats")
                    .key(Map.of("entity_id", AttributeValue.fromS("f3cfd4a822f245b63975464763babaec")))).join().item();
            assertThat(item).containsOnlyKeys("entity_id", "event_ts", "values");
            assertThat(item.get("entity_id").s()).isEqualTo("f3cfd4a822f245b63975464763babaec");
            assertThat(item.get("event_ts").s()).isEqualTo("2024-01-01 00:00:00+00:00");
            assertThat(item.get("values").m()).containsOnlyKeys("note", "trips");
            assertThat(item.get("values").m().get("note").b().asByteArray()).isEqualTo(hex("120568656c6c6f"));
            assertThat(item.get("values").m().get("trips").b().asByteArray()).isEqualTo(hex("20fbffffffffffffffff01"));

            Map<String, AttributeValue> second = raw.getItem(b -> b.tableName(project + ".driver_hourly_stats")
                    .key(Map.of("entity_id", AttributeValue.fromS("781fb92063e596b38fbfa3f559607935")))).join().item();
            assertThat(second.get("event_ts").s()).isEqualTo("2024-01-01 00:00:00.123456+00:00");
            assertThat(second.get("values").m().get("rate").b().asByteArray()).isEqualTo(hex("350000c03f"));
            store.teardown(List.of(VIEW));
        }
    }

    @Test
    void readsWhatFeastWrote() {
        String project = project();
        try (DynamoDBOnlineStore store = store(project, Map.of())) {
            store.update(InfraChange.keep(List.of(VIEW)));
            // An item as Feast's online_write_batch puts it (values from feast-vectors.json).
            Map<String, AttributeValue> values = Map.of(
                    "note", AttributeValue.fromB(SdkBytes.fromByteArray(hex("12125ac3bc7269636820e29c9320e69db1e4baac"))),
                    "trips", AttributeValue.fromB(SdkBytes.fromByteArray(hex("20ffffffffffffffff7f"))),
                    "unrequested", AttributeValue.fromB(SdkBytes.fromByteArray(hex("3801"))));
            raw.putItem(b -> b.tableName(project + ".driver_hourly_stats").item(Map.of(
                    "entity_id", AttributeValue.fromS("781fb92063e596b38fbfa3f559607935"),
                    "event_ts", AttributeValue.fromS("2023-11-14 22:13:20.123456+00:00"),
                    "values", AttributeValue.fromM(values)))).join();
            OnlineRow row = store.read(VIEW, List.of(EntityKey.of("driver_id", Value.ofInt64(-7))), List.of("note", "trips", "rate")).get(0);
            assertThat(row.eventTime()).isEqualTo(Instant.parse("2023-11-14T22:13:20.123456Z"));
            assertThat(row.values()).isEqualTo(Map.of("note", Value.ofString("Zürich ✓ 東京"), "trips", Value.ofInt64(Long.MAX_VALUE)));
            store.teardown(List.of(VIEW));
        }
    }

    @Test
    void aCreatedTimeIsAnExtraTextAttributeThatBreaksEventTimeTiesWithFeastsItems() {
        Instant t = Instant.parse("2024-05-06T07:08:09.123456Z");
        EntityKey key = EntityKey.of("driver_id", Value.ofInt64(1001));
        String id = "f3cfd4a822f245b63975464763babaec";
        for (boolean conditional : new boolean[] {true, false}) {
            String project = project();
            String table = project + ".driver_hourly_stats";
            try (DynamoDBOnlineStore store = store(project, Map.of("conditional_writes", conditional))) {
                store.update(InfraChange.keep(List.of(VIEW)));
                // Feast's item: no created_ts, so no created time.
                raw.putItem(b -> b.tableName(table).item(Map.of("entity_id", AttributeValue.fromS(id),
                        "event_ts", AttributeValue.fromS("2024-05-06 07:08:09.123456+00:00"),
                        "values", AttributeValue.fromM(Map.of("trips", AttributeValue.fromB(SdkBytes.fromByteArray(hex("2001")))))))).join();
                store.write(VIEW, List.of(new FeatureRow(key, Map.of("trips", Value.ofInt64(2)), t, null)), n -> { });
                assertThat(store.read(VIEW, List.of(key), List.of("trips")).get(0).values()).as("conditional %s: full tie, Feast's item stays", conditional)
                        .isEqualTo(Map.of("trips", Value.ofInt64(1)));
                store.write(VIEW, List.of(new FeatureRow(key, Map.of("trips", Value.ofInt64(3)), t, Instant.parse("2024-05-06T08:00:00.5Z"))), n -> { });
                Map<String, AttributeValue> item = raw.getItem(b -> b.tableName(table).key(Map.of("entity_id", AttributeValue.fromS(id)))).join().item();
                assertThat(item).as("conditional %s", conditional).containsOnlyKeys("entity_id", "event_ts", "created_ts", "values");
                assertThat(item.get("created_ts").s()).isEqualTo("2024-05-06 08:00:00.500000+00:00");
                assertThat(item.get("event_ts").s()).isEqualTo("2024-05-06 07:08:09.123456+00:00");
                // An equal created time is a full tie; an older one loses.
                store.write(VIEW, List.of(new FeatureRow(key, Map.of("trips", Value.ofInt64(4)), t, Instant.parse("2024-05-06T08:00:00.5000009Z"))), n -> { });
                store.write(VIEW, List.of(new FeatureRow(key, Map.of("trips", Value.ofInt64(5)), t, Instant.parse("2024-05-06T07:59:59Z"))), n -> { });
                assertThat(store.read(VIEW, List.of(key), List.of("trips")).get(0).values()).as("conditional %s", conditional)
                        .isEqualTo(Map.of("trips", Value.ofInt64(3)));
                // Feast's reader takes entity_id, event_ts and values by name: the extra attribute is not in its way.
                store.teardown(List.of(VIEW));
            }
        }
    }

    @Test
    void textTimestampsOrderLikeTimes() {
        // The conditional write compares event_ts as strings: check the claim on the forms Feast writes.
        List<Instant> times = List.of(Instant.parse("1999-12-31T23:59:59.999999Z"), Instant.parse("2024-01-01T00:00:00Z"),
                Instant.parse("2024-01-01T00:00:00.000001Z"), Instant.parse("2024-01-01T00:00:00.5Z"), Instant.parse("2024-01-01T00:00:01Z"),
                Instant.parse("2024-01-01T10:00:00Z"), Instant.parse("2024-02-01T00:00:00Z"));
        for (int i = 1; i < times.size(); i++) {
            String a = dev.larder.spi.codec.Timestamps.pythonStr(times.get(i - 1));
            String b = dev.larder.spi.codec.Timestamps.pythonStr(times.get(i));
            assertThat(a.compareTo(b)).as("%s < %s", a, b).isNegative();
        }
    }
}
