package dev.larder.registry.feast;

import dev.larder.config.RegistryConfig;
import dev.larder.config.SqlRegistryUrl;
import dev.larder.definitions.Definitions;
import dev.larder.testing.postgres.PostgresServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Feast's driver-example registry, written by Feast's own protos (src/test/resources/feast-registry,
 * see its README), and the features.yaml that says the same in Larder's terms.
 */
public final class FeastGolden {
    public static final String PROJECT = "driver_proj";
    /** The repo import (data sources and the project stamp themselves) and the apply. */
    public static final Instant T0 = Instant.ofEpochSecond(1736935200L);
    public static final Instant T1 = Instant.ofEpochSecond(1736935202L, 500_000_000);
    /** The UUIDs the golden files hold, in the order Feast draws them: the three views' version records, then the registry's version_id. */
    public static final List<String> FILE_UUIDS = List.of("b33717fa-15b6-4449-8dec-f7463adf8b6f", "b1bd758c-f0e2-49ef-86f5-a297418bbeae",
            "97a4979c-0f6e-40a0-aaa3-03acbb09a70b", "bce3a6cd-2e7b-4308-bd9d-47c0e5396e1c");
    /** The SQL registry's: the project_uuid metadata (drawn when the registry is opened), then the three version records. */
    public static final List<String> SQL_UUIDS = List.of("b8f55d82-7017-4603-8eae-07c31e7220e5", "c2f1ca22-3e9a-4d5b-aac6-7aab994a64ad",
            "fbe70298-97fa-49de-9d34-598c7866cc07", "2d6ab9a6-8d2b-4e16-b8eb-dd6d78eb6d2f");

    /** The driver repository as features.yaml (Feast's tags, descriptions and push source have no features.yaml form). */
    public static final String FEATURES_YAML = """
            entities:
              - name: driver
                join_keys: [driver_id]
                value_type: INT64
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                ttl: 1d
                schema:
                  - {name: conv_rate, dtype: Float32}
                  - {name: acc_rate, dtype: Float32}
                  - {name: avg_daily_trips, dtype: Int64}
                source: {name: driver_stats_source, path: data/driver_stats.parquet, timestamp_field: event_timestamp, created_timestamp_column: created}
              - name: driver_hourly_stats_fresh
                entities: [driver]
                ttl: 1d
                schema:
                  - {name: conv_rate, dtype: Float32}
                  - {name: acc_rate, dtype: Float32}
                  - {name: avg_daily_trips, dtype: Int64}
                source: {name: driver_stats_source, path: data/driver_stats.parquet, timestamp_field: event_timestamp, created_timestamp_column: created}
              - name: global_stats
                schema:
                  - {name: total_trips, dtype: Int64}
                source: {name: global_stats_source, path: data/global_stats.parquet, timestamp_field: event_timestamp}
            feature_services:
              - name: driver_activity
                features:
                  - {view: driver_hourly_stats, features: [conv_rate, acc_rate]}
                  - driver_hourly_stats_fresh
            """;

    private FeastGolden() {
    }

    public static Definitions definitions() {
        try {
            Path dir = Files.createTempDirectory("larder-golden-");
            Files.writeString(dir.resolve(Definitions.FILE_NAME), FEATURES_YAML);
            Definitions d = Definitions.load(dir);
            Files.delete(dir.resolve(Definitions.FILE_NAME));
            Files.delete(dir);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(String name) {
        try (InputStream in = FeastGolden.class.getClassLoader().getResourceAsStream("feast-registry/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource feast-registry/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a golden file into {@code dir} (the stores need a writable file). */
    public static Path copy(String name, Path dir) {
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(name);
            Files.write(p, bytes(name));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Supplier<String> uuids(List<String> ids) {
        Iterator<String> it = ids.iterator();
        AtomicInteger extra = new AtomicInteger();
        return () -> it.hasNext() ? it.next() : "00000000-0000-4000-8000-" + String.format("%012d", extra.incrementAndGet());
    }

    public static RegistryConfig fileConfig(Path file) {
        return RegistryConfig.file(file, Duration.ofSeconds(600));
    }

    public static RegistryConfig sqlConfig(String url, Path repo) {
        return RegistryConfig.sql(SqlRegistryUrl.parse(url, repo), Duration.ofSeconds(600));
    }

    // ------------------------------------------------------------------- PostgreSQL

    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** A fresh database with its own owner on the shared test server; returns its SQLAlchemy URL. */
    public static String newPostgresDatabase() {
        PostgresServer pg = PostgresServer.shared();
        String db = "registry_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        pg.createDatabase(db, db + "_owner", "s3cret-" + db);
        return pg.url(db + "_owner", "s3cret-" + db, db);
    }

    /** Copies every row of the golden SQL registry into a database that has Feast's schema. */
    public static void copyGoldenRows(Path goldenSqlite, String jdbcUrl, Properties props) throws SQLException {
        try (Connection from = DriverManager.getConnection("jdbc:sqlite:" + goldenSqlite);
             Connection to = DriverManager.getConnection(jdbcUrl, props)) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = from.getMetaData().getTables(null, null, "%", new String[]{"TABLE"})) {
                while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
            }
            for (String t : tables) {
                try (Statement s = from.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + t)) {
                    ResultSetMetaData md = rs.getMetaData();
                    StringBuilder cols = new StringBuilder();
                    StringBuilder marks = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        cols.append(i > 1 ? ", " : "").append(md.getColumnName(i));
                        marks.append(i > 1 ? ", " : "").append("?");
                    }
                    while (rs.next()) {
                        try (PreparedStatement ps = to.prepareStatement("INSERT INTO " + t + " (" + cols + ") VALUES (" + marks + ")")) {
                            for (int i = 1; i <= md.getColumnCount(); i++) {
                                Object v = rs.getObject(i);
                                if (v instanceof Integer && md.getColumnName(i).endsWith("timestamp")) v = ((Integer) v).longValue();
                                ps.setObject(i, v);
                            }
                            ps.executeUpdate();
                        }
                    }
                }
            }
        }
    }
}
