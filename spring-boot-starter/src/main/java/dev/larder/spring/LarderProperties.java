package dev.larder.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code larder.*}: where the feature repository is, and overrides of its {@code feature_store.yaml}
 * serving and cache options. A property left unset keeps the repository's value (or Larder's default).
 * The javadoc of each field is the description IDEs show (spring-configuration-metadata.json).
 */
@ConfigurationProperties(prefix = "larder")
public class LarderProperties {
    /**
     * The feature repository directory: the folder holding feature_store.yaml (which names the online store and
     * the registry). Relative paths resolve against the application's working directory.
     */
    private String repo;

    private final Serving serving = new Serving();
    private final Cache cache = new Cache();
    private final Health health = new Health();

    public String getRepo() {
        return repo;
    }

    public void setRepo(String repo) {
        this.repo = repo;
    }

    public Serving getServing() {
        return serving;
    }

    public Cache getCache() {
        return cache;
    }

    public Health getHealth() {
        return health;
    }

    /** Overrides of feature_store.yaml's serving: section. */
    public static class Serving {
        /** Threads reading blocking stores (SQLite, Cassandra); serving.read_threads, default 16. */
        private Integer readThreads;
        /** View reads in flight at once; beyond it a read waits for a slot until the deadline. serving.max_concurrent_reads, default 256. */
        private Integer maxConcurrentReads;
        /** The deadline of one online read, e.g. 500ms; serving.request_timeout, default 5s. */
        private Duration requestTimeout;

        public Integer getReadThreads() {
            return readThreads;
        }

        public void setReadThreads(Integer readThreads) {
            this.readThreads = readThreads;
        }

        public Integer getMaxConcurrentReads() {
            return maxConcurrentReads;
        }

        public void setMaxConcurrentReads(Integer maxConcurrentReads) {
            this.maxConcurrentReads = maxConcurrentReads;
        }

        public Duration getRequestTimeout() {
            return requestTimeout;
        }

        public void setRequestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
        }
    }

    /**
     * Overrides of feature_store.yaml's online_cache: defaults (every view). Views listed under online_cache.views
     * in feature_store.yaml keep their own settings.
     */
    public static class Cache {
        /** Cache rows of every view in process; online_cache.enabled, default false. */
        private Boolean enabled;
        /** Entity keys kept per view; online_cache.max_entries, default 100000. */
        private Long maxEntries;
        /** How long a cached row is served, e.g. 60s; online_cache.expire_after_write, default 60s. */
        private Duration expireAfterWrite;
        /** Also remember keys the store does not have; online_cache.cache_not_found, default false. */
        private Boolean cacheNotFound;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Long getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(Long maxEntries) {
            this.maxEntries = maxEntries;
        }

        public Duration getExpireAfterWrite() {
            return expireAfterWrite;
        }

        public void setExpireAfterWrite(Duration expireAfterWrite) {
            this.expireAfterWrite = expireAfterWrite;
        }

        public Boolean getCacheNotFound() {
            return cacheNotFound;
        }

        public void setCacheNotFound(Boolean cacheNotFound) {
            this.cacheNotFound = cacheNotFound;
        }
    }

    /** The Actuator health indicator ("larder"; management.health.larder.enabled switches it off). */
    public static class Health {
        /** How long the health probe (one read of one key) may take before the store is reported DOWN; default the request timeout, at most 5s. */
        private Duration timeout;

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }
}
