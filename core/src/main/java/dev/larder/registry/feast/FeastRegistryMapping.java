package dev.larder.registry.feast;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.larder.definitions.EntityDefinition;
import dev.larder.definitions.FeatureServiceDefinition;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.feast.proto.core.DataSource;
import dev.larder.feast.proto.core.Entity;
import dev.larder.feast.proto.core.EntitySpecV2;
import dev.larder.feast.proto.core.FeatureService;
import dev.larder.feast.proto.core.FeatureSpecV2;
import dev.larder.feast.proto.core.FeatureView;
import dev.larder.feast.proto.core.FeatureViewProjection;
import dev.larder.feast.proto.core.FeatureViewSpec;
import dev.larder.feast.proto.core.MaterializationInterval;
import dev.larder.feast.proto.core.OnDemandFeatureView;
import dev.larder.feast.proto.core.StreamFeatureView;
import dev.larder.feast.proto.core.StreamFeatureViewSpec;
import dev.larder.registry.Registry;
import dev.larder.spi.EntityKey;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feast's registry objects of one project as Larder's {@link Registry}: what serving and
 * materialization need. Views Larder cannot serve (on-demand views, {@code online: false}, value
 * types it does not read) are listed with the reason instead, so a request naming one says why.
 */
public final class FeastRegistryMapping {
    /** Feast's placeholder entity of entityless views ({@code DUMMY_ENTITY_NAME}). */
    public static final String DUMMY_ENTITY = "__dummy";

    private FeastRegistryMapping() {
    }

    public static Registry toRegistry(FeastProjectObjects objects) {
        Map<String, EntitySpecV2> entities = new LinkedHashMap<>();
        List<EntityDefinition> entityDefinitions = new ArrayList<>();
        for (Entity e : objects.entities()) {
            EntitySpecV2 spec = e.getSpec();
            entities.put(spec.getName(), spec);
            if (spec.getName().equals(DUMMY_ENTITY)) continue; // Feast hides it from its listings too
            entityDefinitions.add(new EntityDefinition(spec.getName(), List.of(joinKey(spec)), valueType(spec.getValueTypeValue())));
        }

        List<Registry.ViewEntry> views = new ArrayList<>();
        Map<String, String> unservable = new LinkedHashMap<>();
        for (FeatureView fv : objects.featureViews()) {
            FeatureViewSpec s = fv.getSpec();
            add(new ViewParts(s.getName(), s.getOnline(), s.getEntitiesList(), s.getEntityColumnsList(), s.getFeaturesList(), s.getTtl(),
                    s.hasBatchSource() ? s.getBatchSource() : null, s.hasStreamSource() ? s.getStreamSource() : null,
                    fv.getMeta().getMaterializationIntervalsList()), entities, views, unservable);
        }
        for (StreamFeatureView sfv : objects.streamFeatureViews()) {
            StreamFeatureViewSpec s = sfv.getSpec();
            add(new ViewParts(s.getName(), s.getOnline(), s.getEntitiesList(), s.getEntityColumnsList(), s.getFeaturesList(), s.getTtl(),
                    s.hasBatchSource() ? s.getBatchSource() : null, s.hasStreamSource() ? s.getStreamSource() : null,
                    sfv.getMeta().getMaterializationIntervalsList()), entities, views, unservable);
        }
        for (OnDemandFeatureView odfv : objects.onDemandFeatureViews()) {
            unservable.put(odfv.getSpec().getName(), "it is an on-demand feature view: Feast computes it in Python at request time,"
                    + " and Larder does not run on-demand transformations");
        }

        List<FeatureServiceDefinition> services = new ArrayList<>();
        for (FeatureService fs : objects.featureServices()) {
            List<FeatureServiceDefinition.Projection> projections = new ArrayList<>();
            for (FeatureViewProjection p : fs.getSpec().getFeaturesList()) {
                List<String> features = p.getFeatureColumnsList().stream().map(FeatureSpecV2::getName).toList();
                projections.add(new FeatureServiceDefinition.Projection(p.getFeatureViewName(), p.getFeatureViewNameAlias(), features,
                        p.getJoinKeyMapMap()));
            }
            services.add(new FeatureServiceDefinition(fs.getSpec().getName(), projections));
        }
        return new Registry(objects.project(), objects.lastUpdated(), entityDefinitions, views, services, unservable);
    }

