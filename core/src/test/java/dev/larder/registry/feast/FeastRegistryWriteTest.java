package dev.larder.registry.feast;

import com.google.protobuf.Message;
import dev.larder.config.SqlRegistryUrl;
import dev.larder.feast.proto.core.DataSource;
import dev.larder.feast.proto.core.Entity;
import dev.larder.feast.proto.core.FeatureService;
import dev.larder.feast.proto.core.FeatureSpecV2;
import dev.larder.feast.proto.core.FeatureView;
import dev.larder.feast.proto.core.FeatureViewProjection;
import dev.larder.feast.proto.core.FeatureViewVersionRecord;
import dev.larder.feast.proto.core.Project;
import dev.larder.registry.Registry;
import dev.larder.registry.RegistryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code larder apply} into a Feast registry writes what {@code feast apply} wrote for the same
 * repository: read back with the project's protos and compared with Feast's golden files field by
 * field. The comparison leaves out only what features.yaml cannot say or Larder cannot know:
 * Feast's tags and descriptions, the push source, and the import time T0 that Feast stamps on data
 * sources and the project before the apply (Larder stamps the apply time T1).
 */
class FeastRegistryWriteTest {
    @TempDir
    Path repo;

    static Registry applied() {
        return Registry.empty(FeastGolden.PROJECT).withDefinitions(FeastGolden.definitions(), List.of(), FeastGolden.T1);
    }

    // ------------------------------------------------------------ normalization of what features.yaml cannot express

    static DataSource source(DataSource d) {
        DataSource.Builder b = d.toBuilder();
        if (d.hasMeta()) b.setMeta(d.getMeta().toBuilder().clearCreatedTimestamp());
        if (d.hasBatchSource()) b.setBatchSource(source(d.getBatchSource()));
        return b.build();
    }

    static FeatureView view(FeatureView v) {
        var spec = v.getSpec().toBuilder().clearTags().clearStreamSource().setBatchSource(source(v.getSpec().getBatchSource()));
        spec.clearFeatures();
        for (FeatureSpecV2 f : v.getSpec().getFeaturesList()) spec.addFeatures(f.toBuilder().clearDescription());
        return v.toBuilder().setSpec(spec).build();
    }

    static FeatureService service(FeatureService s) {
        var spec = s.getSpec().toBuilder().clearFeatures();
        for (FeatureViewProjection p : s.getSpec().getFeaturesList()) spec.addFeatures(p.toBuilder().setBatchSource(source(p.getBatchSource())));
        return s.toBuilder().setSpec(spec).build();
    }

    static Project project(Project p) {
        return p.toBuilder().setSpec(p.getSpec().toBuilder().clearDescription()).clearMeta().build();
    }

    static FeatureViewVersionRecord record(FeatureViewVersionRecord r) throws Exception {
        FeatureView v = FeatureView.parseFrom(r.getFeatureViewProto());
        return r.toBuilder().setFeatureViewProto(view(v).toByteString()).build();
    }

