package dev.larder.registry.feast;

import dev.larder.feast.proto.core.FeatureViewMeta;
import dev.larder.feast.proto.core.MaterializationInterval;
import dev.larder.registry.Registry;

import java.time.Instant;

/** Feast's {@code apply_materialization}: the interval appended to the view's meta, which is stamped as updated. */
final class FeastMaterialization {
    private FeastMaterialization() {
    }

    static FeatureViewMeta append(FeatureViewMeta meta, Registry.Interval interval, Instant now) {
        return meta.toBuilder()
                .addMaterializationIntervals(MaterializationInterval.newBuilder()
                        .setStartTime(FeastRegistryMapping.timestamp(interval.start()))
                        .setEndTime(FeastRegistryMapping.timestamp(interval.end())))
                .setLastUpdatedTimestamp(FeastRegistryMapping.timestamp(now))
                .build();
    }
}