    /** The fields feature views and stream feature views share, which is all Larder serves. */
    private record ViewParts(String name, boolean online, List<String> entities, List<FeatureSpecV2> entityColumns,
                             List<FeatureSpecV2> features, Duration ttl, DataSource batchSource, DataSource streamSource,
                             List<MaterializationInterval> intervals) {
    }

    private static void add(ViewParts v, Map<String, EntitySpecV2> entities, List<Registry.ViewEntry> views, Map<String, String> unservable) {
        if (!v.online()) {
            unservable.put(v.name(), "it has online: false, so it is not in the online store (Feast does not serve it either)");
            return;
        }
        List<String> entityNames = v.entities().stream().filter(n -> !n.equals(DUMMY_ENTITY)).toList();
        List<Field> joinKeys = new ArrayList<>();
        if (!entityNames.isEmpty()) {
            // entity_columns carry the join keys with their types (Feast infers them at apply); older registries lack them.
            List<FeatureSpecV2> columns = v.entityColumns().stream().filter(c -> !c.getName().equals(EntityKey.DUMMY_JOIN_KEY)).toList();
            if (!columns.isEmpty()) {
                for (FeatureSpecV2 c : columns) joinKeys.add(new Field(c.getName(), valueType(c.getValueTypeValue())));
            } else {
                for (String en : entityNames) {
                    EntitySpecV2 e = entities.get(en);
                    if (e == null) {
                        unservable.put(v.name(), "its entity '" + en + "' is not in the registry");
                        return;
                    }
                    joinKeys.add(new Field(joinKey(e), valueType(e.getValueTypeValue())));
                }
            }
            for (Field k : joinKeys) {
                if (!k.type().isEntityKeyType()) {
                    unservable.put(v.name(), "its join key '" + k.name() + "' has type " + k.type()
                            + "; online keys are STRING, BYTES, INT32, INT64 or UNIX_TIMESTAMP");
                    return;
                }
            }
        }
        List<Field> features = new ArrayList<>();
        for (FeatureSpecV2 f : v.features()) {
            ValueType t = valueType(f.getValueTypeValue());
            if (t == ValueType.UNKNOWN || t == ValueType.NULL) {
                unservable.put(v.name(), "its feature '" + f.getName() + "' has Feast value type " + f.getValueType()
                        + ", which Larder does not read");
                return;
            }
            features.add(new Field(f.getName(), t));
        }
        java.time.Duration ttl = java.time.Duration.ofSeconds(v.ttl().getSeconds(), v.ttl().getNanos());
        dev.larder.spi.FeatureView view = new dev.larder.spi.FeatureView(v.name(), entityNames, joinKeys, features, ttl);
        List<Registry.Interval> intervals = new ArrayList<>();
        for (MaterializationInterval i : v.intervals()) intervals.add(new Registry.Interval(instant(i.getStartTime()), instant(i.getEndTime())));
        DataSource stream = v.streamSource();
        String pushSource = stream != null && stream.getType() == DataSource.SourceType.PUSH_SOURCE ? stream.getName() : null;
        views.add(new Registry.ViewEntry(new FeatureViewDefinition(view, source(v.batchSource(), stream), pushSource), intervals));
    }

    /** The offline source to materialize from: a file source, directly or as a push/stream source's batch source. */
    static SourceDefinition source(DataSource batch, DataSource stream) {
        DataSource s = batch != null ? batch : stream;
        if (s != null && s.getType() != DataSource.SourceType.BATCH_FILE && s.hasBatchSource()) s = s.getBatchSource();
        if (s == null) return new SourceDefinition("(no batch source)", "event_timestamp", null);
        String path = s.hasFileOptions() ? s.getFileOptions().getUri()
                : "(a " + s.getType() + " source '" + s.getName() + "': Larder materializes from Parquet and CSV files only)";
        String ts = s.getTimestampField().isEmpty() ? "event_timestamp" : s.getTimestampField();
        return new SourceDefinition(path, ts, s.getCreatedTimestampColumn(), s.getName());
    }

    static String joinKey(EntitySpecV2 e) {
        return e.getJoinKey().isEmpty() ? e.getName() : e.getJoinKey(); // Feast: the join key defaults to the entity's name
    }

    static ValueType valueType(int number) {
        try {
            return ValueType.ofNumber(number);
        } catch (IllegalArgumentException e) {
            return ValueType.UNKNOWN;
        }
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }
}
