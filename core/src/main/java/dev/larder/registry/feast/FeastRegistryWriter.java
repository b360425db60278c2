package dev.larder.registry.feast;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.larder.LarderException;
import dev.larder.definitions.EntityDefinition;
import dev.larder.definitions.FeatureServiceDefinition;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.feast.proto.core.DataSource;
import dev.larder.feast.proto.core.Entity;
import dev.larder.feast.proto.core.EntityMeta;
import dev.larder.feast.proto.core.EntitySpecV2;
import dev.larder.feast.proto.core.FeatureService;
import dev.larder.feast.proto.core.FeatureServiceMeta;
import dev.larder.feast.proto.core.FeatureServiceSpec;
import dev.larder.feast.proto.core.FeatureSpecV2;
import dev.larder.feast.proto.core.FeatureView;
import dev.larder.feast.proto.core.FeatureViewMeta;
import dev.larder.feast.proto.core.FeatureViewProjection;
import dev.larder.feast.proto.core.FeatureViewSpec;
import dev.larder.feast.proto.core.FeatureViewVersionRecord;
import dev.larder.feast.proto.core.MaterializationInterval;
import dev.larder.feast.proto.core.Project;
import dev.larder.feast.proto.core.ProjectMeta;
import dev.larder.feast.proto.core.ProjectSpec;
import dev.larder.feast.proto.types.ValueType;
import dev.larder.registry.Registry;
import dev.larder.spi.EntityKey;
import dev.larder.spi.Field;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Larder's definitions of one project as the objects {@code feast apply} writes for the same
 * repository (entity, FileSource, FeatureView and FeatureService {@code to_proto()}, plus Feast's
 * {@code __dummy} entity and a version-0 history record per new view). Objects whose spec did not
 * change keep their previous timestamps, so applying twice changes nothing but the registry's
 * own {@code last_updated}.
 */
public final class FeastRegistryWriter {
    static final String FILE_SOURCE_CLASS = "feast.infra.offline_stores.file_source.FileSource";
    static final String FEATURE_VIEW_TYPE = "feature_view";

    private final Instant now;
    private final Supplier<String> uuids;

    public FeastRegistryWriter(Instant now, Supplier<String> uuids) {
        this.now = now;
        this.uuids = uuids;
    }

