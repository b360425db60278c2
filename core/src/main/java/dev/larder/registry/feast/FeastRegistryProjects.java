package dev.larder.registry.feast;

import dev.larder.feast.proto.core.DataSource;
import dev.larder.feast.proto.core.FeatureViewVersionHistory;
import dev.larder.feast.proto.core.FeatureViewVersionRecord;
import dev.larder.feast.proto.core.Project;
import dev.larder.feast.proto.core.Registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A file registry holds every project in the same repeated fields; an object belongs to the
 * project named in its spec ({@code project} of a data source).
 */
final class FeastRegistryProjects {
    private FeastRegistryProjects() {
    }

    static FeastProjectObjects of(Registry r, String project) {
        Optional<Project> p = r.getProjectsList().stream().filter(x -> x.getSpec().getName().equals(project)).findFirst();
        return new FeastProjectObjects(project, p,
                r.getEntitiesList().stream().filter(e -> e.getSpec().getProject().equals(project)).toList(),
                r.getDataSourcesList().stream().filter(d -> d.getProject().equals(project)).toList(),
                r.getFeatureViewsList().stream().filter(v -> v.getSpec().getProject().equals(project)).toList(),
                r.getStreamFeatureViewsList().stream().filter(v -> v.getSpec().getProject().equals(project)).toList(),
                r.getOnDemandFeatureViewsList().stream().filter(v -> v.getSpec().getProject().equals(project)).toList(),
                r.getFeatureServicesList().stream().filter(s -> s.getSpec().getProject().equals(project)).toList(),
                r.getFeatureViewVersionHistory().getRecordsList().stream().filter(h -> h.getProjectId().equals(project)).toList(),
                r.hasLastUpdated() ? FeastRegistryMapping.instant(r.getLastUpdated()) : Instant.EPOCH);
    }

    /** Every project with at least one object, sorted. */
    static List<String> names(Registry r) {
        TreeSet<String> names = new TreeSet<>();
        r.getProjectsList().forEach(p -> names.add(p.getSpec().getName()));
        r.getEntitiesList().forEach(e -> names.add(e.getSpec().getProject()));
        r.getDataSourcesList().forEach(d -> names.add(d.getProject()));
        r.getFeatureViewsList().forEach(v -> names.add(v.getSpec().getProject()));
        r.getStreamFeatureViewsList().forEach(v -> names.add(v.getSpec().getProject()));
        r.getOnDemandFeatureViewsList().forEach(v -> names.add(v.getSpec().getProject()));
        r.getFeatureServicesList().forEach(s -> names.add(s.getSpec().getProject()));
        names.remove("");
        return List.copyOf(names);
    }

    /** The registry with the project's objects replaced by {@code next}'s; other projects and other fields untouched. */
    static Registry replace(Registry r, String project, FeastProjectObjects next) {
        Registry.Builder b = r.toBuilder();
        b.clearProjects().addAllProjects(keep(r.getProjectsList(), x -> x.getSpec().getName(), project));
        next.projectProto().ifPresent(b::addProjects);
        b.clearEntities().addAllEntities(keep(r.getEntitiesList(), x -> x.getSpec().getProject(), project)).addAllEntities(next.entities());
        b.clearDataSources().addAllDataSources(keep(r.getDataSourcesList(), DataSource::getProject, project)).addAllDataSources(next.dataSources());
        b.clearFeatureViews().addAllFeatureViews(keep(r.getFeatureViewsList(), x -> x.getSpec().getProject(), project))
                .addAllFeatureViews(next.featureViews());
        b.clearStreamFeatureViews().addAllStreamFeatureViews(keep(r.getStreamFeatureViewsList(), x -> x.getSpec().getProject(), project))
                .addAllStreamFeatureViews(next.streamFeatureViews());
        b.clearOnDemandFeatureViews().addAllOnDemandFeatureViews(keep(r.getOnDemandFeatureViewsList(), x -> x.getSpec().getProject(), project))
                .addAllOnDemandFeatureViews(next.onDemandFeatureViews());
        b.clearFeatureServices().addAllFeatureServices(keep(r.getFeatureServicesList(), x -> x.getSpec().getProject(), project))
                .addAllFeatureServices(next.featureServices());
        List<FeatureViewVersionRecord> records = keep(r.getFeatureViewVersionHistory().getRecordsList(), FeatureViewVersionRecord::getProjectId, project);
        if (!records.isEmpty() || !next.versionHistory().isEmpty()) {
            b.setFeatureViewVersionHistory(FeatureViewVersionHistory.newBuilder().addAllRecords(records).addAllRecords(next.versionHistory()));
        } else {
            b.clearFeatureViewVersionHistory();
        }
        return b.build();
    }

    private static <T> List<T> keep(List<T> objects, java.util.function.Function<T, String> projectOf, String project) {
        Predicate<T> other = o -> !projectOf.apply(o).equals(project);
        return objects.stream().filter(other).toList();
    }
}
