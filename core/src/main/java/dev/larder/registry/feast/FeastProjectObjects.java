package dev.larder.registry.feast;

import dev.larder.feast.proto.core.DataSource;
import dev.larder.feast.proto.core.Entity;
import dev.larder.feast.proto.core.FeatureService;
import dev.larder.feast.proto.core.FeatureView;
import dev.larder.feast.proto.core.FeatureViewVersionRecord;
import dev.larder.feast.proto.core.OnDemandFeatureView;
import dev.larder.feast.proto.core.Project;
import dev.larder.feast.proto.core.StreamFeatureView;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One project's objects in a Feast registry, whichever form it came from (a file registry's
 * repeated fields filtered by project, or a SQL registry's rows with that {@code project_id}).
 *
 * @param lastUpdated when the registry (file) or the project (SQL metadata) was last written; EPOCH when unknown
 */
public record FeastProjectObjects(String project, Optional<Project> projectProto, List<Entity> entities, List<DataSource> dataSources,
                                  List<FeatureView> featureViews, List<StreamFeatureView> streamFeatureViews,
                                  List<OnDemandFeatureView> onDemandFeatureViews, List<FeatureService> featureServices,
                                  List<FeatureViewVersionRecord> versionHistory, Instant lastUpdated) {
    public FeastProjectObjects {
        entities = List.copyOf(entities);
        dataSources = List.copyOf(dataSources);
        featureViews = List.copyOf(featureViews);
        streamFeatureViews = List.copyOf(streamFeatureViews);
        onDemandFeatureViews = List.copyOf(onDemandFeatureViews);
        featureServices = List.copyOf(featureServices);
        versionHistory = List.copyOf(versionHistory);
    }

    public static FeastProjectObjects empty(String project) {
        return new FeastProjectObjects(project, Optional.empty(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), Instant.EPOCH);
    }

    /** Whether the registry holds anything of this project. */
    public boolean isEmpty() {
        return projectProto.isEmpty() && entities.isEmpty() && dataSources.isEmpty() && featureViews.isEmpty()
                && streamFeatureViews.isEmpty() && onDemandFeatureViews.isEmpty() && featureServices.isEmpty();
    }
}