    public FeastProjectObjects write(Registry registry, FeastProjectObjects previous) {
        String project = registry.project();
        Timestamp ts = FeastRegistryMapping.timestamp(now);

        Project projectProto = previous.projectProto().orElseGet(() -> Project.newBuilder()
                .setSpec(ProjectSpec.newBuilder().setName(project))
                .setMeta(ProjectMeta.newBuilder().setCreatedTimestamp(ts).setLastUpdatedTimestamp(ts))
                .build());

        Map<String, Entity> oldEntities = previous.entities().stream().collect(Collectors.toMap(e -> e.getSpec().getName(), e -> e, (a, b) -> a));
        List<Entity> entities = new ArrayList<>();
        for (EntityDefinition e : registry.entities()) {
            if (e.joinKeys().size() != 1) {
                throw new LarderException("Entity '" + e.name() + "' has join keys " + e.joinKeys()
                        + "; a Feast entity has exactly one join key, so it cannot be written to a Feast registry");
            }
            entities.add(entity(EntitySpecV2.newBuilder().setName(e.name()).setValueTypeValue(e.valueType().number())
                    .setJoinKey(e.joinKeys().get(0)).setProject(project).build(), oldEntities.get(e.name())));
        }
        // feast apply always registers its placeholder entity for entityless views.
        entities.add(entity(EntitySpecV2.newBuilder().setName(FeastRegistryMapping.DUMMY_ENTITY).setJoinKey(EntityKey.DUMMY_JOIN_KEY)
                .setProject(project).build(), oldEntities.get(FeastRegistryMapping.DUMMY_ENTITY)));

        Map<String, DataSource> oldSources = previous.dataSources().stream().collect(Collectors.toMap(DataSource::getName, d -> d, (a, b) -> a));
        Map<String, DataSource> sources = new LinkedHashMap<>();
        for (FeatureViewDefinition d : registry.definitions().views()) {
            String name = sourceName(d.source());
            DataSource spec = fileSource(d.source()).setProject(project).setDataSourceClassType(FILE_SOURCE_CLASS).build();
            DataSource existing = sources.get(name);
            if (existing != null) {
                if (!withoutMeta(existing).equals(spec)) {
                    throw new LarderException("Data source '" + name + "' is defined twice with different settings (by feature view '"
                            + d.name() + "'); give each source its own name");
                }
                continue;
            }
            sources.put(name, withMeta(spec, oldSources.get(name)));
        }

        Map<String, FeatureView> oldViews = previous.featureViews().stream().collect(Collectors.toMap(v -> v.getSpec().getName(), v -> v, (a, b) -> a));
        List<FeatureView> views = new ArrayList<>();
        for (Registry.ViewEntry entry : registry.views().values()) {
            views.add(featureView(project, entry, sources.get(sourceName(entry.definition().source())), oldViews.get(entry.definition().name())));
        }
        Map<String, FeatureView> viewsByName = views.stream().collect(Collectors.toMap(v -> v.getSpec().getName(), v -> v));

        Map<String, FeatureService> oldServices = previous.featureServices().stream()
                .collect(Collectors.toMap(s -> s.getSpec().getName(), s -> s, (a, b) -> a));
        List<FeatureService> services = new ArrayList<>();
        for (FeatureServiceDefinition fs : registry.featureServices()) {
            services.add(featureService(project, fs, viewsByName, sources, oldServices.get(fs.name())));
        }

        List<FeatureViewVersionRecord> history = new ArrayList<>();
        for (FeatureViewVersionRecord r : previous.versionHistory()) {
            if (viewsByName.containsKey(r.getFeatureViewName())) history.add(r);
        }
        for (FeatureView v : views) {
            boolean recorded = history.stream().anyMatch(r -> r.getFeatureViewName().equals(v.getSpec().getName()));
            if (!recorded) {
                history.add(FeatureViewVersionRecord.newBuilder().setFeatureViewName(v.getSpec().getName()).setProjectId(project)
                        .setVersionNumber(0).setFeatureViewType(FEATURE_VIEW_TYPE).setFeatureViewProto(v.toByteString())
                        .setCreatedTimestamp(ts).setVersionId(uuids.get()).build());
            }
        }
        return new FeastProjectObjects(project, Optional.of(projectProto), entities, new ArrayList<>(sources.values()), views,
                List.of(), List.of(), services, history, now);
    }

    private Entity entity(EntitySpecV2 spec, Entity old) {
        if (old != null && old.getSpec().equals(spec)) return old;
        Timestamp created = old != null && old.getMeta().hasCreatedTimestamp() ? old.getMeta().getCreatedTimestamp() : FeastRegistryMapping.timestamp(now);
        return Entity.newBuilder().setSpec(spec)
                .setMeta(EntityMeta.newBuilder().setCreatedTimestamp(created).setLastUpdatedTimestamp(FeastRegistryMapping.timestamp(now)))
                .build();
    }

    static String sourceName(SourceDefinition s) {
        return s.name() != null ? s.name() : s.path();
    }

    /** A FileSource as {@code FileSource._to_proto_impl} writes it, without name-independent extras. */
    private static DataSource.Builder fileSource(SourceDefinition s) {
        DataSource.Builder b = DataSource.newBuilder().setType(DataSource.SourceType.BATCH_FILE).setName(sourceName(s))
                .setTimestampField(s.timestampField())
                .setFileOptions(DataSource.FileOptions.newBuilder().setUri(s.path()));
        if (s.createdTimestampColumn() != null) b.setCreatedTimestampColumn(s.createdTimestampColumn());
        return b;
    }

    private DataSource withMeta(DataSource spec, DataSource old) {
        if (old != null && withoutMeta(old).equals(spec)) return old;
        Timestamp created = old != null && old.getMeta().hasCreatedTimestamp() ? old.getMeta().getCreatedTimestamp() : FeastRegistryMapping.timestamp(now);
        return spec.toBuilder().setMeta(DataSource.SourceMeta.newBuilder().setCreatedTimestamp(created)
                .setLastUpdatedTimestamp(FeastRegistryMapping.timestamp(now))).build();
    }

    private static DataSource withoutMeta(DataSource d) {
        return d.toBuilder().clearMeta().build();
    }

