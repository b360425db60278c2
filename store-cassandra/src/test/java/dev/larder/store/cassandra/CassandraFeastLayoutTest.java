package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.testing.cassandra.CassandraNode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.larder.tck.TestData.driverView;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raw storage checked byte for byte against Feast's layout and the feast-vectors (encodings made
 * by Feast's own code): schema, entity key hex, serialized values, timestamps, write timestamps and
 * TTLs; rows written the way Feast's Python store writes them are read back.
 */
class CassandraFeastLayoutTest extends CassandraRawAccess {
    static final CassandraNode NODE = CassandraNode.shared();

    /** From feast-vectors.json: serialize_entity_key(driver_id=1001, v3) and (driver_id=-7), and Value protos. */
    static final String KEY_1001_HEX = "0100000002000000090000006472697665725f69640400000008000000e903000000000000";
    static final String KEY_MINUS_7_HEX = "0100000002000000090000006472697665725f69640400000008000000f9ffffffffffffff";
    static final String INT64_1_HEX = "2001";
    static final String STRING_HELLO_HEX = "120568656c6c6f";
    static final String FLOAT_1_5_HEX = "350000c03f";
    static final String DOUBLE_PI_HEX = "29182d4454fb210940";

    @Override
    protected String projectPrefix() {
        return "layout";
    }

    private static String hex(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return EntityKeyCodec.hex(bytes);
    }

