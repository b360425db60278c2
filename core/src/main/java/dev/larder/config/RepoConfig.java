package dev.larder.config;

import dev.larder.spi.ConfigException;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.codec.EntityKeyCodec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code feature_store.yaml}, Feast's repo configuration: the project, the registry file, the
 * online store ({@code type:} selects the backend, default {@code sqlite}; the other keys are the
 * backend's options), the entity-key serialization version (only 3), materialization settings and
 * the materialization engine ({@code batch_engine:}, default {@code local}; the other keys are the
 * engine's options, checked by the engine).
 *
 * @param project              the Feast project name
 * @param repoPath             the repository directory; relative paths resolve against it
 * @param source               the file the configuration came from, for messages
 * @param registryPath         the registry file (default {@code data/registry.json})
 * @param onlineStoreType      the selected backend type
 * @param onlineStore          the backend's options
 * @param materializationBatchSize rows per write call during materialization (default 10,000)
 * @param serving              how the facade bounds online reads ({@code serving:})
 * @param registry             which registry (Larder's JSON, Feast's file or SQL registry), where, and its refresh interval
 * @param cache                the in-process cache of online rows ({@code online_cache:}; off by default)
 * @param batchEngineType          the materialization engine ({@code batch_engine.type}, default {@code local})
 * @param batchEngine              the engine's options (the other keys of {@code batch_engine:})
 */
public record RepoConfig(String project, Path repoPath, String source, Path registryPath, String onlineStoreType,
                         StoreOptions onlineStore, int materializationBatchSize, ServingConfig serving, RegistryConfig registry,
                         CacheConfig cache, String batchEngineType, StoreOptions batchEngine) {

    /** A configuration whose registry kind follows from the registry file's name (see {@link RegistryConfig#file}), without a cache, materialized by the local engine. */
    public RepoConfig(String project, Path repoPath, String source, Path registryPath, String onlineStoreType,
                      StoreOptions onlineStore, int materializationBatchSize, ServingConfig serving) {
        this(project, repoPath, source, registryPath, onlineStoreType, onlineStore, materializationBatchSize, serving,
                RegistryConfig.file(registryPath, RegistryConfig.DEFAULT_CACHE_TTL));
    }


    /** A configuration with the given registry, without a cache, materialized by the local engine. */
    public RepoConfig(String project, Path repoPath, String source, Path registryPath, String onlineStoreType,
                      StoreOptions onlineStore, int materializationBatchSize, ServingConfig serving, RegistryConfig registry) {
        this(project, repoPath, source, registryPath, onlineStoreType, onlineStore, materializationBatchSize, serving,
                registry, CacheConfig.OFF, DEFAULT_BATCH_ENGINE,
                StoreOptions.ofSection(source, "batch_engine", "the " + DEFAULT_BATCH_ENGINE + " materialization engine", Map.of()));
    }

    public static final String FILE_NAME = "feature_store.yaml";
    public static final String DEFAULT_STORE_TYPE = "sqlite";
    public static final String DEFAULT_REGISTRY = "data/registry.json";
    public static final int DEFAULT_BATCH_SIZE = 10_000;
    public static final String DEFAULT_BATCH_ENGINE = "local";

    /** Keys Feast allows that Larder accepts and does not use. */
    private static final Set<String> IGNORED = Set.of("provider", "offline_store", "feature_server", "flags", "coerce_tz_aware");
    private static final Set<String> KNOWN = Set.of("project", "registry", "online_store", "entity_key_serialization_version", "materialization",
            "batch_engine", "serving", "online_cache");

    /** Loads {@code feature_store.yaml} from a repository directory, expanding {@code ${VAR}} from the environment. */
    public static RepoConfig load(Path repo) {
        Path file = repo.resolve(FILE_NAME);
        return fromMap(repo, file.toString(), EnvironmentVariables.expand(file.toString(), YamlFiles.readMap(file), System::getenv));
    }

    public static RepoConfig fromMap(Path repo, String source, Map<String, Object> yaml) {
        List<String> problems = new ArrayList<>();
        String where = source + ": ";

        Object project = yaml.get("project");
        if (project == null || String.valueOf(project).isBlank()) {
            problems.add(where + "project: is required (a name such as my_project)");
        } else if (!String.valueOf(project).matches("[A-Za-z0-9_]+")) {
            problems.add(where + "project: '" + project + "' is not valid; use letters, digits and underscores");
        }

        RegistryConfig registryConfig = registry(repo, where, yaml.get("registry"), problems);
        Path registry = registryConfig == null || registryConfig.file() == null ? repo.resolve(DEFAULT_REGISTRY) : registryConfig.file();

        Object version = yaml.get("entity_key_serialization_version");
        if (version != null && !String.valueOf(version).equals(String.valueOf(EntityKeyCodec.SERIALIZATION_VERSION))) {
            problems.add(where + "entity_key_serialization_version: '" + version + "' is not supported; Larder reads and writes version 3 only");
        }

        TypedSection online = TypedSection.of(yaml.get("online_store"), DEFAULT_STORE_TYPE,
                where + "online_store: expected a mapping with a 'type' key", problems);
        String type = online.type();
        Map<String, Object> storeMap = online.options();

        int batchSize = DEFAULT_BATCH_SIZE;
        Object mat = yaml.get("materialization");
        if (mat instanceof Map) {
            @SuppressWarnings("unchecked")
            StoreOptions m = StoreOptions.ofSection(source, "materialization", "materialization", (Map<String, ?>) mat);
            batchSize = m.integer("batch_size", DEFAULT_BATCH_SIZE, 1, 1_000_000);
            // Feast's name for the same setting (MaterializationConfig.online_write_batch_size).
            if (m.isSet("online_write_batch_size")) {
                int feast = m.integer("online_write_batch_size", DEFAULT_BATCH_SIZE, 1, 1_000_000);
                if (m.isSet("batch_size") && feast != batchSize) {
                    m.problem("online_write_batch_size", "'" + feast + "' contradicts batch_size '" + batchSize + "'; they are the same setting, give one");
                }
                batchSize = feast;
            }
            try {
                m.validate();
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        } else if (mat != null) {
            problems.add(where + "materialization: expected a mapping such as {batch_size: 10000}");
        }

        TypedSection engine = TypedSection.of(yaml.get("batch_engine"), DEFAULT_BATCH_ENGINE,
                where + "batch_engine: expected a mapping with a 'type' key, such as {type: spark, master: \"local[*]\"}", problems);
        String engineType = engine.type();
        Map<String, Object> engineMap = engine.options();
        Map<String, Object> engineOptions = new java.util.LinkedHashMap<>(engineMap);
        engineOptions.remove("type");
        ServingConfig serving = ServingConfig.parse(source, yaml.get("serving"), problems);
        CacheConfig cache = CacheConfig.parse(source, yaml.get("online_cache"), problems);

        for (String key : yaml.keySet()) {
            if (!KNOWN.contains(key) && !IGNORED.contains(key)) {
                Set<String> valid = new TreeSet<>(KNOWN);
                valid.addAll(IGNORED);
                problems.add(where + key + ": unknown key; valid keys: " + valid);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new RepoConfig(String.valueOf(project), repo, source, registry, type,
                StoreOptions.of(source, type, storeMap), batchSize, serving, registryConfig, cache, engineType,
                StoreOptions.ofSection(source, "batch_engine", "the " + engineType + " materialization engine", engineOptions));
    }

    /** Keys of Feast's registry mapping that Larder accepts without using them. */
    private static final Set<String> REGISTRY_IGNORED = Set.of("cache_mode", "sqlalchemy_config_kwargs", "read_path", "registry_store_type",
            "thread_pool_executor_worker_count", "s3_additional_kwargs", "purge_feast_metadata", "client_id", "cert", "is_tls");
    private static final Set<String> REGISTRY_KEYS = Set.of("registry_type", "path", "cache_ttl_seconds");

    /** Feast's {@code registry:} forms: a path string, or {registry_type: file|sql, path, cache_ttl_seconds}. */
    private static RegistryConfig registry(Path repo, String where, Object reg, List<String> problems) {
        if (reg == null) {
            return RegistryConfig.file(repo.resolve(DEFAULT_REGISTRY), RegistryConfig.DEFAULT_CACHE_TTL);
        }
        String type = "file";
        Object path;
        java.time.Duration ttl = RegistryConfig.DEFAULT_CACHE_TTL;
        if (reg instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) reg;
            for (Object k : m.keySet()) {
                if (!REGISTRY_KEYS.contains(String.valueOf(k)) && !REGISTRY_IGNORED.contains(String.valueOf(k))) {
                    Set<String> valid = new TreeSet<>(REGISTRY_KEYS);
                    valid.addAll(REGISTRY_IGNORED);
                    problems.add(where + "registry." + k + ": unknown key; valid keys: " + valid);
                }
            }
            if (m.get("registry_type") != null) type = String.valueOf(m.get("registry_type")).trim();
            path = m.get("path");
            Object rawTtl = m.get("cache_ttl_seconds");
            if (rawTtl != null) {
                try {
                    long seconds = Long.parseLong(String.valueOf(rawTtl).trim());
                    if (seconds < 0) throw new NumberFormatException();
                    ttl = java.time.Duration.ofSeconds(seconds);
                } catch (NumberFormatException e) {
                    problems.add(where + "registry.cache_ttl_seconds: '" + rawTtl + "' is not a whole number of seconds >= 0 (0 = never refresh; default 600)");
                    return null;
                }
            }
        } else if (reg instanceof String) {
            path = reg;
        } else {
            problems.add(where + "registry: expected a path such as data/registry.db or a mapping {registry_type: file|sql, path: ..., cache_ttl_seconds: 600}");
            return null;
        }
        if (path == null || String.valueOf(path).isBlank()) {
            problems.add(where + "registry.path: is required (data/registry.db, or sqlite:///... / postgresql://... with registry_type: sql)");
            return null;
        }
        String p = String.valueOf(path).trim();
        switch (type) {
            case "file":
                if (p.matches("(?i)(s3|gs|gcs|az|abfss?|https?)://.*")) {
                    problems.add(where + "registry.path: '" + p + "' is a remote file; Larder reads local registry files only (copy it, or use registry_type: sql)");
                    return null;
                }
                return RegistryConfig.file(repo.resolve(p.startsWith("file://") ? p.substring("file://".length()) : p).toAbsolutePath().normalize(), ttl);
            case "sql":
                try {
                    return RegistryConfig.sql(SqlRegistryUrl.parse(p, repo), ttl);
                } catch (IllegalArgumentException e) {
                    problems.add(where + "registry.path: " + e.getMessage());
                    return null;
                }
            default:
                problems.add(where + "registry.registry_type: '" + type + "' is not supported; Larder reads registry_type file or sql"
                        + " (remote and snowflake registries are not supported)");
                return null;
        }
    }

    /** A plugin section ({@code online_store:}, {@code batch_engine:}): a type name alone, or a mapping with {@code type} and the plugin's options. */
    private record TypedSection(String type, Map<String, Object> options) {
        @SuppressWarnings("unchecked")
        static TypedSection of(Object raw, String defaultType, String malformed, List<String> problems) {
            if (raw instanceof Map) {
                Map<String, Object> m = (Map<String, Object>) raw;
                Object t = m.get("type");
                return new TypedSection(t == null ? defaultType : String.valueOf(t).trim(), m);
            }
            if (raw instanceof String) return new TypedSection(((String) raw).trim(), Map.of());
            if (raw != null) problems.add(malformed);
            return new TypedSection(defaultType, Map.of());
        }
    }
}
