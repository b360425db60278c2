package dev.larder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.config.RepoConfig;
import dev.larder.config.SqlRegistryUrl;
import dev.larder.definitions.Definitions;
import dev.larder.registry.Registry;
import dev.larder.registry.RegistryStores;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.InfraChange;
import dev.larder.spi.Value;
import dev.larder.testing.postgres.PostgresServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Feast repository as Feast leaves it: feature_store.yaml, Feast's registry (file, or SQL on SQLite
 * or PostgreSQL; the golden files Feast's protos wrote) and a materialized SQLite online store,
 * with no features.yaml. {@code larder get}, by features and by feature service, serves it.
 */
class FeastRepoServingTest {
    enum Form { FILE, SQL_SQLITE, SQL_POSTGRESQL }

    static final Instant NOW = Instant.parse("2025-01-16T00:00:00Z");
    static final Instant EVENT = NOW.minus(Duration.ofHours(1));
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path repo;

    final CliRunner cli = new CliRunner(Clock.fixed(NOW, ZoneOffset.UTC));

    static byte[] golden(String name) throws IOException {
        try (InputStream in = FeastRepoServingTest.class.getClassLoader().getResourceAsStream("feast-registry/" + name)) {
            return in.readAllBytes();
        }
    }

    void feastRepo(Form form) throws Exception {
        feastRepo(form, true);
    }

    void feastRepo(Form form, boolean materialize) throws Exception {
        Files.createDirectories(repo.resolve("data"));
        String registry;
        switch (form) {
            case FILE -> {
                Files.write(repo.resolve("data/registry.db"), golden("driver_registry.db"));
                registry = "registry: data/registry.db\n";
            }
            case SQL_SQLITE -> {
                Files.write(repo.resolve("data/registry.db"), golden("driver_sql_registry.db"));
                registry = "registry:\n  registry_type: sql\n  path: sqlite:///data/registry.db\n  cache_ttl_seconds: 60\n";
            }
            default -> {
                PostgresServer pg = PostgresServer.shared();
                String db = "cli_registry_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
                pg.createDatabase(db, "feast_" + db, "pw-" + db);
                String url = pg.url("feast_" + db, "pw-" + db, db);
                copyFeastRows(url);
                registry = "registry:\n  registry_type: sql\n  path: " + url + "\n";
            }
        }
        Files.writeString(repo.resolve("feature_store.yaml"), "project: driver_proj\nprovider: local\n" + registry
                + "online_store:\n  type: sqlite\n  path: data/online.db\nentity_key_serialization_version: 3\n");
        if (materialize) materialize();
    }

