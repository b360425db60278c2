package com.example.features;

import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.config.RepoConfig;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A service's view of Larder, end to end in code: configure an online store, define a feature
 * view, create its table, push rows from the application, and read features for a model.
 * {@code mvn -q compile exec:java -Dexec.args=/tmp/my_repo} runs it.
 */
public final class DriverFeatures {
    /** driver_hourly_stats, keyed by driver_id, as Feast's driver example defines it. */
    public static final FeatureView DRIVER_STATS = FeatureView.of("driver_hourly_stats",
            new Field("driver_id", ValueType.INT64),
            List.of(new Field("conv_rate", ValueType.FLOAT), new Field("acc_rate", ValueType.FLOAT),
                    new Field("avg_daily_trips", ValueType.INT64)),
            Duration.ofDays(1));

    private DriverFeatures() {
    }

    /**
     * Opens a feature store on a SQLite file in {@code repo}. The map is what feature_store.yaml
     * would hold; a repository with that file and an applied registry opens with
     * {@code FeatureStore.open(repo)} instead.
     */
    public static FeatureStore open(Path repo) {
        RepoConfig config = RepoConfig.fromMap(repo, "DriverFeatures", Map.of(
                "project", "driver_demo",
                "online_store", Map.of("type", "sqlite", "path", "data/online.db")));
        FeatureStore store = FeatureStore.builder().config(config).views(List.of(DRIVER_STATS)).build();
        store.updateInfrastructure(); // creates the view's table; idempotent, like `larder apply` for code-defined views
        return store;
    }

    /** Pushes one driver's latest statistics, as a streaming job or the application would. */
    public static void push(FeatureStore store, long driverId, float convRate, float accRate, long trips, Instant eventTime) {
        store.write(DRIVER_STATS.name(), List.of(new FeatureRow(
                EntityKey.of("driver_id", Value.ofInt64(driverId)),
                Map.of("conv_rate", Value.ofFloat(convRate), "acc_rate", Value.ofFloat(accRate), "avg_daily_trips", Value.ofInt64(trips)),
                eventTime)));
    }

    /** The features a model scores with, for a batch of drivers. */
    public static OnlineResponse features(FeatureStore store, List<Long> driverIds) {
        return store.getOnlineFeatures(
                List.of("driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips"),
                driverIds.stream().map(id -> Map.of("driver_id", id)).toList());
    }

    public static void main(String[] args) throws Exception {
        Path repo = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("larder-example");
        try (FeatureStore store = open(repo)) {
            Instant now = Instant.now();
            push(store, 1001, 0.42f, 0.91f, 12, now.minusSeconds(60));
            push(store, 1002, 0.13f, 0.77f, 40, now.minus(Duration.ofDays(3))); // older than the view's ttl
            OnlineResponse r = features(store, List.of(1001L, 1002L, 1003L));
            for (int row = 0; row < r.rowCount(); row++) {
                FieldStatus status = r.status(row, "conv_rate");
                Value conv = r.value(row, "conv_rate");
                System.out.println("driver " + r.value(row, "driver_id").asInt64() + ": conv_rate "
                        + (conv == null ? "-" : conv.asFloat()) + " (" + status + ")");
            }
        }
    }
}