    @Test
    void aFileRegistryEqualsFeastsGoldenFileFieldByField() throws Exception {
        Path file = repo.resolve("data/registry.db");
        RegistryStore store = new FeastFileRegistryStore(FeastGolden.fileConfig(file), FeastGolden.uuids(FeastGolden.FILE_UUIDS));
        store.save(applied());

        var written = dev.larder.feast.proto.core.Registry.parseFrom(Files.readAllBytes(file));
        var golden = dev.larder.feast.proto.core.Registry.parseFrom(FeastGolden.bytes("driver_registry.db"));

        assertThat(written.getRegistrySchemaVersion()).isEqualTo(golden.getRegistrySchemaVersion());
        assertThat(written.getVersionId()).isEqualTo(golden.getVersionId());
        assertThat(written.getLastUpdated()).isEqualTo(golden.getLastUpdated());
        // Entities (driver and Feast's __dummy) and the feature views' own timestamps are byte-for-byte Feast's.
        assertThat(written.getEntitiesList()).isEqualTo(golden.getEntitiesList());
        assertThat(byName(written.getFeatureViewsList(), v -> v.getSpec().getName(), FeastRegistryWriteTest::view))
                .isEqualTo(byName(golden.getFeatureViewsList(), v -> v.getSpec().getName(), FeastRegistryWriteTest::view));
        assertThat(byName(written.getFeatureServicesList(), s -> s.getSpec().getName(), FeastRegistryWriteTest::service))
                .isEqualTo(byName(golden.getFeatureServicesList(), s -> s.getSpec().getName(), FeastRegistryWriteTest::service));
        // The push source has no features.yaml form: the file sources are Feast's.
        Map<String, DataSource> goldenSources = byName(golden.getDataSourcesList(), DataSource::getName, FeastRegistryWriteTest::source);
        goldenSources.remove("driver_stats_push_source");
        assertThat(byName(written.getDataSourcesList(), DataSource::getName, FeastRegistryWriteTest::source)).isEqualTo(goldenSources);
        assertThat(written.getProjectsList().stream().map(FeastRegistryWriteTest::project).toList())
                .isEqualTo(golden.getProjectsList().stream().map(FeastRegistryWriteTest::project).toList());
        List<FeatureViewVersionRecord> w = new ArrayList<>(), g = new ArrayList<>();
        for (var r : written.getFeatureViewVersionHistory().getRecordsList()) w.add(record(r));
        for (var r : golden.getFeatureViewVersionHistory().getRecordsList()) g.add(record(r));
        assertThat(w).isEqualTo(g);
        assertThat(written.getUnknownFields().asMap()).isEmpty();
    }

    @Test
    void applyingTwiceChangesNothingButTheRegistrysStamp() throws Exception {
        Path file = repo.resolve("data/registry.db");
        RegistryStore store = new FeastFileRegistryStore(FeastGolden.fileConfig(file), FeastGolden.uuids(List.of()));
        store.save(applied());
        var first = dev.larder.feast.proto.core.Registry.parseFrom(Files.readAllBytes(file));
        Registry again = store.loadApplied(FeastGolden.PROJECT).withDefinitions(FeastGolden.definitions(), List.of(), FeastGolden.T1.plusSeconds(3600));
        store.save(again);
        var second = dev.larder.feast.proto.core.Registry.parseFrom(Files.readAllBytes(file));
        assertThat(second.getEntitiesList()).isEqualTo(first.getEntitiesList());
        assertThat(second.getFeatureViewsList()).isEqualTo(first.getFeatureViewsList());
        assertThat(second.getFeatureServicesList()).isEqualTo(first.getFeatureServicesList());
        assertThat(second.getDataSourcesList()).isEqualTo(first.getDataSourcesList());
        assertThat(second.getLastUpdated().getSeconds()).isEqualTo(FeastGolden.T1.getEpochSecond() + 3600);
        // ...and what it wrote reads back as the same definitions.
        assertThat(store.loadApplied(FeastGolden.PROJECT).definitions()).isEqualTo(FeastGolden.definitions());
    }

