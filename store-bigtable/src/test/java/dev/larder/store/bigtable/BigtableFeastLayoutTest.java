package dev.larder.store.bigtable;

import com.google.cloud.bigtable.admin.v2.models.ColumnFamily;
import com.google.cloud.bigtable.admin.v2.models.GCRules;
import com.google.cloud.bigtable.data.v2.models.Mutation;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.RowMutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.EntityKeyCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Feast's Bigtable layout byte for byte: table names (with Feast's shortening), row keys, the
 * family, qualifiers, serialized values, {@code event_ts} text and cell timestamps. Expected
 * entity ids and value bytes come from feast-vectors.json (Feast's own code); expected table
 * names from Feast's {@code _get_table_name} run in Python.
 */
class BigtableFeastLayoutTest {
    static EmulatorFixture fx;

    @BeforeAll
    static void start() {
        fx = new EmulatorFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static final Instant T = Instant.parse("2026-01-02T03:04:05.678Z");
    static final long T_MICROS = 1_767_323_045_678_000L;

    static FeatureView hourly() {
        return new FeatureView("driver_hourly", List.of("driver"), List.of(new Field("driver_id", ValueType.INT64)), List.of(
                new Field("conv_rate", ValueType.FLOAT), new Field("trips", ValueType.INT64), new Field("note", ValueType.STRING)), Duration.ZERO);
    }

    static FeatureView daily() {
        return new FeatureView("driver_daily", List.of("driver"), List.of(new Field("driver_id", ValueType.INT64)),
                List.of(new Field("rating", ValueType.DOUBLE)), Duration.ZERO);
    }

    static EntityKey driver(long id) {
        return EntityKey.of("driver_id", Value.ofInt64(id));
    }

    @Test
    void tableNamesFollowFeastIncludingTheShortening() {
        assertThat(BigtableLayout.tableName("demo", List.of("driver"))).isEqualTo("demo.driver");
        assertThat(BigtableLayout.tableName("demo", List.of("shop", "customer"))).isEqualTo("demo.customer-shop");
        assertThat(BigtableLayout.tableName("demo", List.of())).isEqualTo("demo.__dummy");
        List<String> many = List.of("driver", "customer", "merchant", "location", "device");
        String longProject = "a_very_long_feast_project_name_for_larder_tests";
        assertThat(BigtableLayout.tableName("proj", many)).isEqualTo("proj.bcb66e012dde9fdeb942bb6a");
        assertThat(BigtableLayout.tableName(longProject, List.of("driver"))).isEqualTo("a_very_lon_98c7f5a85594a1cadefd8841b86c537e.driver");
        assertThat(BigtableLayout.tableName(longProject, many)).isEqualTo("a_very_lon_98c7f5a85594a1.bcb66e012dde9fdeb942bb6a");
        // At the boundaries: 25 + 1 + 24 fits exactly; one more character shortens the project.
        assertThat(BigtableLayout.tableName("p".repeat(25), many)).isEqualTo("ppppppppppppppppppppppppp.bcb66e012dde9fdeb942bb6a");
        assertThat(BigtableLayout.tableName("p".repeat(26), many)).isEqualTo("pppppppppp_56b34d6c5c94dd.bcb66e012dde9fdeb942bb6a");
        assertThat(BigtableLayout.tableName("x".repeat(43), List.of("driver"))).isEqualTo("x".repeat(43) + ".driver");
        assertThat(BigtableLayout.tableName("x".repeat(44), List.of("driver"))).isEqualTo("xxxxxxxxxx_1d33e0c7f2723c75a636997239ae1c3c.driver");
    }

    @Test
    void longProjectAndManyEntitiesCreateTheShortenedTable() {
        String project = EmulatorFixture.freshProject("a_very_long_feast_project_name_for_larder");
        List<String> entities = List.of("driver", "customer", "merchant", "location", "device");
        FeatureView view = new FeatureView("fv_wide", entities, List.of(new Field("driver_id", ValueType.INT64), new Field("customer_id", ValueType.STRING),
                new Field("merchant_id", ValueType.INT64), new Field("location_id", ValueType.INT64), new Field("device_id", ValueType.STRING)),
                List.of(new Field("score", ValueType.DOUBLE)), Duration.ZERO);
        OnlineStore store = fx.store(project, Map.of());
        store.update(InfraChange.keep(List.of(view)));
        String table = BigtableLayout.tableName(project, entities);
        assertThat(table).hasSize(50).startsWith(project.substring(0, 10) + "_").endsWith(".bcb66e012dde9fdeb942bb6a");
        assertThat(fx.admin.exists(table)).isTrue();
        Map<String, Value> key = new LinkedHashMap<>();
        key.put("driver_id", Value.ofInt64(1));
        key.put("customer_id", Value.ofString("c"));
        key.put("merchant_id", Value.ofInt64(2));
        key.put("location_id", Value.ofInt64(3));
        key.put("device_id", Value.ofString("d"));
        FeatureRow row = new FeatureRow(EntityKey.of(key), Map.of("score", Value.ofDouble(0.5)), T);
        store.write(view, List.of(row), r -> { });
        assertThat(fx.rowKeys(table)).containsExactly(EntityKeyCodec.entityId(EntityKey.of(key)) + "#fv_wide");
        assertThat(store.read(view, List.of(EntityKey.of(key)), List.of("score")).get(0)).isEqualTo(OnlineRow.of(T, Map.of("score", Value.ofDouble(0.5))));
        store.teardown(List.of(view));
        assertThat(fx.admin.exists(table)).isFalse();
    }

    @Test
    void rowsCellsAndValuesByteForByte() {
        String project = EmulatorFixture.freshProject("layout");
        OnlineStore store = fx.store(project, Map.of());
        store.update(InfraChange.keep(List.of(hourly(), daily())));
        String table = project + ".driver";
        assertThat(fx.tables(project)).containsExactly(table);
        Map<String, com.google.bigtable.admin.v2.GcRule> families = new LinkedHashMap<>();
        for (ColumnFamily f : fx.admin.getTable(table).getColumnFamilies()) families.put(f.getId(), f.getGCRule().toProto());
        assertThat(families).as("Feast's family, and Larder's that Feast never reads").containsOnly(
                Map.entry("features", GCRules.GCRULES.maxVersions(2).toProto()),
                Map.entry("larder", GCRules.GCRULES.maxVersions(1).toProto()));

        store.write(hourly(), List.of(
                new FeatureRow(driver(1001), Map.of("conv_rate", Value.ofFloat(1.5f), "trips", Value.ofInt64(1), "note", Value.ofString("hello")), T),
                new FeatureRow(driver(-7), Map.of("trips", Value.ofInt64(-5)), T)), r -> { });
        store.write(daily(), List.of(new FeatureRow(driver(1001), Map.of("rating", Value.ofDouble(3.141592653589793)), T)), r -> { });

        // Rows of one entity are adjacent, whatever the view: collocated by entity key.
        assertThat(fx.rowKeys(table)).containsExactly(
                "781fb92063e596b38fbfa3f559607935#driver_hourly",
                "f3cfd4a822f245b63975464763babaec#driver_daily",
                "f3cfd4a822f245b63975464763babaec#driver_hourly");
        Row row = fx.rows(table).get(2);
        assertThat(cells(row, "features")).containsExactly(
                Map.entry("conv_rate", "350000c03f"),
                Map.entry("event_ts", EntityKeyCodec.hex("2026-01-02T03:04:05.678000+00:00".getBytes())),
                Map.entry("note", "120568656c6c6f"),
                Map.entry("trips", "2001"));
        // Larder's order cell: event time in microseconds, then created time + 1 (0: none), big-endian.
        assertThat(cells(row, "larder")).containsExactly(Map.entry("event_created", "0006475ef6574bb0" + "0000000000000000"));
        assertThat(row.getCells()).hasSize(5);
        for (RowCell c : row.getCells()) {
            assertThat(c.getTimestamp()).as("cell timestamp = event time in microseconds").isEqualTo(T_MICROS);
        }
        assertThat(cells(fx.rows(table).get(0), "features")).containsEntry("trips", "20fbffffffffffffffff01").hasSize(2);
        assertThat(cells(fx.rows(table).get(1), "features")).containsEntry("rating", "29182d4454fb210940").hasSize(2);
    }

    @Test
    void compoundAndEntitylessViewsUseFeastsTablesAndKeys() {
        String project = EmulatorFixture.freshProject("layout");
        OnlineStore store = fx.store(project, Map.of());
        FeatureView compound = new FeatureView("fv_compound", List.of("driver", "customer"),
                List.of(new Field("driver_id", ValueType.INT64), new Field("customer_id", ValueType.STRING)),
                List.of(new Field("score", ValueType.DOUBLE)), Duration.ZERO);
        FeatureView global = new FeatureView("fv_global", List.of(), List.of(), List.of(new Field("total", ValueType.INT64)), Duration.ZERO);
        store.update(InfraChange.keep(List.of(compound, global)));
        assertThat(fx.tables(project)).containsExactlyInAnyOrder(project + ".customer-driver", project + ".__dummy");
        store.write(compound, List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1001), "customer_id", Value.ofString("C-42")),
                Map.of("score", Value.ofDouble(0.0)), T)), r -> { });
        store.write(global, List.of(new FeatureRow(EntityKey.DUMMY, Map.of("total", Value.ofInt64(1)), T)), r -> { });
        assertThat(fx.rowKeys(project + ".customer-driver")).containsExactly("f3311b0efb5cf5bcbf877390a0cd4b42#fv_compound");
        assertThat(cells(fx.rows(project + ".customer-driver").get(0), "features")).containsEntry("score", "290000000000000000");
        assertThat(fx.rowKeys(project + ".__dummy")).containsExactly(EntityKeyCodec.entityId(EntityKey.DUMMY) + "#fv_global");
    }

    /**
     * Rows as Feast's Python client writes them: cells with the server's timestamp (-1), event_ts
     * with microseconds. Larder reads them; a later Feast write of the same row replaces it.
     */
    @Test
    void readsRowsWrittenTheWayFeastWritesThem() throws InterruptedException {
        String project = EmulatorFixture.freshProject("feastrows");
        OnlineStore store = fx.store(project, Map.of());
        store.update(InfraChange.keep(List.of(hourly())));
        String table = project + ".driver";
        ByteString key = ByteString.copyFromUtf8("f3cfd4a822f245b63975464763babaec#driver_hourly");
        fx.data.mutateRow(RowMutation.create(TableId.of(table), key, Mutation.createUnsafe()
                .setCell("features", ByteString.copyFromUtf8("trips"), -1, ByteString.copyFrom(EntityKeyCodec.unhex("2001")))
                .setCell("features", ByteString.copyFromUtf8("note"), -1, ByteString.copyFrom(EntityKeyCodec.unhex("120568656c6c6f")))
                .setCell("features", ByteString.copyFromUtf8("event_ts"), -1, ByteString.copyFromUtf8("2024-01-01T00:00:00.123456+00:00"))));
        assertThat(store.read(hourly(), List.of(driver(1001)), List.of("trips", "note", "conv_rate")).get(0)).isEqualTo(OnlineRow.of(
                Instant.parse("2024-01-01T00:00:00.123456Z"), Map.of("trips", Value.ofInt64(1), "note", Value.ofString("hello"))));
        Thread.sleep(5); // the next server timestamp is later
        fx.data.mutateRow(RowMutation.create(TableId.of(table), key, Mutation.createUnsafe()
                .setCell("features", ByteString.copyFromUtf8("trips"), -1, ByteString.copyFrom(EntityKeyCodec.unhex("20fbffffffffffffffff01")))
                .setCell("features", ByteString.copyFromUtf8("event_ts"), -1, ByteString.copyFromUtf8("2024-01-02T00:00:00+00:00"))));
        assertThat(store.read(hourly(), List.of(driver(1001)), List.of("trips", "note")).get(0)).isEqualTo(OnlineRow.of(
                Instant.parse("2024-01-02T00:00:00Z"), Map.of("trips", Value.ofInt64(-5))));
    }

    /**
     * A table Feast created (family {@code features} only) and rows Feast wrote (server timestamps,
     * no order cell): {@code update} adds Larder's family; Larder's writes then follow NewestWins
     * against Feast's rows by their {@code event_ts} text (Feast keeps no created time: a Feast row
     * has none), and replace them whole.
     */
    @Test
    void writesOverRowsFeastWroteFollowNewestWinsByEventTs() {
        String project = EmulatorFixture.freshProject("feastover");
        String table = project + ".driver";
        fx.admin.createTable(com.google.cloud.bigtable.admin.v2.models.CreateTableRequest.of(table)
                .addFamily("features", GCRules.GCRULES.maxVersions(2)));
        OnlineStore store = fx.store(project, Map.of());
        FeatureRow older = new FeatureRow(driver(1001), Map.of("trips", Value.ofInt64(1)), Instant.parse("2024-01-01T00:00:00.5Z"));
        assertThatThrownBy(() -> store.write(hourly(), List.of(older), r -> { }))
                .as("Larder's family is missing until update adds it").isInstanceOf(OnlineStoreException.class)
                .hasMessageContaining("larder apply");
        assertThat(store.plan(InfraChange.keep(List.of(hourly())))).containsExactly(new PlannedChange(PlannedChange.Action.CREATE,
                "column family larder in table " + table, "GC rule max 1 versions"));
        store.update(InfraChange.keep(List.of(hourly())));

        ByteString key = ByteString.copyFromUtf8("f3cfd4a822f245b63975464763babaec#driver_hourly");
        Instant feastTime = Instant.parse("2024-01-01T00:00:01Z"); // isoformat without a fraction: "…:01+00:00"
        fx.data.mutateRow(RowMutation.create(TableId.of(table), key, Mutation.createUnsafe()
                .setCell("features", ByteString.copyFromUtf8("trips"), -1, ByteString.copyFrom(EntityKeyCodec.unhex("2001")))
                .setCell("features", ByteString.copyFromUtf8("note"), -1, ByteString.copyFrom(EntityKeyCodec.unhex("120568656c6c6f")))
                .setCell("features", ByteString.copyFromUtf8("event_ts"), -1, ByteString.copyFromUtf8("2024-01-01T00:00:01+00:00"))));
        OnlineRow feastRow = OnlineRow.of(feastTime, Map.of("trips", Value.ofInt64(1), "note", Value.ofString("hello")));
        List<String> features = List.of("trips", "note", "conv_rate");

        store.write(hourly(), List.of(older), r -> { });
        assertThat(store.read(hourly(), List.of(driver(1001)), features).get(0)).as("an older event loses").isEqualTo(feastRow);
        store.write(hourly(), List.of(new FeatureRow(driver(1001), Map.of("trips", Value.ofInt64(2)), feastTime)), r -> { });
        assertThat(store.read(hourly(), List.of(driver(1001)), features).get(0))
                .as("an equal event without created time: a full tie, the stored row stays").isEqualTo(feastRow);
        store.write(hourly(), List.of(new FeatureRow(driver(1001), Map.of("trips", Value.ofInt64(3)), feastTime.minusNanos(1000), feastTime)), r -> { });
        assertThat(store.read(hourly(), List.of(driver(1001)), features).get(0))
                .as("'…:00.999999+00:00' sorts before '…:01+00:00'").isEqualTo(feastRow);
        store.write(hourly(), List.of(new FeatureRow(driver(1001), Map.of("trips", Value.ofInt64(4)), feastTime, feastTime)), r -> { });
        assertThat(store.read(hourly(), List.of(driver(1001)), features).get(0))
                .as("an equal event with a created time replaces the Feast row whole").isEqualTo(OnlineRow.of(feastTime, Map.of("trips", Value.ofInt64(4))));
        assertThat(cells(fx.rows(table).get(0), "features")).containsOnlyKeys("event_ts", "trips");
        store.write(hourly(), List.of(new FeatureRow(driver(1001), Map.of("trips", Value.ofInt64(5)), feastTime.plusNanos(1000))), r -> { });
        assertThat(store.read(hourly(), List.of(driver(1001)), features).get(0).values()).containsExactly(Map.entry("trips", Value.ofInt64(5)));
        store.teardown(List.of(hourly()));
    }

    /** Qualifier to value hex of one family, in qualifier order (the newest cell of each). */
    static Map<String, String> cells(Row row, String family) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RowCell c : row.getCells(family)) out.putIfAbsent(c.getQualifier().toStringUtf8(), EntityKeyCodec.hex(c.getValue().toByteArray()));
        return out;
    }
}
