package dev.larder.registry.feast;

import dev.larder.Catalog;
import dev.larder.FeatureServiceResolver;
import dev.larder.LarderException;
import dev.larder.config.SqlRegistryUrl;
import dev.larder.definitions.EntityDefinition;
import dev.larder.definitions.FeatureServiceDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.registry.Registry;
import dev.larder.registry.RegistryStore;
import dev.larder.registry.RegistryStores;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Feast's driver registry, as Feast wrote it, read through each registry form: every field of the
 * mapping the golden README lists under "Expected Larder interpretation".
 */
class FeastRegistryReadTest {
    enum Form { FILE, SQL_SQLITE, SQL_POSTGRESQL }

    @TempDir
    Path repo;

    RegistryStore open(Form form) throws Exception {
        switch (form) {
            case FILE:
                return RegistryStores.open(FeastGolden.fileConfig(FeastGolden.copy("driver_registry.db", repo.resolve("data"))));
            case SQL_SQLITE:
                FeastGolden.copy("driver_sql_registry.db", repo.resolve("data"));
                return RegistryStores.open(FeastGolden.sqlConfig("sqlite:///data/driver_sql_registry.db", repo));
            default:
                // Feast's rows copied into a real PostgreSQL database with Feast's schema.
                String url = FeastGolden.newPostgresDatabase();
                RegistryStore store = RegistryStores.open(FeastGolden.sqlConfig(url, repo));
                store.save(Registry.empty("scratch").withDefinitions(new dev.larder.definitions.Definitions(List.of(), List.of()), List.of(), FeastGolden.T0));
                SqlRegistryUrl u = SqlRegistryUrl.parse(url, repo);
                Properties p = new Properties();
                p.setProperty("user", u.user().orElseThrow());
                p.setProperty("password", u.password().orElseThrow().reveal());
                FeastGolden.copyGoldenRows(FeastGolden.copy("driver_sql_registry.db", repo.resolve("golden")), u.jdbcUrl(), p);
                return store;
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void mapsEveryObjectAndFieldOfTheDriverRegistry(Form form) throws Exception {
        RegistryStore store = open(form);
        Registry r = store.loadApplied(FeastGolden.PROJECT);

        assertThat(r.project()).isEqualTo("driver_proj");
        // Feast's placeholder entity __dummy is hidden, as Feast's own listings hide it.
        assertThat(r.entities()).containsExactly(new EntityDefinition("driver", List.of("driver_id"), ValueType.INT64));

        Field driverId = new Field("driver_id", ValueType.INT64);
        List<Field> stats = List.of(new Field("conv_rate", ValueType.FLOAT), new Field("acc_rate", ValueType.FLOAT),
                new Field("avg_daily_trips", ValueType.INT64));
        assertThat(r.views().keySet()).containsExactlyInAnyOrder("driver_hourly_stats", "driver_hourly_stats_fresh", "global_stats");

        Registry.ViewEntry hourly = r.views().get("driver_hourly_stats");
        assertThat(hourly.view()).isEqualTo(new FeatureView("driver_hourly_stats", List.of("driver"), List.of(driverId), stats, Duration.ofDays(1)));
        assertThat(hourly.definition().source())
                .isEqualTo(new SourceDefinition("data/driver_stats.parquet", "event_timestamp", "created", "driver_stats_source"));
        assertThat(hourly.materialized()).isEmpty();

        // Its stream source is a push source; materialization reads the push source's batch source.
        Registry.ViewEntry fresh = r.views().get("driver_hourly_stats_fresh");
        assertThat(fresh.view()).isEqualTo(new FeatureView("driver_hourly_stats_fresh", List.of("driver"), List.of(driverId), stats, Duration.ofDays(1)));
        assertThat(fresh.definition().source())
                .isEqualTo(new SourceDefinition("data/driver_stats.parquet", "event_timestamp", "created", "driver_stats_source"));

        // Entityless: Feast's __dummy entity becomes Larder's dummy join key (__dummy_id, the empty string); an empty ttl is no max age.
        FeatureView global = r.views().get("global_stats").view();
        assertThat(global.isEntityless()).isTrue();
        assertThat(global.entities()).isEmpty();
        assertThat(global.joinKeys()).containsExactly(new Field("__dummy_id", ValueType.STRING));
        assertThat(global.features()).containsExactly(new Field("total_trips", ValueType.INT64));
        assertThat(global.ttl()).isZero();
        assertThat(global.maxAge()).isEmpty();
        assertThat(r.views().get("global_stats").definition().source())
                .isEqualTo(new SourceDefinition("data/global_stats.parquet", "event_timestamp", null, "global_stats_source"));

        assertThat(r.featureServices()).containsExactly(new FeatureServiceDefinition("driver_activity", List.of(
                new FeatureServiceDefinition.Projection("driver_hourly_stats", null, List.of("conv_rate", "acc_rate"), Map.of()),
                new FeatureServiceDefinition.Projection("driver_hourly_stats_fresh", null,
                        List.of("conv_rate", "acc_rate", "avg_daily_trips"), Map.of()))));
        assertThat(r.unservable()).isEmpty();

        Catalog catalog = Catalog.of(r);
        assertThat(FeatureServiceResolver.featureRefs(FeatureServiceResolver.resolve(catalog, "driver_activity"))).containsExactly(
                "driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats_fresh:conv_rate",
                "driver_hourly_stats_fresh:acc_rate", "driver_hourly_stats_fresh:avg_daily_trips");

        // The file registry's last_updated; the SQL registry's feast_metadata (whole seconds).
        assertThat(r.lastUpdated()).isEqualTo(form == Form.FILE ? FeastGolden.T1 : Instant.ofEpochSecond(1736935202L));
        assertThat(store.projects()).contains("driver_proj");
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void aProjectTheRegistryDoesNotHoldIsAnErrorListingTheProjectsItHolds(Form form) throws Exception {
        RegistryStore store = open(form);
        assertThat(store.load("driver")).isEmpty();
        assertThatThrownBy(() -> store.loadApplied("driver"))
                .isInstanceOf(LarderException.class)
                .hasMessageContaining("holds no project 'driver'")
                .hasMessageContaining("driver_proj")
                .hasMessageContaining(store.describe())
                .hasMessageNotContaining("s3cret");
    }
}
