package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.Value;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.testing.cassandra.CassandraNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.larder.tck.TestData.driver;
import static dev.larder.tck.TestData.driverRow;
import static dev.larder.tck.TestData.driverView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 14: Larder and Feast writing the same table. "Feast" here is Feast's own CQL run the way
 * its Python store runs it: its INSERT (no created_ts, no USING TIMESTAMP, so the driver's default
 * client-side write time) and its online_read (its SELECT of every feature of the key, then: keep
 * the requested features, parse each Value, report the event_ts of the last one kept).
 */
class CassandraFeastMixedWritersTest extends CassandraRawAccess {
    static final CassandraNode NODE = CassandraNode.shared();
    static final List<String> FEATURES = List.of("conv_rate", "trips", "note");
    static final Instant T1 = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant T2 = Instant.parse("2025-06-01T00:00:00Z");
    static final Instant T3 = Instant.parse("2025-09-01T00:00:00Z");

    private final FeatureView view = driverView("fv_mixed");
    private OnlineStore schema;

    @Override
    protected String projectPrefix() {
        return "mixed";
    }

    @BeforeEach
    void createTable() {
        schema = store(Map.of());
        schema.update(InfraChange.keep(List.of(view)));
    }

    @AfterEach
    void dropTable() {
        schema.teardown(List.of(view));
    }

    private String table() {
        return "\"" + KEYSPACE + "\".\"" + project + "_" + view.name() + "\"";
    }

    /** Feast's online_write_batch: its INSERT_CQL_4_TEMPLATE, one row per feature, the driver's own write time. */
    private void feastWrite(FeatureRow row) {
        PreparedStatement insert = cql.prepare("INSERT INTO " + table() + " (feature_name, value, entity_key, event_ts) VALUES (?, ?, ?, ?);");
        String key = EntityKeyCodec.hex(EntityKeyCodec.serialize(row.entityKey()));
        row.values().forEach((feature, value) -> cql.execute(insert.bind(feature, ByteBuffer.wrap(ValueCodec.encode(value)), key, row.eventTime())));
    }

    /** What Feast's online_read returns for one key: (event_ts, {feature: Value}), or null for (None, None). */
    private FeastResult feastRead(EntityKey key, List<String> requested) {
        PreparedStatement select = cql.prepare("SELECT feature_name, value, event_ts FROM " + table() + " WHERE entity_key = ?;");
        Map<String, Value> res = new LinkedHashMap<>();
        Instant resTs = null;
        for (Row r : cql.execute(select.bind(EntityKeyCodec.hex(EntityKeyCodec.serialize(key))))) {
            if (requested.contains(r.getString("feature_name"))) {
                ByteBuffer b = r.getByteBuffer("value");
                byte[] bytes = new byte[b.remaining()];
                b.duplicate().get(bytes);
                res.put(r.getString("feature_name"), ValueCodec.decode(bytes));
                resTs = r.getInstant("event_ts");
            }
        }
        return res.isEmpty() ? null : new FeastResult(resTs, res);
    }

    record FeastResult(Instant eventTs, Map<String, Value> values) {
    }

    private static void assertServed(OnlineRow larder, FeastResult feast, FeatureRow expected) {
        assertThat(larder.isPresent()).as("Larder reads %s", expected.entityKey()).isTrue();
        assertThat(larder.values()).as("Larder's read").isEqualTo(expected.values());
        assertThat(larder.eventTime()).isEqualTo(expected.eventTime());
        assertThat(feast).as("Feast reads %s", expected.entityKey()).isNotNull();
        assertThat(feast.values()).as("Feast's read").isEqualTo(expected.values());
        assertThat(feast.eventTs()).isEqualTo(expected.eventTime());
    }

    @Test
    void feastThenLarder_aNewerEventIsServedAnOlderOneIgnored() {
        OnlineStore larder = store(Map.of());
        for (long id = 1; id <= 3; id++) feastWrite(driverRow(id, 1, T2));
        FeatureRow newer = driverRow(1, 2, T3);
        FeatureRow older = driverRow(2, 2, T1);
        FeatureRow partial = new FeatureRow(driver(3), Map.of("trips", Value.ofInt64(3_333)), T3);
        larder.write(view, List.of(newer, older, partial), r -> { });

        List<OnlineRow> got = larder.read(view, List.of(driver(1), driver(2), driver(3)), FEATURES);
        assertServed(got.get(0), feastRead(driver(1), FEATURES), newer);
        assertServed(got.get(1), feastRead(driver(2), FEATURES), driverRow(2, 1, T2));
        // A newer row with one feature replaces Feast's three: the others are gone for both readers.
        assertServed(got.get(2), feastRead(driver(3), FEATURES), partial);
    }