    /** Feast's rows, copied into a PostgreSQL database that has Feast's schema. */
    void copyFeastRows(String url) throws Exception {
        SqlRegistryUrl u = SqlRegistryUrl.parse(url, repo);
        // Larder's SQL registry creates Feast's schema on its first write.
        RegistryStores.open(dev.larder.config.RegistryConfig.sql(u, Duration.ZERO))
                .save(Registry.empty("scratch").withDefinitions(new Definitions(List.of(), List.of()), List.of(), NOW));
        Path golden = repo.resolve("golden.db");
        Files.write(golden, golden("driver_sql_registry.db"));
        Properties props = new Properties();
        props.setProperty("user", u.user().orElseThrow());
        props.setProperty("password", u.password().orElseThrow().reveal());
        try (Connection from = DriverManager.getConnection("jdbc:sqlite:" + golden); Connection to = DriverManager.getConnection(u.jdbcUrl(), props)) {
            List<String> tables = new ArrayList<>();
            try (Statement s = from.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String t : tables) {
                try (Statement s = from.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + t)) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> cols = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) cols.add(md.getColumnName(i));
                    String sql = "INSERT INTO " + t + " (" + String.join(", ", cols) + ") VALUES (" + "?, ".repeat(cols.size() - 1) + "?)";
                    while (rs.next()) {
                        try (PreparedStatement ps = to.prepareStatement(sql)) {
                            for (int i = 1; i <= cols.size(); i++) ps.setObject(i, rs.getObject(i));
                            ps.executeUpdate();
                        }
                    }
                }
            }
        }
    }

    /** What `feast apply` and `feast materialize` leave in the SQLite online store (Larder writes Feast's layout). */
    void materialize() {
        try (FeatureStore fs = FeatureStore.open(repo)) {
            fs.onlineStore().update(new InfraChange(List.copyOf(fs.featureViews().values()), List.of()));
            fs.write("driver_hourly_stats", List.of(
                    row(1001, 0.5f, 0.25f, 100), row(1002, 0.75f, 0.125f, 200)));
            fs.write("driver_hourly_stats_fresh", List.of(row(1001, 0.625f, 0.375f, 110)));
            fs.write("global_stats", List.of(new FeatureRow(EntityKey.DUMMY, Map.of("total_trips", Value.ofInt64(5000)), EVENT)));
        }
    }

    static FeatureRow row(long driver, float conv, float acc, long trips) {
        return new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(driver)),
                Map.of("conv_rate", Value.ofFloat(conv), "acc_rate", Value.ofFloat(acc), "avg_daily_trips", Value.ofInt64(trips)), EVENT);
    }

    static JsonNode column(JsonNode response, String name) {
        JsonNode names = response.get("metadata").get("feature_names");
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).asText().equals(name)) return response.get("results").get(i);
        }
        throw new AssertionError("no column " + name + " in " + names);
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void larderGetServesAFeastRepoByFeaturesAndByFeatureService(Form form) throws Exception {
        feastRepo(form);
        assertThat(Files.exists(repo.resolve("features.yaml"))).isFalse();

        CliRunner.Result byFeatures = cli.run("--repo", repo.toString(), "get", "--features",
                "driver_hourly_stats:conv_rate,driver_hourly_stats:avg_daily_trips", "--entity", "driver_id=1001", "--entity", "driver_id=1002",
                "--entity", "driver_id=9999", "--output", "json");
        assertThat(byFeatures.code()).as(byFeatures.toString()).isZero();
        JsonNode r = JSON.readTree(byFeatures.out());
        assertThat(r.get("metadata").get("feature_names").toString()).isEqualTo("[\"driver_id\",\"conv_rate\",\"avg_daily_trips\"]");
        assertThat(column(r, "conv_rate").get("values").toString()).isEqualTo("[0.5,0.75,null]");
        assertThat(column(r, "avg_daily_trips").get("values").toString()).isEqualTo("[100,200,null]");
        assertThat(column(r, "avg_daily_trips").get("statuses").toString()).isEqualTo("[\"PRESENT\",\"PRESENT\",\"NOT_FOUND\"]");

        CliRunner.Result byService = cli.run("--repo", repo.toString(), "get", "--feature-service", "driver_activity",
                "--full-feature-names", "--entity", "driver_id=1001", "--output", "json");
        assertThat(byService.code()).as(byService.toString()).isZero();
        JsonNode s = JSON.readTree(byService.out());
        assertThat(s.get("metadata").get("feature_names").toString()).isEqualTo("[\"driver_id\",\"driver_hourly_stats__conv_rate\","
                + "\"driver_hourly_stats__acc_rate\",\"driver_hourly_stats_fresh__conv_rate\",\"driver_hourly_stats_fresh__acc_rate\","
                + "\"driver_hourly_stats_fresh__avg_daily_trips\"]");
        assertThat(column(s, "driver_hourly_stats__acc_rate").get("values").toString()).isEqualTo("[0.25]");
        assertThat(column(s, "driver_hourly_stats_fresh__conv_rate").get("values").toString()).isEqualTo("[0.625]");
        assertThat(column(s, "driver_hourly_stats_fresh__avg_daily_trips").get("values").toString()).isEqualTo("[110]");
        assertThat(column(s, "driver_hourly_stats_fresh__avg_daily_trips").get("event_timestamps").toString())
                .isEqualTo("[\"" + EVENT + "\"]");

        // conv_rate and acc_rate come from two views: as in Feast, only full feature names tell them apart.
        CliRunner.Result collision = cli.run("--repo", repo.toString(), "get", "--feature-service", "driver_activity", "--entity", "driver_id=1001");
        assertThat(collision.code()).isEqualTo(1);
        assertThat(collision.err()).contains("'conv_rate'").contains("full feature names");

        CliRunner.Result entityless = cli.run("--repo", repo.toString(), "get", "--features", "global_stats:total_trips");
        assertThat(entityless.code()).as(entityless.toString()).isZero();
        assertThat(entityless.out()).contains("total_trips").contains("5000");

        CliRunner.Result unknown = cli.run("--repo", repo.toString(), "get", "--feature-service", "driver_activty", "--entity", "driver_id=1");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown feature service 'driver_activty'").contains("[driver_activity]");
        assertThat(unknown.err() + byService.err()).doesNotContain("pw-");

        // The facade, embedded: the same service through the registry that feature_store.yaml names.
        RepoConfig config = RepoConfig.load(repo);
        try (FeatureStore fs = FeatureStore.builder().config(config).registry(RegistryStores.open(config.registry()), config.registry().cacheTtl())
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build()) {
            OnlineResponse o = fs.getOnlineFeatures("driver_activity", List.of(Map.of("driver_id", 1002L)), true);
            assertThat(o.value(0, "driver_hourly_stats__conv_rate").asFloat()).isEqualTo(0.75f);
            assertThat(o.status(0, "driver_hourly_stats_fresh__conv_rate")).isEqualTo(FieldStatus.NOT_FOUND);
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void larderMaterializeLoadsAFeastRepoAndRecordsTheIntervalInFeastsRegistry(Form form) throws Exception {
        feastRepo(form, false);
        SampleRepo.writeDriverStats(repo.resolve("data/driver_stats.parquet"), NOW.minus(Duration.ofHours(48)), 48);
        RepoConfig config = RepoConfig.load(repo);
        try (FeatureStore fs = FeatureStore.builder().config(config).registry(RegistryStores.open(config.registry()), Duration.ZERO).build()) {
            fs.updateInfrastructure(); // what feast apply does to the online store
        }
        Instant end = NOW.minus(Duration.ofMinutes(30));
        CliRunner.Result mat = cli.run("--repo", repo.toString(), "materialize", NOW.minus(Duration.ofDays(3)).toString(), end.toString(),
                "--views", "driver_hourly_stats");
        assertThat(mat.code()).as(mat.toString()).isZero();
        assertThat(mat.out()).contains("driver_hourly_stats: sent 5 rows");

        CliRunner.Result get = cli.run("--repo", repo.toString(), "get", "--features", "driver_hourly_stats:avg_daily_trips",
                "--entity", "driver_id=1003", "--output", "json");
        assertThat(get.code()).as(get.toString()).isZero();
        Object[] expected = CliTest.latest(repo, 1003, end);
        assertThat(JSON.readTree(get.out()).at("/results/1/values/0").longValue()).isEqualTo((Long) expected[2]);

        Registry after = RegistryStores.open(config.registry()).loadApplied("driver_proj");
        assertThat(after.views().get("driver_hourly_stats").watermark()).contains(end);
        assertThat(after.views().get("driver_hourly_stats_fresh").watermark()).isEmpty();
        assertThat(after.featureServices()).hasSize(1); // Feast's other objects are untouched
    }

    @ParameterizedTest
    @EnumSource(value = Form.class, names = {"FILE"})
    void getNeedsFeaturesOrAFeatureServiceButNotBoth(Form form) throws Exception {
        feastRepo(form);
        CliRunner.Result both = cli.run("--repo", repo.toString(), "get", "--features", "global_stats:total_trips",
                "--feature-service", "driver_activity");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("either --features");
        RepoConfig config = RepoConfig.load(repo);
        assertThat(config.registry().describe()).startsWith("Feast file registry");
    }
}
