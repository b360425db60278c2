package com.example.features;

import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.spi.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverFeaturesTest {
    @TempDir
    Path repo;

    @Test
    void pushedRowsAreServedWithFeastsStatuses() {
        Instant now = Instant.now();
        try (FeatureStore store = DriverFeatures.open(repo)) {
            DriverFeatures.push(store, 1001, 0.5f, 0.25f, 7, now.minusSeconds(10));
            DriverFeatures.push(store, 1002, 0.1f, 0.2f, 3, now.minus(Duration.ofDays(2)));
            OnlineResponse r = DriverFeatures.features(store, List.of(1001L, 1002L, 1003L));
            assertEquals(List.of("driver_id", "conv_rate", "acc_rate", "avg_daily_trips"), r.featureNames());
            assertEquals(Value.ofFloat(0.5f), r.value(0, "conv_rate"));
            assertEquals(Value.ofInt64(7), r.value(0, "avg_daily_trips"));
            assertEquals(FieldStatus.OUTSIDE_MAX_AGE, r.status(1, "conv_rate"));
            assertEquals(FieldStatus.NOT_FOUND, r.status(2, "conv_rate"));
            assertNull(r.value(2, "conv_rate"));
        }
        assertTrue(Files.isRegularFile(repo.resolve("data/online.db")), "the SQLite file is where the config says");
    }

    @Test
    void dataOutlivesTheProcessThatWroteIt() {
        Instant t = Instant.now().minusSeconds(5);
        try (FeatureStore store = DriverFeatures.open(repo)) {
            DriverFeatures.push(store, 42, 0.75f, 0.5f, 99, t);
        }
        try (FeatureStore store = DriverFeatures.open(repo)) {
            assertEquals(Value.ofInt64(99), DriverFeatures.features(store, List.of(42L)).value(0, "avg_daily_trips"));
        }
    }
}