    private FeatureView featureView(String project, Registry.ViewEntry entry, DataSource source, FeatureView old) {
        dev.larder.spi.FeatureView v = entry.view();
        FeatureViewSpec.Builder spec = FeatureViewSpec.newBuilder().setName(v.name()).setProject(project)
                .setTtl(Duration.newBuilder().setSeconds(v.ttl().getSeconds()).setNanos(v.ttl().getNano()))
                .setBatchSource(source.toBuilder().clearProject())
                .setOnline(true)
                .setVersion("latest");
        if (v.isEntityless()) {
            spec.addEntities(FeastRegistryMapping.DUMMY_ENTITY);
            spec.addEntityColumns(FeatureSpecV2.newBuilder().setName(EntityKey.DUMMY_JOIN_KEY).setValueType(ValueType.Enum.STRING));
        } else {
            spec.addAllEntities(v.entities());
            for (Field k : v.joinKeys()) spec.addEntityColumns(feature(k));
        }
        for (Field f : v.features()) spec.addFeatures(feature(f));
        FeatureViewSpec built = spec.build();

        FeatureViewMeta.Builder meta = FeatureViewMeta.newBuilder();
        boolean unchanged = old != null && old.getSpec().equals(built);
        if (unchanged) {
            meta.mergeFrom(old.getMeta()).clearMaterializationIntervals();
        } else {
            Timestamp created = old != null && old.getMeta().hasCreatedTimestamp() ? old.getMeta().getCreatedTimestamp() : FeastRegistryMapping.timestamp(now);
            meta.setCreatedTimestamp(created).setLastUpdatedTimestamp(FeastRegistryMapping.timestamp(now));
        }
        for (Registry.Interval i : entry.materialized()) {
            meta.addMaterializationIntervals(MaterializationInterval.newBuilder()
                    .setStartTime(FeastRegistryMapping.timestamp(i.start())).setEndTime(FeastRegistryMapping.timestamp(i.end())));
        }
        return FeatureView.newBuilder().setSpec(built).setMeta(meta).build();
    }

    private static FeatureSpecV2 feature(Field f) {
        return FeatureSpecV2.newBuilder().setName(f.name()).setValueTypeValue(f.type().number()).build();
    }

    private FeatureService featureService(String project, FeatureServiceDefinition fs, Map<String, FeatureView> views,
                                          Map<String, DataSource> sources, FeatureService old) {
        FeatureServiceSpec.Builder spec = FeatureServiceSpec.newBuilder().setName(fs.name()).setProject(project);
        for (FeatureServiceDefinition.Projection p : fs.projections()) {
            FeatureView view = views.get(p.view());
            if (view == null) {
                throw new LarderException("Feature service '" + fs.name() + "' names feature view '" + p.view() + "', which is not defined");
            }
            FeatureViewProjection.Builder pb = FeatureViewProjection.newBuilder().setFeatureViewName(p.view());
            for (String name : p.features()) {
                FeatureSpecV2 f = view.getSpec().getFeaturesList().stream().filter(x -> x.getName().equals(name)).findFirst()
                        .orElseThrow(() -> new LarderException("Feature service '" + fs.name() + "': feature view '" + p.view()
                                + "' has no feature '" + name + "'"));
                pb.addFeatureColumns(f);
            }
            if (p.alias() != null) pb.setFeatureViewNameAlias(p.alias());
            pb.putAllJoinKeyMap(p.joinKeyMap());
            // FeatureViewProjection.from_definition copies the batch source's created-timestamp column into both fields.
            DataSource batch = view.getSpec().getBatchSource();
            pb.setTimestampField(batch.getCreatedTimestampColumn()).setCreatedTimestampColumn(batch.getCreatedTimestampColumn());
            pb.setBatchSource(batch.toBuilder().clearDataSourceClassType());
            pb.setViewType("featureView");
            spec.addFeatures(pb);
        }
        FeatureServiceSpec built = spec.build();
        if (old != null && old.getSpec().equals(built)) return old;
        Timestamp created = old != null && old.getMeta().hasCreatedTimestamp() ? old.getMeta().getCreatedTimestamp() : FeastRegistryMapping.timestamp(now);
        return FeatureService.newBuilder().setSpec(built)
                .setMeta(FeatureServiceMeta.newBuilder().setCreatedTimestamp(created).setLastUpdatedTimestamp(FeastRegistryMapping.timestamp(now)))
                .build();
    }
}
