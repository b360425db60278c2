package dev.larder.definitions;

import dev.larder.LarderException;
import dev.larder.config.YamlFiles;
import dev.larder.spi.Durations;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The entities and feature views of a repository's {@code features.yaml}, validated: every problem
 * is reported at once, one line each, naming the file, the YAML path and what is allowed.
 */
public record Definitions(List<EntityDefinition> entities, List<FeatureViewDefinition> views,
                          List<FeatureServiceDefinition> featureServices) {
    public static final String FILE_NAME = "features.yaml";

    private static final Set<String> TOP_KEYS = Set.of("entities", "feature_views", "feature_services", "push_sources");
    private static final Set<String> SERVICE_KEYS = Set.of("name", "features", "description", "tags", "owner");
    private static final Set<String> PROJECTION_KEYS = Set.of("view", "features", "alias", "join_key_map");
    private static final Set<String> ENTITY_KEYS = Set.of("name", "join_keys", "join_key", "value_type", "description", "tags", "owner");
    private static final Set<String> VIEW_KEYS = Set.of("name", "entities", "ttl", "schema", "source", "online", "description", "tags", "owner");
    private static final Set<String> FIELD_KEYS = Set.of("name", "dtype", "description", "tags");
    private static final Set<String> PUSH_SOURCE_KEYS = Set.of("name", "batch_source", "description", "tags", "owner");
    private static final Set<String> SOURCE_KEYS = Set.of("path", "timestamp_field", "created_timestamp_column", "name", "description", "tags", "owner");

    public Definitions {
        entities = List.copyOf(entities);
        views = List.copyOf(views);
        featureServices = List.copyOf(featureServices);
    }

    public Definitions(List<EntityDefinition> entities, List<FeatureViewDefinition> views) {
        this(entities, views, List.of());
    }

    /** Loads and validates {@code features.yaml} of a repository. */
    public static Definitions load(Path repo) {
        Path file = repo.resolve(FILE_NAME);
        return fromMap(file.toString(), YamlFiles.readMap(file));
    }

    public Optional<FeatureViewDefinition> view(String name) {
        return views.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    public List<FeatureView> featureViews() {
        return views.stream().map(FeatureViewDefinition::view).toList();
    }

    public static Definitions fromMap(String source, Map<String, Object> yaml) {
        Parser p = new Parser(source);
        return p.parse(yaml);
    }

    private static final class Parser {
        final String source;
        final List<String> problems = new ArrayList<>();

        Parser(String source) {
            this.source = source;
        }

        void problem(String path, String message) {
            problems.add(source + ": " + path + ": " + message);
        }

        Definitions parse(Map<String, Object> yaml) {
            unknownKeys("(top level)", yaml, TOP_KEYS);
            List<EntityDefinition> entities = new ArrayList<>();
            Map<String, EntityDefinition> byName = new HashMap<>();
            List<Map<String, Object>> rawEntities = listOfMaps("entities", yaml.get("entities"));
            for (int i = 0; i < rawEntities.size(); i++) {
                EntityDefinition e = entity("entities[" + i + "]", rawEntities.get(i));
                if (e == null) continue;
                if (byName.putIfAbsent(e.name(), e) != null) {
                    problem("entities[" + i + "].name", "entity '" + e.name() + "' is defined twice; entity names must be unique");
                } else {
                    entities.add(e);
                }
            }
            Map<String, SourceDefinition> pushSources = new LinkedHashMap<>();
            List<Map<String, Object>> rawPush = listOfMaps("push_sources", yaml.get("push_sources"));
            for (int i = 0; i < rawPush.size(); i++) {
                String path = "push_sources[" + i + "]";
                Map<String, Object> m = rawPush.get(i);
                unknownKeys(path, m, PUSH_SOURCE_KEYS);
                String name = name(path, m);
                SourceDefinition batch = fileSource(path + ".batch_source", m.get("batch_source"));
                if (name == null || batch == null) continue;
                if (pushSources.putIfAbsent(name, batch) != null) {
                    problem(path + ".name", "push source '" + name + "' is defined twice; push source names must be unique");
                }
            }
            List<FeatureViewDefinition> views = new ArrayList<>();
            Set<String> viewNames = new LinkedHashSet<>();
            List<Map<String, Object>> rawViews = listOfMaps("feature_views", yaml.get("feature_views"));
            for (int i = 0; i < rawViews.size(); i++) {
                Object name = rawViews.get(i).get("name");
                String path = "feature_views[" + i + "]" + (name == null ? "" : " (" + name + ")");
                FeatureViewDefinition v = view(path, rawViews.get(i), byName, pushSources);
                if (v == null) continue;
                if (!viewNames.add(v.name())) {
                    problem(path + ".name", "feature view '" + v.name() + "' is defined twice; feature view names must be unique");
                } else {
                    views.add(v);
                }
            }
            List<FeatureServiceDefinition> services = new ArrayList<>();
            Set<String> serviceNames = new HashSet<>();
            List<Map<String, Object>> rawServices = listOfMaps("feature_services", yaml.get("feature_services"));
            for (int i = 0; i < rawServices.size(); i++) {
                Object name = rawServices.get(i).get("name");
                String path = "feature_services[" + i + "]" + (name == null ? "" : " (" + name + ")");
                if (name != null && !serviceNames.add(String.valueOf(name).trim())) {
                    problem(path + ".name", "feature service '" + name + "' is defined twice; feature service names must be unique");
                    continue;
                }
                FeatureServiceDefinition fs = service(path, rawServices.get(i), views);
                if (fs != null) services.add(fs);
            }
            if (!problems.isEmpty()) {
                throw new LarderException(String.join(System.lineSeparator(), problems));
            }
            return new Definitions(entities, views, services);
        }

        /** {name, features: [view_name | {view, features: [..], alias, join_key_map}]}; every view and feature must exist. */
        FeatureServiceDefinition service(String path, Map<String, Object> m, List<FeatureViewDefinition> views) {
            unknownKeys(path, m, SERVICE_KEYS);
            String name = name(path, m);
            boolean ok = name != null;
            Object rawFeatures = m.get("features");
            if (!(rawFeatures instanceof List) || ((List<?>) rawFeatures).isEmpty()) {
                problem(path + ".features", "is required: a list of feature view names or {view: name, features: [..]}");
                return null;
            }
            Map<String, FeatureViewDefinition> byName = new LinkedHashMap<>();
            for (FeatureViewDefinition v : views) byName.put(v.name(), v);
            List<FeatureServiceDefinition.Projection> projections = new ArrayList<>();
            List<?> items = (List<?>) rawFeatures;
            for (int i = 0; i < items.size(); i++) {
                String ip = path + ".features[" + i + "]";
                Object item = items.get(i);
                String viewName;
                List<String> features = null;
                String alias = null;
                Map<String, String> joinKeyMap = new LinkedHashMap<>();
                if (item instanceof String) {
                    viewName = ((String) item).trim();
                } else if (item instanceof Map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> pm = (Map<String, Object>) item;
                    unknownKeys(ip, pm, PROJECTION_KEYS);
                    viewName = pm.get("view") == null ? null : String.valueOf(pm.get("view")).trim();
                    if (pm.containsKey("features")) features = strings(ip + ".features", pm.get("features"));
                    alias = pm.get("alias") == null ? null : String.valueOf(pm.get("alias")).trim();
                    Object jkm = pm.get("join_key_map");
                    if (jkm instanceof Map) {
                        ((Map<?, ?>) jkm).forEach((k, v) -> joinKeyMap.put(String.valueOf(k), String.valueOf(v)));
                    } else if (jkm != null) {
                        problem(ip + ".join_key_map", "expected a mapping of the view's join key to the request column, e.g. {driver_id: origin_id}");
                        ok = false;
                    }
                    if (viewName == null) {
                        problem(ip + ".view", "is required: the feature view's name");
                        ok = false;
                        continue;
                    }
                } else {
                    problem(ip, "expected a feature view name or {view: name, features: [..]}, got " + item);
                    ok = false;
                    continue;
                }
                FeatureViewDefinition view = byName.get(viewName);
                if (view == null) {
                    problem(ip, "unknown feature view '" + viewName + "'; defined feature views: " + new TreeSet<>(byName.keySet()));
                    ok = false;
                    continue;
                }
                if (features == null || features.isEmpty()) {
                    if (features != null) {
                        problem(ip + ".features", "lists no features; leave it out to serve every feature of '" + viewName + "'");
                        ok = false;
                    }
                    features = view.view().featureNames();
                }
                for (String f : features) {
                    if (view.view().feature(f).isEmpty()) {
                        problem(ip + ".features", "feature view '" + viewName + "' has no feature '" + f + "'; its features: " + view.view().featureNames());
                        ok = false;
                    }
                }
                for (String jk : joinKeyMap.keySet()) {
                    if (!view.view().joinKeyNames().contains(jk)) {
                        problem(ip + ".join_key_map", "'" + jk + "' is not a join key of '" + viewName + "'; its join keys: " + view.view().joinKeyNames());
                        ok = false;
                    }
                }
                projections.add(new FeatureServiceDefinition.Projection(viewName, alias, features, joinKeyMap));
            }
            return ok ? new FeatureServiceDefinition(name, projections) : null;
        }

        EntityDefinition entity(String path, Map<String, Object> m) {
            unknownKeys(path, m, ENTITY_KEYS);
            String name = name(path, m);
            List<String> joinKeys = new ArrayList<>();
            if (m.containsKey("join_keys")) {
                joinKeys.addAll(strings(path + ".join_keys", m.get("join_keys")));
            } else if (m.get("join_key") != null) {
                joinKeys.add(String.valueOf(m.get("join_key")));
            } else if (name != null) {
                joinKeys.add(name); // Feast's default: the join key is the entity's name.
            }
            if (joinKeys.isEmpty() && m.containsKey("join_keys")) {
                problem(path + ".join_keys", "must list at least one join key, e.g. [driver_id]");
            }
            if (new HashSet<>(joinKeys).size() != joinKeys.size()) {
                problem(path + ".join_keys", "lists a join key twice: " + joinKeys);
            }
            ValueType type = null;
            Object vt = m.get("value_type");
            if (vt == null) {
                problem(path + ".value_type", "is required: the type of the join keys, one of STRING, INT64, INT32, BYTES, UNIX_TIMESTAMP");
            } else {
                Optional<ValueType> t = FeastTypes.parseValueType(String.valueOf(vt));
                if (t.isEmpty()) {
                    problem(path + ".value_type", "unknown value type '" + vt + "'; use one of STRING, INT64, INT32, BYTES, UNIX_TIMESTAMP");
                } else if (!t.get().isEntityKeyType()) {
                    problem(path + ".value_type", "'" + vt + "' cannot be a join key type; use one of STRING, INT64, INT32, BYTES, UNIX_TIMESTAMP");
                } else {
                    type = t.get();
                }
            }
            if (name == null || type == null || joinKeys.isEmpty()) return null;
            return new EntityDefinition(name, joinKeys, type);
        }

        FeatureViewDefinition view(String path, Map<String, Object> m, Map<String, EntityDefinition> entities,
                                   Map<String, SourceDefinition> pushSources) {
            unknownKeys(path, m, VIEW_KEYS);
            String name = name(path, m);
            boolean ok = name != null;

            List<String> entityNames = strings(path + ".entities", m.get("entities"));
            List<Field> joinKeys = new ArrayList<>();
            Set<String> joinKeyNames = new HashSet<>();
            for (String en : entityNames) {
                EntityDefinition e = entities.get(en);
                if (e == null) {
                    problem(path + ".entities", "unknown entity '" + en + "'; defined entities: " + new TreeSet<>(entities.keySet()));
                    ok = false;
                    continue;
                }
                for (Field f : e.joinKeyFields()) {
                    if (!joinKeyNames.add(f.name())) {
                        problem(path + ".entities", "join key '" + f.name() + "' comes from two entities");
                        ok = false;
                    } else {
                        joinKeys.add(f);
                    }
                }
            }
            if (new HashSet<>(entityNames).size() != entityNames.size()) {
                problem(path + ".entities", "lists an entity twice: " + entityNames);
                ok = false;
            }

            Duration ttl = Duration.ZERO;
            Object rawTtl = m.get("ttl");
            if (rawTtl != null) {
                try {
                    ttl = Durations.parse(String.valueOf(rawTtl));
                } catch (IllegalArgumentException e) {
                    problem(path + ".ttl", e.getMessage() + "; 0 or absent means no max age");
                    ok = false;
                }
            }

            List<Field> features = new ArrayList<>();
            Set<String> featureNames = new HashSet<>();
            Object rawSchema = m.get("schema");
            if (rawSchema == null) {
                problem(path + ".schema", "is required: a list of {name: ..., dtype: ...}");
                ok = false;
            }
            List<Map<String, Object>> schema = listOfMaps(path + ".schema", rawSchema);
            for (int i = 0; i < schema.size(); i++) {
                String fp = path + ".schema[" + i + "]";
                Map<String, Object> f = schema.get(i);
                unknownKeys(fp, f, FIELD_KEYS);
                String fname = name(fp, f);
                Object dtype = f.get("dtype");
                Optional<ValueType> type = Optional.empty();
                if (dtype == null) {
                    problem(fp + ".dtype", "is required; use " + FeastTypes.ACCEPTED);
                } else {
                    type = FeastTypes.parseDtype(String.valueOf(dtype));
                    if (type.isEmpty()) problem(fp + ".dtype", "unknown dtype '" + dtype + "'; use " + FeastTypes.ACCEPTED);
                }
                if (fname == null || type.isEmpty()) {
                    ok = false;
                    continue;
                }
                if (joinKeyNames.contains(fname)) {
                    // Feast lets the schema list entity columns; they are join keys, not features.
                    Field jk = joinKeys.stream().filter(k -> k.name().equals(fname)).findFirst().orElseThrow();
                    if (jk.type() != type.get()) {
                        problem(fp + ".dtype", "join key '" + fname + "' is " + jk.type() + " in its entity but " + dtype + " here");
                        ok = false;
                    }
                    continue;
                }
                if (fname.equals(EntityKey.DUMMY_JOIN_KEY)) {
                    problem(fp + ".name", "'" + fname + "' is reserved for Feast's dummy entity key");
                    ok = false;
                    continue;
                }
                if (!featureNames.add(fname)) {
                    problem(fp + ".name", "feature '" + fname + "' is declared twice in view '" + name + "'; feature names must be unique in a view");
                    ok = false;
                    continue;
                }
                features.add(new Field(fname, type.get()));
            }
            if (rawSchema != null && features.isEmpty() && schema.size() == 0) {
                problem(path + ".schema", "declares no features");
                ok = false;
            }

            Object rawSource = m.get("source");
            String pushSource = null;
            SourceDefinition src;
            if (rawSource instanceof String) {
                // A push source's name: pushed rows go to this view, materialization reads its batch source.
                pushSource = ((String) rawSource).trim();
                src = pushSources.get(pushSource);
                if (src == null) {
                    problem(path + ".source", "unknown push source '" + pushSource + "'; defined push sources: "
                            + new TreeSet<>(pushSources.keySet()) + " (or give {path: ..., timestamp_field: ...})");
                }
            } else {
                src = fileSource(path + ".source", rawSource);
            }
            if (src == null) ok = false;
            if (!ok) return null;
            return new FeatureViewDefinition(new FeatureView(name, entityNames, joinKeys, features, ttl), src, pushSource);
        }

        /** A file source {path, timestamp_field, created_timestamp_column}; null (with the problems noted) when invalid. */
        SourceDefinition fileSource(String path, Object raw) {
            if (!(raw instanceof Map)) {
                problem(path, "is required: {path: data/file.parquet, timestamp_field: event_timestamp}");
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) raw;
            unknownKeys(path, s, SOURCE_KEYS);
            Object sp = s.get("path");
            Object ts = s.get("timestamp_field");
            Object created = s.get("created_timestamp_column");
            if (sp == null || String.valueOf(sp).isBlank()) {
                problem(path + ".path", "is required: a Parquet or CSV file relative to the repository");
            }
            if (ts == null || String.valueOf(ts).isBlank()) {
                problem(path + ".timestamp_field", "is required: the event-time column, e.g. event_timestamp");
            }
            if (sp != null && ts != null && !String.valueOf(sp).isBlank() && !String.valueOf(ts).isBlank()) {
                return new SourceDefinition(String.valueOf(sp), String.valueOf(ts), created == null ? null : String.valueOf(created),
                        s.get("name") == null ? null : String.valueOf(s.get("name")).trim());
            }
            return null;
        }

        String name(String path, Map<String, Object> m) {
            Object n = m.get("name");
            if (n == null || String.valueOf(n).isBlank()) {
                problem(path + ".name", "is required");
                return null;
            }
            String s = String.valueOf(n).trim();
            if (!s.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
                problem(path + ".name", "'" + s + "' is not valid; use letters, digits, '_', '-' and '.'");
                return null;
            }
            return s;
        }

        List<String> strings(String path, Object raw) {
            List<String> out = new ArrayList<>();
            if (raw == null) return out;
            if (raw instanceof Collection) {
                for (Object o : (Collection<?>) raw) {
                    if (o == null || o instanceof Map || o instanceof Collection) {
                        problem(path, "expected a list of names, got " + raw);
                        return new ArrayList<>();
                    }
                    out.add(String.valueOf(o).trim());
                }
            } else if (raw instanceof String) {
                out.add(((String) raw).trim());
            } else {
                problem(path, "expected a list of names, got " + raw);
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listOfMaps(String path, Object raw) {
            List<Map<String, Object>> out = new ArrayList<>();
            if (raw == null) return out;
            if (!(raw instanceof List)) {
                problem(path, "expected a list of mappings");
                return out;
            }
            List<?> list = (List<?>) raw;
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map) {
                    out.add(new LinkedHashMap<>((Map<String, Object>) list.get(i)));
                } else {
                    problem(path + "[" + i + "]", "expected a mapping, got " + list.get(i));
                }
            }
            return out;
        }

        void unknownKeys(String path, Map<String, Object> m, Set<String> allowed) {
            for (String k : m.keySet()) {
                if (!allowed.contains(k)) {
                    problem(path, "unknown key '" + k + "'; valid keys: " + new TreeSet<>(allowed));
                }
            }
        }
    }
}
