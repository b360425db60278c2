package dev.larder.cli;

import dev.larder.LarderException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;

/** The repository {@code larder init} creates: Feast's classic driver example on SQLite, with generated sample data. */
final class SampleRepo {
    static final String DATA_FILE = "data/driver_stats.parquet";
    static final int HOURS = 7 * 24;

    record Created(Path dir, String project, long rows, Instant lastEventTime) {
    }

    private SampleRepo() {
    }

    static Created create(Path dir, Clock clock) {
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) throw new LarderException(dir + " exists and is not a directory");
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw new LarderException(dir + " already exists and is not empty; choose a new directory");
                    }
                }
            }
            Files.createDirectories(dir.resolve("data"));
            String project = projectName(dir);
            Files.writeString(dir.resolve("feature_store.yaml"), featureStoreYaml(project));
            Files.writeString(dir.resolve("features.yaml"), FEATURES_YAML);
            Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS);
            long rows = writeDriverStats(dir.resolve(DATA_FILE), end.minus(Duration.ofHours(HOURS)), HOURS + 1);
            return new Created(dir, project, rows, end);
        } catch (IOException e) {
            throw new LarderException("Cannot create the repository " + dir + ": " + e.getMessage(), e);
        }
    }

    static String projectName(Path dir) {
        String n = dir.getFileName() == null ? "" : dir.getFileName().toString().replaceAll("[^A-Za-z0-9_]", "_");
        return n.isEmpty() || !Character.isLetter(n.charAt(0)) ? "larder_" + n : n;
    }

    static String featureStoreYaml(String project) {
        return "# Larder (and Feast) repository configuration.\n"
                + "project: " + project + "\n"
                + "registry: data/registry.json\n"
                + "online_store:\n"
                + "  type: sqlite\n"
                + "  path: data/online.db\n"
                + "entity_key_serialization_version: 3\n"
                + "materialization:\n"
                + "  batch_size: 10000\n";
    }

    static final String FEATURES_YAML = ""
            + "# Feast's classic driver example. Types: Float32 Float64 Int32 Int64 String Bytes Bool UnixTimestamp Array(<scalar>).\n"
            + "entities:\n"
            + "  - name: driver\n"
            + "    join_keys: [driver_id]\n"
            + "    value_type: INT64\n"
            + "feature_views:\n"
            + "  - name: driver_hourly_stats\n"
            + "    entities: [driver]\n"
            + "    ttl: 1d\n"
            + "    schema:\n"
            + "      - {name: conv_rate, dtype: Float32}\n"
            + "      - {name: acc_rate, dtype: Float32}\n"
            + "      - {name: avg_daily_trips, dtype: Int64}\n"
            + "    source:\n"
            + "      path: " + DATA_FILE + "\n"
            + "      timestamp_field: event_timestamp\n"
            + "      created_timestamp_column: created\n";

    /** Hourly rows for drivers 1001-1005 from {@code first}, deterministic values, written as Parquet with DuckDB. */
    static long writeDriverStats(Path file, Instant first, int hours) {
        String sql = "COPY (SELECT driver_id, ts AS event_timestamp,"
                + " CAST((hash(driver_id, h) % 1000000) / 1000000.0 AS FLOAT) AS conv_rate,"
                + " CAST((hash(driver_id, h, 'acc') % 1000000) / 1000000.0 AS FLOAT) AS acc_rate,"
                + " CAST(hash(driver_id, h, 'trips') % 1000 AS BIGINT) AS avg_daily_trips,"
                + " ts AS created"
                + " FROM (SELECT CAST(d AS BIGINT) AS driver_id, h, CAST(TIMESTAMP '" + first.toString().replace("T", " ").replace("Z", "")
                + "' + h * INTERVAL 1 HOUR AS TIMESTAMPTZ) AS ts FROM range(1001, 1006) r(d), range(0, " + hours + ") t(h))"
                + " ORDER BY event_timestamp, driver_id) TO '" + file.toString().replace("'", "''") + "' (FORMAT PARQUET)";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            st.execute(sql);
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + file.toString().replace("'", "''") + "')")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new LarderException("Cannot write sample data " + file + ": " + e.getMessage(), e);
        }
    }
}