    @Test
    void tableSchemaIsFeasts() {
        FeatureView view = driverView("fv_schema");
        // A keyspace of its own, which update creates (create_keyspace: true) and replicates in local_dc.
        String keyspace = "larder_created_" + project.substring(project.length() - 6);
        OnlineStore store = store(Map.of("keyspace", keyspace));
        store.update(InfraChange.keep(List.of(view)));
        try {
            assertFeastSchema(keyspace, project + "_fv_schema");
            Row ks = cql.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", keyspace).one();
            assertThat(ks.getMap("replication", String.class, String.class))
                    .containsEntry("class", "org.apache.cassandra.locator.NetworkTopologyStrategy").containsEntry("datacenter1", "1");
        } finally {
            cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace)
                    .setTimeout(Duration.ofMinutes(2)));
        }
    }

    private void assertFeastSchema(String keyspace, String table) {
        assertThat(cql.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?", keyspace, table).one())
                .as("table %s.%s", keyspace, table).isNotNull();
        Map<String, String> columns = new LinkedHashMap<>();
        for (Row r : cql.execute("SELECT column_name, type, kind, position, clustering_order FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
                keyspace, table)) {
            columns.put(r.getString("column_name"), r.getString("type") + " " + r.getString("kind") + " " + r.getInt("position") + " " + r.getString("clustering_order"));
        }
        assertThat(columns).containsOnly(
                Map.entry("entity_key", "text partition_key 0 none"),
                Map.entry("feature_name", "text clustering 0 asc"),
                Map.entry("value", "blob regular -1 none"),
                Map.entry("event_ts", "timestamp regular -1 none"),
                Map.entry("created_ts", "timestamp regular -1 none"));
    }

    @Test
    void rowsAreFeastsBytesStampedWithTheWriteTimeByDefault() {
        OnlineStore store = store(Map.of());
        FeatureView view = driverView("fv_bytes");
        store.update(InfraChange.keep(List.of(view)));
        Instant event = Instant.parse("2026-01-02T03:04:05.678Z");
        Instant created = event.plusSeconds(1);
        Map<String, Value> values = new LinkedHashMap<>();
        values.put("trips", Value.ofInt64(1));
        values.put("note", Value.ofString("hello"));
        values.put("conv_rate", Value.ofFloat(1.5f));
        long before = CellTimestamps.micros(Instant.now());
        store.write(view, List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1001)), values, event, created)), r -> { });
        long after = CellTimestamps.micros(Instant.now());

        Map<String, Row> rows = rawRows("fv_bytes");
        assertThat(rows).containsOnlyKeys("trips", "note", "conv_rate");
        Map<String, String> expectedValue = Map.of("trips", INT64_1_HEX, "note", STRING_HELLO_HEX, "conv_rate", FLOAT_1_5_HEX);
        rows.forEach((feature, r) -> {
            assertThat(r.getString("entity_key")).as("entity key hex").isEqualTo(KEY_1001_HEX);
            assertThat(hex(r.getByteBuffer("value"))).as("value of %s", feature).isEqualTo(expectedValue.get(feature));
            assertThat(r.getInstant("event_ts")).isEqualTo(event);
            assertThat(r.getInstant("created_ts")).isEqualTo(created);
            assertThat(r.getLong("wt")).as("write timestamp: the writer's clock, as Feast's driver stamps").isBetween(before, after);
            assertThat(r.isNull("ttl")).as("no TTL unless key_ttl_seconds is set").isTrue();
        });
        store.teardown(List.of(view));
    }

    @Test
    void eventTimeStampsAreTheEventTimeWithATieStepForANewerCreatedTime() {
        OnlineStore store = store(Map.of("write_timestamp", "event_time"));
        FeatureView view = driverView("fv_event_stamps");
        store.update(InfraChange.keep(List.of(view)));
        Instant event = Instant.parse("2026-01-02T03:04:05.678Z");
        EntityKey key = EntityKey.of("driver_id", Value.ofInt64(1001));
        store.write(view, List.of(new FeatureRow(key, Map.of("trips", Value.ofInt64(1)), event, event)), r -> { });
        assertThat(rawRows("fv_event_stamps").get("trips").getLong("wt")).isEqualTo(event.toEpochMilli() * 1000);
        store.write(view, List.of(new FeatureRow(key, Map.of("trips", Value.ofInt64(2)), event, event.plusSeconds(1))), r -> { });
        assertThat(rawRows("fv_event_stamps").get("trips").getLong("wt")).as("one tie step above").isEqualTo(event.toEpochMilli() * 1000 + 1);
        assertThat(store.read(view, List.of(key), List.of("trips")).get(0).values()).containsEntry("trips", Value.ofInt64(2));
        store.teardown(List.of(view));
    }

    private Map<String, Row> rawRows(String viewName) {
        Map<String, Row> rows = new HashMap<>();
        for (Row r : cql.execute("SELECT entity_key, feature_name, value, event_ts, created_ts, WRITETIME(value) AS wt, TTL(value) AS ttl FROM \""
                + KEYSPACE + "\".\"" + project + "_" + viewName + "\"")) {
            rows.put(r.getString("feature_name"), r);
        }
        return rows;
    }

    @Test
    void rowsWrittenByFeastAreRead() {
        OnlineStore store = store(Map.of());
        FeatureView view = FeatureView.of("fv_feast", new Field("driver_id", ValueType.INT64),
                List.of(new Field("rating", ValueType.DOUBLE), new Field("note", ValueType.STRING)), Duration.ZERO);
        store.update(InfraChange.keep(List.of(view)));
        // Exactly Feast's INSERT_CQL_4_TEMPLATE: no created_ts, server-side write time.
        var insert = cql.prepare("INSERT INTO \"" + KEYSPACE + "\".\"" + project + "_fv_feast\" (feature_name, value, entity_key, event_ts) VALUES (?, ?, ?, ?);");
        Instant event = Instant.parse("2025-06-07T08:09:10.123Z");
        cql.execute(insert.bind("rating", ByteBuffer.wrap(EntityKeyCodec.unhex(DOUBLE_PI_HEX)), KEY_MINUS_7_HEX, event));
        cql.execute(insert.bind("note", ByteBuffer.wrap(EntityKeyCodec.unhex(STRING_HELLO_HEX)), KEY_MINUS_7_HEX, event));
        List<OnlineRow> got = store.read(view, List.of(EntityKey.of("driver_id", Value.ofInt64(-7)), EntityKey.of("driver_id", Value.ofInt64(7))),
                List.of("rating", "note"));
        assertThat(got.get(0).eventTime()).isEqualTo(event);
        assertThat(got.get(0).values()).containsOnly(Map.entry("rating", Value.ofDouble(Math.PI)), Map.entry("note", Value.ofString("hello")));
        assertThat(got.get(1).isPresent()).isFalse();
        store.teardown(List.of(view));
    }

    @Test
    void keyTtlSecondsSetsTheCellTtl() {
        OnlineStore store = store(Map.of("key_ttl_seconds", 3600));
        FeatureView view = driverView("fv_ttl_cells");
        store.update(InfraChange.keep(List.of(view)));
        store.write(view, List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1)), Map.of("trips", Value.ofInt64(3)), Instant.now())), r -> { });
        Row r = cql.execute("SELECT TTL(value) AS ttl FROM \"" + KEYSPACE + "\".\"" + project + "_fv_ttl_cells\"").one();
        assertThat(r.getInt("ttl")).isBetween(3000, 3600);
        store.teardown(List.of(view));
    }

    @Test
    void aWidePartitionIsOneBatchWithoutBatchSizeWarnings() {
        OnlineStore store = store(Map.of());
        List<Field> features = new ArrayList<>();
        Map<String, Value> values = new LinkedHashMap<>();
        String payload = "x".repeat(600);
        for (int i = 0; i < 120; i++) {
            features.add(new Field("f" + i, ValueType.STRING));
            values.put("f" + i, Value.ofString(payload + i));
        }
        FeatureView view = FeatureView.of("fv_wide", new Field("driver_id", ValueType.INT64), features, Duration.ZERO);
        store.update(InfraChange.keep(List.of(view)));
        List<FeatureRow> rows = new ArrayList<>();
        for (int k = 0; k < 20; k++) rows.add(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(k)), values, Instant.parse("2026-01-01T00:00:00Z")));
        // 120 features x 600 bytes: ~72 KiB per partition batch, over the default 5 KiB warn and 50 KiB fail thresholds,
        // which apply only to batches spanning several partitions.
        store.write(view, rows, r -> { });
        List<String> names = view.featureNames();
        OnlineRow got = store.read(view, List.of(EntityKey.of("driver_id", Value.ofInt64(19))), names).get(0);
        assertThat(got.values()).isEqualTo(values);
        assertThat(NODE.logText()).doesNotContain("exceeding specified threshold").doesNotContain("Batch for");
        store.teardown(List.of(view));
    }
    @Test
    void protocolV4AndNoCreatedTimeLeaveCreatedTsUnset() {
        OnlineStore store = store(Map.of("protocol_version", 4));
        FeatureView view = driverView("fv_v4");
        store.update(InfraChange.keep(List.of(view)));
        Instant event = Instant.parse("2026-03-04T05:06:07.250Z");
        store.write(view, List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1001)), Map.of("trips", Value.ofInt64(1)), event)), r -> { });
        Row r = cql.execute("SELECT entity_key, value, event_ts, created_ts FROM \"" + KEYSPACE + "\".\"" + project + "_fv_v4\"").one();
        assertThat(r.getString("entity_key")).isEqualTo(KEY_1001_HEX);
        assertThat(hex(r.getByteBuffer("value"))).isEqualTo(INT64_1_HEX);
        assertThat(r.getInstant("event_ts")).isEqualTo(event);
        assertThat(r.isNull("created_ts")).as("created_ts unset, as Feast leaves it").isTrue();
        assertThat(store.read(view, List.of(EntityKey.of("driver_id", Value.ofInt64(1001))), List.of("trips")).get(0).values())
                .containsOnly(Map.entry("trips", Value.ofInt64(1)));
        store.teardown(List.of(view));
    }
}
