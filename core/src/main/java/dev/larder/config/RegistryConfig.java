package dev.larder.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code registry:} of feature_store.yaml, as Feast reads it: a path string, or a mapping with
 * {@code registry_type} ({@code file} or {@code sql}), {@code path} and {@code cache_ttl_seconds}.
 *
 * @param kind     which registry format: Larder's JSON file, Feast's file registry or Feast's SQL registry
 * @param file     the registry file (LARDER_JSON, FEAST_FILE); null for FEAST_SQL
 * @param sql      the SQL registry's database (FEAST_SQL); null otherwise
 * @param cacheTtl how often a long-running FeatureStore re-reads the registry; zero = never
 */
public record RegistryConfig(Kind kind, Path file, SqlRegistryUrl sql, Duration cacheTtl) {
    /** Feast's default {@code cache_ttl_seconds}. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(600);

    public enum Kind {
        /** Larder's own {@code registry.json}, written by {@code larder apply} from features.yaml. */
        LARDER_JSON("Larder registry"),
        /** Feast's file registry: the bytes of one serialized {@code feast.core.Registry}. */
        FEAST_FILE("Feast file registry"),
        /** Feast's SQL registry ({@code SqlRegistry}): one row per object, on SQLite or PostgreSQL. */
        FEAST_SQL("Feast SQL registry");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public RegistryConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        if ((kind == Kind.FEAST_SQL) != (sql != null) || (kind != Kind.FEAST_SQL) != (file != null)) {
            throw new IllegalArgumentException("A " + kind.label() + " needs " + (kind == Kind.FEAST_SQL ? "a database URL" : "a file"));
        }
    }

    /** A file registry: Larder's JSON for {@code .json} files, Feast's binary format otherwise (Feast names it {@code registry.db}). */
    public static RegistryConfig file(Path file, Duration cacheTtl) {
        boolean json = file.getFileName() != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
        return new RegistryConfig(json ? Kind.LARDER_JSON : Kind.FEAST_FILE, file, null, cacheTtl);
    }

    public static RegistryConfig sql(SqlRegistryUrl url, Duration cacheTtl) {
        return new RegistryConfig(Kind.FEAST_SQL, null, url, cacheTtl);
    }

    public boolean isFeast() {
        return kind != Kind.LARDER_JSON;
    }

    /** What and where, for messages: "Feast SQL registry postgresql://feast@db:5432/feast" (never a password). */
    public String describe() {
        return kind.label() + " " + (file != null ? file.toString() : sql.toString());
    }

    @Override
    public String toString() {
        return describe();
    }
}
