package com.example.scoring;

import dev.larder.registry.RepoPlan;
import dev.larder.registry.Repository;
import dev.larder.spi.OnlineStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Feature repositories for the tests: feature_store.yaml and features.yaml in a new directory, applied as `larder apply` does. */
final class FeatureRepos {
    private FeatureRepos() {
    }

    /** @param onlineStore the online_store: mapping of feature_store.yaml, as YAML flow text */
    static Path applied(String onlineStore) {
        try {
            Path dir = Files.createTempDirectory("scoring-repo-");
            Files.writeString(dir.resolve("feature_store.yaml"), "project: scoring_test\n"
                    + "registry: data/registry.json\n"
                    + "online_store: " + onlineStore + "\n"
                    + "entity_key_serialization_version: 3\n");
            Files.writeString(dir.resolve("features.yaml"), "entities:\n"
                    + "  - {name: driver, join_keys: [driver_id], value_type: INT64}\n"
                    + "feature_views:\n"
                    + "  - name: driver_hourly_stats\n"
                    + "    entities: [driver]\n"
                    + "    ttl: 1d\n"
                    + "    schema:\n"
                    + "      - {name: conv_rate, dtype: Float32}\n"
                    + "      - {name: acc_rate, dtype: Float32}\n"
                    + "      - {name: avg_daily_trips, dtype: Int64}\n"
                    + "    source: {path: data/driver_stats.parquet, timestamp_field: event_timestamp}\n");
            Repository repo = Repository.open(dir);
            RepoPlan plan = repo.plan();
            try (OnlineStore store = repo.openStore()) {
                repo.apply(store, plan);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