    @Test
    void larderThenFeast_theLaterWriteIsServedToBothAsFeastWouldServeIt() {
        OnlineStore larder = store(Map.of());
        larder.write(view, List.of(driverRow(1, 1, T2)), r -> { });
        // Feast writes last, with an older event: Feast's own rule (last write wins) applies to its write.
        feastWrite(driverRow(1, 2, T1));
        assertServed(larder.read(view, List.of(driver(1)), FEATURES).get(0), feastRead(driver(1), FEATURES), driverRow(1, 2, T1));
        // Then Larder again: newer than what Feast left, so served; older, so ignored.
        larder.write(view, List.of(driverRow(1, 3, T3)), r -> { });
        larder.write(view, List.of(driverRow(1, 4, T2)), r -> { });
        assertServed(larder.read(view, List.of(driver(1)), FEATURES).get(0), feastRead(driver(1), FEATURES), driverRow(1, 3, T3));
    }

    @Test
    void aFeastClockAheadOfLardersDoesNotHideLardersNewerEvent() {
        OnlineStore larder = store(Map.of());
        // A Feast host whose clock runs an hour ahead: its cells carry a write time in Larder's future.
        long ahead = CellTimestamps.micros(Instant.now().plusSeconds(3600));
        PreparedStatement insert = cql.prepare("INSERT INTO " + table() + " (feature_name, value, entity_key, event_ts) VALUES (?, ?, ?, ?) USING TIMESTAMP ?");
        FeatureRow feast = driverRow(1, 1, T1);
        String key = EntityKeyCodec.hex(EntityKeyCodec.serialize(feast.entityKey()));
        feast.values().forEach((f, v) -> cql.execute(insert.bind(f, ByteBuffer.wrap(ValueCodec.encode(v)), key, feast.eventTime(), ahead)));
        FeatureRow newer = driverRow(1, 2, T2);
        larder.write(view, List.of(newer), r -> { });
        assertServed(larder.read(view, List.of(driver(1)), FEATURES).get(0), feastRead(driver(1), FEATURES), newer);
    }

    @Test
    void aCreatedTimeFeastLeftBehindDoesNotCount() {
        OnlineStore larder = store(Map.of());
        larder.write(view, List.of(new FeatureRow(driver(1), driverRow(1, 1, T2).values(), T2, T2.plusSeconds(60))), r -> { });
        // Feast rewrites the key at the same event time; its INSERT leaves Larder's created_ts in place.
        feastWrite(driverRow(1, 2, T2));
        // Feast's row has no created time, so a row with one at the same event time replaces it.
        FeatureRow withCreated = new FeatureRow(driver(1), driverRow(1, 3, T2).values(), T2, T2.plusSeconds(1));
        larder.write(view, List.of(withCreated), r -> { });
        assertServed(larder.read(view, List.of(driver(1)), FEATURES).get(0), feastRead(driver(1), FEATURES), withCreated);
    }

    @Test
    void eventTimeStampsOnFeastsRowsFailTheWriteInsteadOfLosingIt() {
        OnlineStore larder = store(Map.of("write_timestamp", "event_time"));
        feastWrite(driverRow(1, 1, T1));
        Throwable e = catchThrowable(() -> larder.write(view, List.of(driverRow(2, 2, T3), driverRow(1, 2, T2)), r -> { }));
        assertThat(e).isInstanceOf(OnlineStoreException.class).hasMessageNotContaining("\n")
                .hasMessageContaining("nothing written").hasMessageContaining("write_timestamp: now").hasMessageContaining("driver_id");
        assertThat(((OnlineStoreException) e).operation()).isEqualTo(OnlineStoreException.Operation.WRITE);
        assertThat(((OnlineStoreException) e).isRetryable()).isFalse();
        List<OnlineRow> got = larder.read(view, List.of(driver(1), driver(2)), FEATURES);
        assertServed(got.get(0), feastRead(driver(1), FEATURES), driverRow(1, 1, T1));
        assertThat(got.get(1).isPresent()).as("nothing of the failed call was written").isFalse();
        // The same call with the default stamps goes through.
        store(Map.of()).write(view, List.of(driverRow(2, 2, T3), driverRow(1, 2, T2)), r -> { });
        assertServed(larder.read(view, List.of(driver(1)), FEATURES).get(0), feastRead(driver(1), FEATURES), driverRow(1, 2, T2));
    }
}
