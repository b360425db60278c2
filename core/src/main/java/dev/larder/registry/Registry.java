package dev.larder.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.LarderException;
import dev.larder.definitions.Definitions;
import dev.larder.definitions.EntityDefinition;
import dev.larder.definitions.FeastTypes;
import dev.larder.definitions.FeatureServiceDefinition;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry file ({@code registry:} in feature_store.yaml, default {@code data/registry.json}):
 * the applied entities and feature views and, per view, the intervals materialized so far.
 * Immutable; changes return a new registry, which {@link #save} writes atomically.
 */
public final class Registry {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A materialized interval of event times, both ends included. */
    public record Interval(Instant start, Instant end) {
    }

    /**
     * An applied view with its materialization history (merged, sorted intervals).
     *
     * @param store the online store the intervals were written to ({@link Repository#storeIdentity()}, e.g.
     *              "sqlite data/online.db"); null when not recorded (registries written before Larder recorded it,
     *              Feast's registries), and then the history is taken to belong to the configured store
     */
    public record ViewEntry(FeatureViewDefinition definition, List<Interval> materialized, String store) {
        public ViewEntry {
            materialized = merge(materialized);
            if (materialized.isEmpty()) store = null;
        }

        public ViewEntry(FeatureViewDefinition definition, List<Interval> materialized) {
            this(definition, materialized, null);
        }

        public FeatureView view() {
            return definition.view();
        }

        /** The end of the latest materialized interval: where materialize-incremental starts. */
        public Optional<Instant> watermark() {
            return materialized.stream().map(Interval::end).max(Comparator.naturalOrder());
        }

        /** Whether the history describes {@code store}: recorded for it, or not recorded at all. */
        public boolean describes(String store) {
            return this.store == null || this.store.equals(store);
        }

        /** The watermark if the history was written to {@code store}; empty when it belongs to another store. */
        public Optional<Instant> watermark(String store) {
            return describes(store) ? watermark() : Optional.empty();
        }
    }

    private final String project;
    private final Instant lastUpdated;
    private final List<EntityDefinition> entities;
    private final Map<String, ViewEntry> views;
    private final List<FeatureServiceDefinition> featureServices;
    private final Map<String, String> unservable;

    public Registry(String project, Instant lastUpdated, List<EntityDefinition> entities, List<ViewEntry> views) {
        this(project, lastUpdated, entities, views, List.of(), Map.of());
    }

    /**
     * @param featureServices the project's feature services
     * @param unservable      views the registry holds that Larder cannot serve, with the reason
     *                        (Feast's on-demand views, views with {@code online: false}); named in errors when requested
     */
    public Registry(String project, Instant lastUpdated, List<EntityDefinition> entities, List<ViewEntry> views,
                    List<FeatureServiceDefinition> featureServices, Map<String, String> unservable) {
        this.project = project;
        this.lastUpdated = lastUpdated;
        this.entities = List.copyOf(entities);
        Map<String, ViewEntry> m = new LinkedHashMap<>();
        for (ViewEntry v : views) m.put(v.definition().name(), v);
        this.views = java.util.Collections.unmodifiableMap(m);
        this.featureServices = List.copyOf(featureServices);
        this.unservable = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(unservable));
    }

    public static Registry empty(String project) {
        return new Registry(project, Instant.EPOCH, List.of(), List.of());
    }

    public String project() {
        return project;
    }

    public Instant lastUpdated() {
        return lastUpdated;
    }

    public List<EntityDefinition> entities() {
        return entities;
    }

    public Map<String, ViewEntry> views() {
        return views;
    }

    public List<FeatureView> featureViews() {
        return views.values().stream().map(ViewEntry::view).toList();
    }

    public Optional<ViewEntry> view(String name) {
        return Optional.ofNullable(views.get(name));
    }

    public List<FeatureServiceDefinition> featureServices() {
        return featureServices;
    }

    /** Views in the registry that Larder does not serve, with the reason. */
    public Map<String, String> unservable() {
        return unservable;
    }

    public Definitions definitions() {
        return new Definitions(entities, views.values().stream().map(ViewEntry::definition).toList(), featureServices);
    }

    /** The registry after an apply: the new definitions, keeping the history of views whose data stays valid. */
    public Registry withDefinitions(Definitions defs, List<String> viewsToReset, Instant now) {
        return withDefinitions(defs, viewsToReset, null, now);
    }

    /**
     * The registry after an apply to {@code store}: the new definitions, keeping the history of views
     * whose data stays valid; a history written to another store is dropped.
     */
    public Registry withDefinitions(Definitions defs, List<String> viewsToReset, String store, Instant now) {
        List<ViewEntry> out = new ArrayList<>();
        for (FeatureViewDefinition d : defs.views()) {
            ViewEntry old = views.get(d.name());
            boolean keep = old != null && !viewsToReset.contains(d.name()) && (store == null || old.describes(store));
            out.add(keep ? new ViewEntry(d, old.materialized(), old.store()) : new ViewEntry(d, List.of()));
        }
        return new Registry(project, now, defs.entities(), out, defs.featureServices(), Map.of());
    }

    /** The registry after a view's rows for [start, end] are written. */
    public Registry withMaterialized(String view, Interval interval, Instant now) {
        return withMaterialized(Map.of(view, interval), null, now);
    }

    /**
     * The registry after each view's rows for its interval are written to {@code store} (null: not
     * recorded). A view whose history belongs to another store starts a new history.
     */
    public Registry withMaterialized(Map<String, Interval> intervals, String store, Instant now) {
        for (String view : intervals.keySet()) {
            if (!views.containsKey(view)) {
                throw new LarderException("Feature view '" + view + "' is not in the registry; run 'larder apply' first");
            }
        }
        List<ViewEntry> out = new ArrayList<>();
        for (ViewEntry v : views.values()) {
            Interval added = intervals.get(v.definition().name());
            if (added == null) {
                out.add(v);
                continue;
            }
            List<Interval> h = new ArrayList<>(store == null || v.describes(store) ? v.materialized() : List.of());
            h.add(added);
            out.add(new ViewEntry(v.definition(), h, store != null ? store : v.store()));
        }
        return new Registry(project, now, entities, out, featureServices, unservable);
    }

    static List<Interval> merge(List<Interval> intervals) {
        List<Interval> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparing(Interval::start));
        List<Interval> out = new ArrayList<>();
        for (Interval i : sorted) {
            if (!out.isEmpty() && !i.start().isAfter(out.get(out.size() - 1).end())) {
                Interval last = out.remove(out.size() - 1);
                out.add(new Interval(last.start(), i.end().isAfter(last.end()) ? i.end() : last.end()));
            } else {
                out.add(i);
            }
        }
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------------------ file format

    /**
     * Reads a registry file; empty when the file does not exist (nothing applied yet).
     *
     * @throws DamagedRegistryException when the file is empty or not a readable registry (apply rebuilds it)
     */
    public static Optional<Registry> load(Path file) {
        if (!Files.exists(file)) return Optional.empty();
        JsonNode root;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw new DamagedRegistryException(file, "the registry is empty (" + text.length() + " bytes), e.g. written by a run that was killed", null);
            }
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DamagedRegistryException(file, "the registry is not valid JSON (line " + e.getLocation().getLineNr()
                    + "): " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new LarderException(file + ": cannot read the registry: " + dev.larder.config.Errors.reason(e), e);
        }
        try {
            if (!root.isObject() || !root.path("larder_registry_version").canConvertToInt()) {
                throw new DamagedRegistryException(file, "the registry is damaged (no larder_registry_version)", null);
            }
            int version = root.path("larder_registry_version").asInt();
            if (version != FORMAT_VERSION) {
                // Not rebuilt: another Larder version may have written it, and apply would destroy it.
                throw new LarderException(file + ": registry format version " + version + " is not supported (expected " + FORMAT_VERSION
                        + "); use the Larder version that wrote it");
            }
            List<EntityDefinition> entities = new ArrayList<>();
            for (JsonNode e : root.path("entities")) {
                List<String> keys = new ArrayList<>();
                e.path("join_keys").forEach(k -> keys.add(k.asText()));
                entities.add(new EntityDefinition(text(e, "name"), keys, ValueType.valueOf(text(e, "value_type"))));
            }
            List<ViewEntry> views = new ArrayList<>();
            for (JsonNode v : root.path("feature_views")) {
                List<String> ents = new ArrayList<>();
                v.path("entities").forEach(x -> ents.add(x.asText()));
                List<Field> joinKeys = new ArrayList<>();
                for (JsonNode k : v.path("join_keys")) joinKeys.add(new Field(text(k, "name"), ValueType.valueOf(text(k, "value_type"))));
                List<Field> features = new ArrayList<>();
                for (JsonNode f : v.path("features")) features.add(new Field(text(f, "name"), ValueType.valueOf(text(f, "value_type"))));
                if (ents.isEmpty()) joinKeys.clear(); // the dummy key is implied
                FeatureView view = new FeatureView(text(v, "name"), ents, joinKeys, features, Duration.parse(text(v, "ttl")));
                JsonNode s = v.path("source");
                SourceDefinition src = new SourceDefinition(text(s, "path"), text(s, "timestamp_field"),
                        s.hasNonNull("created_timestamp_column") ? s.get("created_timestamp_column").asText() : null,
                        s.hasNonNull("name") ? s.get("name").asText() : null);
                List<Interval> intervals = new ArrayList<>();
                for (JsonNode i : v.path("materialized_intervals")) {
                    intervals.add(new Interval(Instant.parse(text(i, "start")), Instant.parse(text(i, "end"))));
                }
                String push = s.hasNonNull("push_source") ? s.get("push_source").asText() : null;
                String store = v.hasNonNull("materialized_store") ? v.get("materialized_store").asText() : null;
                views.add(new ViewEntry(new FeatureViewDefinition(view, src, push), intervals, store));
            }
            List<FeatureServiceDefinition> services = new ArrayList<>();
            for (JsonNode fs : root.path("feature_services")) {
                List<FeatureServiceDefinition.Projection> projections = new ArrayList<>();
                for (JsonNode p : fs.path("projections")) {
                    List<String> features = new ArrayList<>();
                    p.path("features").forEach(f -> features.add(f.asText()));
                    Map<String, String> jkm = new LinkedHashMap<>();
                    p.path("join_key_map").fields().forEachRemaining(e -> jkm.put(e.getKey(), e.getValue().asText()));
                    projections.add(new FeatureServiceDefinition.Projection(text(p, "view"),
                            p.hasNonNull("alias") ? p.get("alias").asText() : null, features, jkm));
                }
                services.add(new FeatureServiceDefinition(text(fs, "name"), projections));
            }
            return Optional.of(new Registry(text(root, "project"), Instant.parse(text(root, "last_updated")), entities, views,
                    services, Map.of()));
        } catch (RuntimeException e) {
            if (e instanceof LarderException) throw e;
            throw new DamagedRegistryException(file, "the registry is damaged (" + e.getMessage() + ")", e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("missing '" + field + "'");
        return v.asText();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("larder_registry_version", FORMAT_VERSION);
        root.put("project", project);
        root.put("last_updated", lastUpdated.toString());
        ArrayNode ents = root.putArray("entities");
        for (EntityDefinition e : entities) {
            ObjectNode n = ents.addObject();
            n.put("name", e.name());
            ArrayNode keys = n.putArray("join_keys");
            e.joinKeys().forEach(keys::add);
            n.put("value_type", e.valueType().name());
        }
        ArrayNode vs = root.putArray("feature_views");
        for (ViewEntry entry : views.values()) {
            FeatureView v = entry.view();
            ObjectNode n = vs.addObject();
            n.put("name", v.name());
            ArrayNode en = n.putArray("entities");
            v.entities().forEach(en::add);
            ArrayNode jk = n.putArray("join_keys");
            for (Field f : v.joinKeys()) jk.addObject().put("name", f.name()).put("value_type", f.type().name());
            n.put("ttl", v.ttl().toString());
            ArrayNode fs = n.putArray("features");
            for (Field f : v.features()) {
                fs.addObject().put("name", f.name()).put("value_type", f.type().name()).put("dtype", FeastTypes.dtypeName(f.type()));
            }
            SourceDefinition s = entry.definition().source();
            ObjectNode sn = n.putObject("source");
            sn.put("path", s.path());
            sn.put("timestamp_field", s.timestampField());
            if (s.createdTimestampColumn() != null) sn.put("created_timestamp_column", s.createdTimestampColumn());
            if (s.name() != null) sn.put("name", s.name());
            entry.definition().pushSourceName().ifPresent(p -> sn.put("push_source", p));
            ArrayNode mi = n.putArray("materialized_intervals");
            for (Interval i : entry.materialized()) mi.addObject().put("start", i.start().toString()).put("end", i.end().toString());
            if (entry.store() != null) n.put("materialized_store", entry.store());
        }
        ArrayNode services = root.putArray("feature_services");
        for (FeatureServiceDefinition fs : featureServices) {
            ObjectNode n = services.addObject();
            n.put("name", fs.name());
            ArrayNode ps = n.putArray("projections");
            for (FeatureServiceDefinition.Projection p : fs.projections()) {
                ObjectNode pn = ps.addObject();
                pn.put("view", p.view());
                if (p.alias() != null) pn.put("alias", p.alias());
                ArrayNode fn = pn.putArray("features");
                p.features().forEach(fn::add);
                if (!p.joinKeyMap().isEmpty()) {
                    ObjectNode m = pn.putObject("join_key_map");
                    p.joinKeyMap().forEach(m::put);
                }
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the registry as a whole or not at all (see {@link RegistryFiles#write}); the caller holds the registry lock. */
    public void save(Path file) {
        RegistryFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8), "registry");
    }
}
