package dev.larder.spring;

import dev.larder.registry.RepoPlan;
import dev.larder.registry.Repository;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.Value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;

/** A feature repository on a SQLite file in a directory, applied as `larder apply` does. */
final class TestRepos {
    static final String PROJECT = "spring_test";
    static final String VIEW = "driver_hourly_stats";

    private TestRepos() {
    }

    static Path sqliteRepo(Path dir) {
        try {
            Files.writeString(dir.resolve("feature_store.yaml"), "project: " + PROJECT + "\n"
                    + "registry: data/registry.json\n"
                    + "online_store:\n  type: sqlite\n  path: data/online.db\n"
                    + "entity_key_serialization_version: 3\n");
            Files.writeString(dir.resolve("features.yaml"), "entities:\n"
                    + "  - {name: driver, join_keys: [driver_id], value_type: INT64}\n"
                    + "feature_views:\n"
                    + "  - name: " + VIEW + "\n"
                    + "    entities: [driver]\n"
                    + "    ttl: 1d\n"
                    + "    schema:\n"
                    + "      - {name: conv_rate, dtype: Float32}\n"
                    + "      - {name: avg_daily_trips, dtype: Int64}\n"
                    + "    source: {path: data/driver_stats.parquet, timestamp_field: event_timestamp}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Repository repo = Repository.open(dir);
        RepoPlan plan = repo.plan();
        try (OnlineStore store = repo.openStore()) {
            repo.apply(store, plan);
        }
        return dir;
    }

    static FeatureRow driverRow(long driverId, float convRate, long trips) {
        return new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(driverId)),
                Map.of("conv_rate", Value.ofFloat(convRate), "avg_daily_trips", Value.ofInt64(trips)), Instant.now().minusSeconds(60));
    }

    /** Runs SQL on the repository's SQLite file directly, behind Larder's back. */
    static void sql(Path repo, String statement) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + repo.resolve("data/online.db"));
             Statement st = c.createStatement()) {
            st.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    static String table() {
        return "\"" + PROJECT + "_" + VIEW + "\"";
    }
}
