package dev.larder.registry.feast;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.larder.Catalog;
import dev.larder.FeatureServiceResolver;
import dev.larder.LarderException;
import dev.larder.config.RegistryConfig;
import dev.larder.config.RepoConfig;
import dev.larder.feast.proto.core.FeatureService;
import dev.larder.feast.proto.core.FeatureSpecV2;
import dev.larder.feast.proto.core.FeatureView;
import dev.larder.feast.proto.core.FeatureViewProjection;
import dev.larder.feast.proto.core.OnDemandFeatureView;
import dev.larder.feast.proto.core.OnDemandFeatureViewSpec;
import dev.larder.registry.Registry;
import dev.larder.registry.RegistryStore;
import dev.larder.registry.RegistryStores;
import dev.larder.spi.ConfigException;
import dev.larder.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What goes wrong with a Feast registry, and what the error says. */
class FeastRegistryErrorsTest {
    @TempDir
    Path repo;

    private RegistryStore fileStore(byte[] bytes) throws Exception {
        Path file = repo.resolve("data/registry.db");
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return RegistryStores.open(FeastGolden.fileConfig(file));
    }

    private static dev.larder.feast.proto.core.Registry golden() throws Exception {
        return dev.larder.feast.proto.core.Registry.parseFrom(FeastGolden.bytes("driver_registry.db"));
    }

    @Test
    void aTruncatedRegistryNamesTheFileAndTheParseFailure() throws Exception {
        byte[] golden = FeastGolden.bytes("driver_registry.db");
        RegistryStore store = fileStore(Arrays.copyOf(golden, 1000));
        assertThatThrownBy(() -> store.load("driver_proj")).isInstanceOf(LarderException.class)
                .hasMessageContaining(repo.resolve("data/registry.db").toString())
                .hasMessageContaining("protobuf parsing of feast.core.Registry failed")
                .hasMessageContaining("1000 bytes");
    }

    @Test
    void bytesThatAreNoRegistryAreNamedSo() throws Exception {
        RegistryStore text = fileStore("hello, I am not a registry\n".getBytes());
        assertThatThrownBy(() -> text.load("driver_proj")).isInstanceOf(LarderException.class)
                .hasMessageContaining("registry.db").hasMessageContaining("not a");
    }

    @Test
    void aSqlRegistryGivenAsAFileRegistrySaysHowToConfigureIt() throws Exception {
        RegistryStore store = fileStore(FeastGolden.bytes("driver_sql_registry.db"));
        assertThatThrownBy(() -> store.load("driver_proj")).isInstanceOf(LarderException.class)
                .hasMessageContaining("SQLite database").hasMessageContaining("registry_type: sql");
    }