    @Test
    void otherProjectsOfTheFileAreKept() throws Exception {
        Path file = FeastGolden.copy("driver_registry.db", repo.resolve("data"));
        RegistryStore store = new FeastFileRegistryStore(FeastGolden.fileConfig(file), FeastGolden.uuids(List.of()));
        Registry other = Registry.empty("other_proj").withDefinitions(FeastGolden.definitions(), List.of(), FeastGolden.T1);
        store.save(other);
        assertThat(store.projects()).containsExactly("driver_proj", "other_proj");
        var written = dev.larder.feast.proto.core.Registry.parseFrom(Files.readAllBytes(file));
        var golden = dev.larder.feast.proto.core.Registry.parseFrom(FeastGolden.bytes("driver_registry.db"));
        assertThat(written.getFeatureViewsList().stream().filter(v -> v.getSpec().getProject().equals("driver_proj")).toList())
                .isEqualTo(golden.getFeatureViewsList());
        store.delete("other_proj");
        assertThat(store.projects()).containsExactly("driver_proj");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "sqlite"})
    void materializingIntoAFeastRegistryAppendsTheIntervalAndLeavesEverythingElse(String form) throws Exception {
        RegistryStore store;
        if (form.equals("file")) {
            store = new FeastFileRegistryStore(FeastGolden.fileConfig(FeastGolden.copy("driver_registry.db", repo.resolve("data"))));
        } else {
            FeastGolden.copy("driver_sql_registry.db", repo.resolve("data"));
            store = new FeastSqlRegistryStore(FeastGolden.sqlConfig("sqlite:///data/driver_sql_registry.db", repo));
        }
        Registry.Interval interval = new Registry.Interval(FeastGolden.T0.minusSeconds(86400), FeastGolden.T0);
        java.time.Instant now = FeastGolden.T1.plusSeconds(60);
        dev.larder.registry.Repository repository = new dev.larder.registry.Repository(
                new dev.larder.config.RepoConfig(FeastGolden.PROJECT, repo, "feature_store.yaml", repo.resolve("unused.json"), "sqlite",
                        dev.larder.spi.StoreOptions.of("sqlite", Map.of()), 10_000, dev.larder.config.ServingConfig.DEFAULTS, store.config(), dev.larder.config.CacheConfig.OFF, dev.larder.config.RepoConfig.DEFAULT_BATCH_ENGINE,
                        dev.larder.spi.StoreOptions.ofSection("feature_store.yaml", "batch_engine", "the local materialization engine", Map.of())),
                java.time.Clock.fixed(now, java.time.ZoneOffset.UTC), store);
        Registry after = repository.recordMaterialized("global_stats", interval);

        assertThat(after.views().get("global_stats").materialized()).containsExactly(interval);
        assertThat(after.views().get("global_stats").watermark()).contains(FeastGolden.T0);
        FeastProjectObjects objects = form.equals("file")
                ? FeastRegistryProjects.of(dev.larder.feast.proto.core.Registry.parseFrom(Files.readAllBytes(repo.resolve("data/driver_registry.db"))), "driver_proj")
                : ((FeastSqlRegistryStore) store).readObjects("driver_proj");
        FeatureView global = objects.featureViews().stream().filter(v -> v.getSpec().getName().equals("global_stats")).findFirst().orElseThrow();
        assertThat(global.getMeta().getMaterializationIntervalsList()).hasSize(1);
        assertThat(global.getMeta().getMaterializationIntervals(0).getEndTime().getSeconds()).isEqualTo(FeastGolden.T0.getEpochSecond());
        assertThat(global.getMeta().getLastUpdatedTimestamp().getSeconds()).isEqualTo(now.getEpochSecond());
        // Feast's own objects stay: the push source, the tags, the description.
        assertThat(objects.dataSources()).extracting(DataSource::getName).contains("driver_stats_push_source");
        FeatureView hourly = objects.featureViews().stream().filter(v -> v.getSpec().getName().equals("driver_hourly_stats")).findFirst().orElseThrow();
        assertThat(hourly.getSpec().getTagsMap()).containsEntry("team", "driver_performance");
        assertThat(hourly.getSpec().getFeatures(2).getDescription()).isEqualTo("Average daily trips");
    }

    // ------------------------------------------------------------ SQL registry

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aSqlRegistryEqualsFeastsGoldenRowsFieldByField(String dialect) throws Exception {
        String url = dialect.equals("sqlite") ? "sqlite:///data/registry.db" : FeastGolden.newPostgresDatabase();
        FeastSqlRegistryStore store = new FeastSqlRegistryStore(FeastGolden.sqlConfig(url, repo), FeastGolden.uuids(FeastGolden.SQL_UUIDS));
        store.save(applied());

        SqlRegistryUrl u = SqlRegistryUrl.parse(url, repo);
        Properties props = new Properties();
        u.user().ifPresent(x -> props.setProperty("user", x));
        u.password().ifPresent(x -> props.setProperty("password", x.reveal()));
        Path golden = FeastGolden.copy("driver_sql_registry.db", repo.resolve("golden"));
        try (Connection w = DriverManager.getConnection(u.jdbcUrl(), props);
             Connection g = DriverManager.getConnection("jdbc:sqlite:" + golden)) {
            assertThat(rows(w, "entities", "entity_name", "entity_proto", Entity::parseFrom, e -> e))
                    .isEqualTo(rows(g, "entities", "entity_name", "entity_proto", Entity::parseFrom, e -> e));
            assertThat(rows(w, "feature_views", "feature_view_name", "feature_view_proto", FeatureView::parseFrom, FeastRegistryWriteTest::view))
                    .isEqualTo(rows(g, "feature_views", "feature_view_name", "feature_view_proto", FeatureView::parseFrom, FeastRegistryWriteTest::view));
            assertThat(rows(w, "feature_services", "feature_service_name", "feature_service_proto", FeatureService::parseFrom,
                    FeastRegistryWriteTest::service))
                    .isEqualTo(rows(g, "feature_services", "feature_service_name", "feature_service_proto", FeatureService::parseFrom,
                            FeastRegistryWriteTest::service));
            Map<String, Object> goldenSources = rows(g, "data_sources", "data_source_name", "data_source_proto", DataSource::parseFrom,
                    FeastRegistryWriteTest::source);
            goldenSources.remove("driver_stats_push_source|driver_proj|1736935202");
            assertThat(rows(w, "data_sources", "data_source_name", "data_source_proto", DataSource::parseFrom, FeastRegistryWriteTest::source))
                    .isEqualTo(goldenSources);
            assertThat(rows(w, "projects", "project_id", "project_proto", Project::parseFrom, FeastRegistryWriteTest::project))
                    .isEqualTo(rows(g, "projects", "project_id", "project_proto", Project::parseFrom, FeastRegistryWriteTest::project));
            assertThat(history(w)).isEqualTo(history(g));
            // Feast writes project_uuid when it opens the registry (T0); Larder when it applies (T1).
            String metadata = "SELECT project_id, metadata_key, metadata_value, CASE WHEN metadata_key = 'project_uuid' THEN 0"
                    + " ELSE last_updated_timestamp END FROM feast_metadata ORDER BY 1, 2";
            assertThat(plain(w, metadata)).isEqualTo(plain(g, metadata));
            if (dialect.equals("sqlite")) {
                // The schema too: every table, column (type, NOT NULL, primary key position) and index of Feast's DDL.
                assertThat(sqliteSchema(w)).isEqualTo(sqliteSchema(g)).hasSize(14);
            }
        }
        // Read back through the store: the same definitions.
        assertThat(store.loadApplied(FeastGolden.PROJECT).definitions()).isEqualTo(FeastGolden.definitions());
    }

    static Map<String, List<String>> sqliteSchema(Connection c) throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        for (String table : plain(c, "SELECT name FROM sqlite_master WHERE type = 'table'")) {
            List<String> columns = new ArrayList<>(plain(c, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('" + table + "')"));
            columns.addAll(plain(c, "SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' AND tbl_name = '" + table
                    + "' AND name NOT LIKE 'sqlite_autoindex%'"));
            out.put(table, columns);
        }
        return out;
    }

    interface ProtoParser<T> {
        T parse(byte[] bytes) throws Exception;
    }

    /** key "name|project_id|last_updated_timestamp" -> normalized proto. */
    static <T extends Message> Map<String, Object> rows(Connection c, String table, String nameColumn, String protoColumn,
                                                         ProtoParser<T> parser, Function<T, T> normalize) throws Exception {
        Map<String, Object> out = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + nameColumn + ", project_id, last_updated_timestamp, " + protoColumn + " FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getLong(3), normalize.apply(parser.parse(rs.getBytes(4))));
            }
        }
        return out;
    }

    static List<String> history(Connection c) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT feature_view_name, project_id, version_number,"
                + " feature_view_type, feature_view_proto, created_timestamp, description, version_id FROM feature_view_version_history"
                + " ORDER BY feature_view_name")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getInt(3) + "|" + rs.getString(4) + "|"
                        + view(FeatureView.parseFrom(rs.getBytes(5))) + "|" + rs.getLong(6) + "|" + rs.getString(7) + "|" + rs.getString(8));
            }
        }
        return out;
    }

    static List<String> plain(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<Integer, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) row.put(i, rs.getString(i));
                out.add(String.join("|", row.values().stream().map(String::valueOf).toList()));
            }
        }
        return out;
    }

    static <T> Map<String, T> byName(List<T> objects, Function<T, String> name, Function<T, T> normalize) {
        Map<String, T> out = new TreeMap<>();
        for (T o : objects) out.put(name.apply(o), normalize.apply(o));
        return out;
    }
}
