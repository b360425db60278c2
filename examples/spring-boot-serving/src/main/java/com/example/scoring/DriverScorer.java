package com.example.scoring;

import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scores drivers with a (toy) linear model over features read online through the FeatureStore bean. A driver
 * without every feature present gets no score, with the statuses that explain why.
 */
@Service
public class DriverScorer {
    static final List<String> FEATURES = List.of(
            "driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips");

    /** One driver's result: the score, or null with the features that were not PRESENT. */
    public record Score(long driverId, Double score, Map<String, FieldStatus> missing) {
    }

    private final FeatureStore store;

    public DriverScorer(FeatureStore store) {
        this.store = store;
    }

    public List<Score> score(List<Long> driverIds) {
        OnlineResponse r = store.getOnlineFeatures(FEATURES, driverIds.stream().map(id -> Map.of("driver_id", id)).toList());
        List<Score> scores = new ArrayList<>();
        for (int row = 0; row < r.rowCount(); row++) {
            Map<String, FieldStatus> missing = new java.util.TreeMap<>();
            for (String f : List.of("conv_rate", "acc_rate", "avg_daily_trips")) {
                if (r.status(row, f) != FieldStatus.PRESENT) missing.put(f, r.status(row, f));
            }
            Double score = missing.isEmpty() ? model(r.value(row, "conv_rate").asFloat(), r.value(row, "acc_rate").asFloat(),
                    r.value(row, "avg_daily_trips").asInt64()) : null;
            scores.add(new Score(driverIds.get(row), score, missing));
        }
        return scores;
    }

    /** The "model": weighted conversion and acceptance rates plus activity, capped at 1,000 trips a day. */
    static double model(float convRate, float accRate, long dailyTrips) {
        return 0.5 * convRate + 0.3 * accRate + 0.2 * Math.min(dailyTrips, 1000) / 1000.0;
    }
}