    @Test
    void aCorruptSqlRowNamesTableRowAndColumn() throws Exception {
        Path db = FeastGolden.copy("driver_sql_registry.db", repo.resolve("data"));
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); var s = c.createStatement()) {
            s.executeUpdate("UPDATE feature_views SET feature_view_proto = X'FFFFFFFF' WHERE feature_view_name = 'global_stats'");
        }
        RegistryStore store = RegistryStores.open(FeastGolden.sqlConfig("sqlite:///data/driver_sql_registry.db", repo));
        assertThatThrownBy(() -> store.load("driver_proj")).isInstanceOf(LarderException.class)
                .hasMessageContaining("table feature_views, row 'global_stats'").hasMessageContaining("feature_view_proto");
    }

    @Test
    void unknownFieldsOfNewerFeastVersionsAreIgnoredWhenReadingAndKeptWhenWriting() throws Exception {
        // A field number this Feast version does not have (a newer Feast's), at the top and inside a view.
        UnknownFieldSet extra = UnknownFieldSet.newBuilder()
                .addField(900, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("from the future")).build()).build();
        dev.larder.feast.proto.core.Registry.Builder b = golden().toBuilder().setUnknownFields(extra);
        b.setFeatureViews(0, b.getFeatureViews(0).toBuilder().setUnknownFields(extra));
        RegistryStore store = fileStore(b.build().toByteArray());
        Registry r = store.loadApplied("driver_proj");
        assertThat(r.views()).containsKey("driver_hourly_stats");

        store.save(r.withMaterialized("global_stats", new Registry.Interval(FeastGolden.T0, FeastGolden.T1), FeastGolden.T1));
        dev.larder.feast.proto.core.Registry written = dev.larder.feast.proto.core.Registry.parseFrom(Files.readAllBytes(repo.resolve("data/registry.db")));
        assertThat(written.getUnknownFields().hasField(900)).isTrue();
    }

    @Test
    void onDemandAndOfflineOnlyViewsLoadAndAreNamedUnsupportedWhenRequested() throws Exception {
        dev.larder.feast.proto.core.Registry.Builder b = golden().toBuilder();
        b.addOnDemandFeatureViews(OnDemandFeatureView.newBuilder().setSpec(OnDemandFeatureViewSpec.newBuilder().setName("transformed_conv_rate")
                .setProject("driver_proj").addFeatures(FeatureSpecV2.newBuilder().setName("conv_rate_plus_val1").setValueTypeValue(5))));
        FeatureView offline = b.getFeatureViews(0).toBuilder()
                .setSpec(b.getFeatureViews(0).getSpec().toBuilder().setName("offline_stats").setOnline(false)).build();
        b.addFeatureViews(offline);
        b.addFeatureServices(FeatureService.newBuilder().setSpec(b.getFeatureServices(0).getSpec().toBuilder().setName("with_odfv")
                .addFeatures(FeatureViewProjection.newBuilder().setFeatureViewName("transformed_conv_rate")
                        .addFeatureColumns(FeatureSpecV2.newBuilder().setName("conv_rate_plus_val1")))));
        Registry r = fileStore(b.build().toByteArray()).loadApplied("driver_proj");
        Catalog catalog = Catalog.of(r);

        assertThat(r.unservable()).containsOnlyKeys("transformed_conv_rate", "offline_stats");
        assertThatThrownBy(() -> catalog.view("transformed_conv_rate")).hasMessageContaining("on-demand feature view");
        assertThatThrownBy(() -> catalog.view("offline_stats")).hasMessageContaining("online: false");
        assertThatThrownBy(() -> FeatureServiceResolver.resolve(catalog, "with_odfv"))
                .hasMessageContaining("Feature service 'with_odfv'")
                .hasMessageContaining("'transformed_conv_rate' cannot be served by Larder: it is an on-demand feature view");
        // The rest of the registry still serves.
        assertThat(FeatureServiceResolver.resolve(catalog, "driver_activity")).hasSize(2);
    }

    @Test
    void aFeatureServiceNamingAnUnknownViewOrFeatureSaysWhichAndWhatExists() throws Exception {
        dev.larder.feast.proto.core.Registry.Builder b = golden().toBuilder();
        FeatureViewProjection unknownView = FeatureViewProjection.newBuilder().setFeatureViewName("driver_stats_v2")
                .addFeatureColumns(FeatureSpecV2.newBuilder().setName("conv_rate")).build();
        FeatureViewProjection unknownFeature = FeatureViewProjection.newBuilder().setFeatureViewName("driver_hourly_stats")
                .addFeatureColumns(FeatureSpecV2.newBuilder().setName("cancel_rate")).build();
        b.addFeatureServices(FeatureService.newBuilder().setSpec(b.getFeatureServices(0).getSpec().toBuilder().setName("bad_view")
                .clearFeatures().addFeatures(unknownView)));
        b.addFeatureServices(FeatureService.newBuilder().setSpec(b.getFeatureServices(0).getSpec().toBuilder().setName("bad_feature")
                .clearFeatures().addFeatures(unknownFeature)));
        Catalog catalog = Catalog.of(fileStore(b.build().toByteArray()).loadApplied("driver_proj"));

        assertThatThrownBy(() -> FeatureServiceResolver.resolve(catalog, "bad_view"))
                .hasMessageContaining("Feature service 'bad_view'").hasMessageContaining("Unknown feature view 'driver_stats_v2'")
                .hasMessageContaining("[driver_hourly_stats, driver_hourly_stats_fresh, global_stats]");
        assertThatThrownBy(() -> FeatureServiceResolver.resolve(catalog, "bad_feature"))
                .hasMessageContaining("Feature service 'bad_feature' reads feature 'cancel_rate' of feature view 'driver_hourly_stats'")
                .hasMessageContaining("[conv_rate, acc_rate, avg_daily_trips]");
        assertThatThrownBy(() -> FeatureServiceResolver.resolve(catalog, "driver_activty"))
                .hasMessageContaining("Unknown feature service 'driver_activty'").hasMessageContaining("driver_activity");
    }

    @Test
    void anUnreachablePostgresqlFailsWithinTheTimeoutWithoutShowingThePassword() {
        int closed = FreePorts.find();
        RegistryStore store = RegistryStores.open(FeastGolden.sqlConfig("postgresql://feast:hunter2@127.0.0.1:" + closed + "/feast", repo));
        long start = System.nanoTime();
        assertThatThrownBy(() -> store.load("driver_proj")).isInstanceOf(LarderException.class)
                .hasMessageContaining("Feast SQL registry postgresql://feast@127.0.0.1:" + closed + "/feast")
                .hasMessageContaining("cannot connect within " + FeastSqlRegistryStore.CONNECT_TIMEOUT.toSeconds() + " s")
                .hasMessageNotContaining("hunter2");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(FeastSqlRegistryStore.CONNECT_TIMEOUT.plusSeconds(5));
        assertThat(store.describe()).doesNotContain("hunter2");
    }

    @Test
    void registryConfigurationFollowsFeastAndRejectsWhatLarderCannotRead() throws Exception {
        RepoConfig fileDefault = config("project: p\nregistry: data/registry.db\n");
        assertThat(fileDefault.registry().kind()).isEqualTo(RegistryConfig.Kind.FEAST_FILE);
        assertThat(fileDefault.registry().cacheTtl()).hasSeconds(600);
        assertThat(config("project: p\n").registry().kind()).isEqualTo(RegistryConfig.Kind.LARDER_JSON);
        RepoConfig sql = config("project: p\nregistry:\n  registry_type: sql\n  path: postgresql://feast:pw%40x@db.internal:6543/reg\n"
                + "  cache_ttl_seconds: 60\n  sqlalchemy_config_kwargs: {echo: false}\n");
        assertThat(sql.registry().kind()).isEqualTo(RegistryConfig.Kind.FEAST_SQL);
        assertThat(sql.registry().sql().password().orElseThrow().reveal()).isEqualTo("pw@x");
        assertThat(sql.registry().sql().jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/reg");
        assertThat(sql.registry().cacheTtl()).hasSeconds(60);
        assertThat(sql.registry().describe()).isEqualTo("Feast SQL registry postgresql://feast@db.internal:6543/reg").doesNotContain("pw");
        assertThat(config("project: p\nregistry:\n  registry_type: sql\n  path: sqlite:///data/reg.db\n").registry().sql().sqliteFile())
                .isEqualTo(repo.resolve("data/reg.db"));

        assertThatThrownBy(() -> config("project: p\nregistry:\n  registry_type: snowflake.registry\n  path: x\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("registry.registry_type: 'snowflake.registry' is not supported")
                .hasMessageContaining("file or sql");
        assertThatThrownBy(() -> config("project: p\nregistry:\n  registry_type: sql\n  path: mysql://u:topsecret@h/db\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unsupported SQL registry URL scheme 'mysql'")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> config("project: p\nregistry:\n  path: data/registry.db\n  cache_ttl_seconds: soon\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("registry.cache_ttl_seconds: 'soon'");
        assertThatThrownBy(() -> config("project: p\nregistry:\n  path: data/registry.db\n  cache_tll_seconds: 5\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("registry.cache_tll_seconds: unknown key");
        assertThatThrownBy(() -> config("project: p\nregistry: s3://bucket/registry.db\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("remote file");
        assertThatThrownBy(() -> config("project: p\nentity_key_serialization_version: 2\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("entity_key_serialization_version: '2' is not supported");
    }

    private RepoConfig config(String yaml) throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), yaml);
        return RepoConfig.load(repo);
    }

}
