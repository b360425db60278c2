package dev.larder.store.cassandra;

import dev.larder.spi.Secret;
import dev.larder.spi.StoreOptions;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Options of {@code online_store: {type: cassandra}}, with Feast's names.
 *
 * @param hosts             contact points (required): host names or addresses, optionally {@code host:port}
 * @param port              CQL port of hosts given without one (default 9042)
 * @param keyspace          the keyspace holding every table (default {@code feast_keyspace})
 * @param username          user for password authentication; with {@code password}, or neither
 * @param password          its password (secret: never logged nor shown)
 * @param protocolVersion   CQL native protocol version, 4 or 5; empty to negotiate (default)
 * @param requestTimeout    how long one request may take before it fails (default 10 s, the Python driver's default Feast uses)
 * @param localDc           {@code load_balancing.local_dc}: the data center whose nodes serve requests (default {@code datacenter1})
 * @param readConcurrency   partition reads in flight per read call, as queries of {@code read_batch_size} keys (default 100)
 * @param writeConcurrency  partition batches in flight per write call (default 100)
 * @param createKeyspace    whether {@code update} creates the keyspace when missing (default false, like Feast)
 * @param replicationFactor replicas in {@code local_dc} of a keyspace {@code update} creates (NetworkTopologyStrategy; default 3)
 * @param keyTtlSeconds     cells written expire this many seconds after the write ({@code USING TTL}); 0 = never (default)
 * @param readBatchSize     entity keys per read query ({@code entity_key IN ?}), for reads and the read before a write (default 20)
 * @param writeTimestamp    how cells' write timestamps are chosen (default {@link WriteTimestamp#NOW}, safe beside Feast's writers)
 */
public record CassandraStoreConfig(List<String> hosts, int port, String keyspace, Optional<String> username, Optional<Secret> password,
                                   Optional<Integer> protocolVersion, Duration requestTimeout, String localDc,
                                   int readConcurrency, int writeConcurrency, boolean createKeyspace, int replicationFactor,
                                   int keyTtlSeconds, int readBatchSize, WriteTimestamp writeTimestamp) {
    public static final int DEFAULT_PORT = 9042;
    public static final String DEFAULT_KEYSPACE = "feast_keyspace";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final String DEFAULT_LOCAL_DC = "datacenter1";
    public static final int DEFAULT_CONCURRENCY = 100;
    public static final int DEFAULT_REPLICATION_FACTOR = 3;
    public static final int DEFAULT_READ_BATCH_SIZE = 20;
    /** A multi-partition IN fans out from one coordinator: keep each query's share of the cluster modest. */
    public static final int MAX_READ_BATCH_SIZE = 1000;
    /** Cassandra's maximum TTL: 20 years. */
    public static final int MAX_TTL_SECONDS = 630_720_000;
    /** Feast's accepted policy names; the Java driver's default policy is both token- and DC-aware. */
    static final String[] LOAD_BALANCING_POLICIES = {"DCAwareRoundRobinPolicy", "TokenAwarePolicy(DCAwareRoundRobinPolicy)"};

    /** Cassandra keyspace names: letters, digits and underscores, at most 48. */
    private static final Pattern KEYSPACE = Pattern.compile("[A-Za-z0-9_]{1,48}");

    public CassandraStoreConfig {
        hosts = List.copyOf(hosts);
    }

    public static CassandraStoreConfig from(StoreOptions options) {
        List<String> hosts = options.stringList("hosts", List.of());
        if (hosts.isEmpty()) {
            options.problem("hosts", "is required for the cassandra store: a list of contact points, e.g. [cassandra-1.example.com, 10.0.0.7]");
        }
        int port = options.integer("port", DEFAULT_PORT, 1, 65535);
        String keyspace = options.string("keyspace", DEFAULT_KEYSPACE);
        if (!KEYSPACE.matcher(keyspace).matches()) {
            options.problem("keyspace", "'" + keyspace + "' is not valid; a Cassandra keyspace name has 1 to 48 letters, digits or underscores");
            keyspace = DEFAULT_KEYSPACE;
        }
        Optional<String> username = options.string("username");
        Optional<Secret> password = options.secret("password");
        if (username.isPresent() != password.isPresent()) {
            options.problem(username.isPresent() ? "password" : "username",
                    "username and password must be given together (both or neither)");
        }
        Optional<Integer> protocol = Optional.empty();
        if (options.isSet("protocol_version")) {
            int v = options.integer("protocol_version", 4, 4, 5);
            protocol = Optional.of(v);
        }
        Duration timeout = options.duration("request_timeout", DEFAULT_REQUEST_TIMEOUT);
        if (timeout.isZero()) {
            options.problem("request_timeout", "must be positive, e.g. 2s");
            timeout = DEFAULT_REQUEST_TIMEOUT;
        }
        StoreOptions lb = options.section("load_balancing");
        String localDc = lb.string("local_dc", DEFAULT_LOCAL_DC);
        if (localDc.isBlank()) {
            lb.problem("local_dc", "must name a data center, e.g. datacenter1");
            localDc = DEFAULT_LOCAL_DC;
        }
        lb.choice("load_balancing_policy", LOAD_BALANCING_POLICIES[1], LOAD_BALANCING_POLICIES);
        int readConcurrency = options.integer("read_concurrency", DEFAULT_CONCURRENCY, 1, 1024);
        int writeConcurrency = options.integer("write_concurrency", DEFAULT_CONCURRENCY, 1, 1024);
        boolean createKeyspace = options.bool("create_keyspace", false);
        int rf = options.integer("replication_factor", DEFAULT_REPLICATION_FACTOR, 1, 100);
        int ttl = options.integer("key_ttl_seconds", 0, 0, MAX_TTL_SECONDS);
        int readBatchSize = options.integer("read_batch_size", DEFAULT_READ_BATCH_SIZE, 1, MAX_READ_BATCH_SIZE);
        WriteTimestamp writeTimestamp = WriteTimestamp.from(options.choice("write_timestamp", WriteTimestamp.NOW.option(), WriteTimestamp.options()));
        options.validate();
        return new CassandraStoreConfig(hosts, port, keyspace, username, password, protocol, timeout, localDc,
                readConcurrency, writeConcurrency, createKeyspace, rf, ttl, readBatchSize, writeTimestamp);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "CassandraStoreConfig{hosts=" + hosts + ", port=" + port + ", keyspace=" + keyspace + ", username=" + username.orElse("(none)")
                + ", password=" + (password.isPresent() ? "****" : "(none)") + ", protocolVersion=" + protocolVersion.map(String::valueOf).orElse("negotiated")
                + ", requestTimeout=" + requestTimeout + ", localDc=" + localDc + ", readConcurrency=" + readConcurrency
                + ", writeConcurrency=" + writeConcurrency + ", createKeyspace=" + createKeyspace + ", replicationFactor=" + replicationFactor
                + ", keyTtlSeconds=" + keyTtlSeconds + ", readBatchSize=" + readBatchSize + ", writeTimestamp=" + writeTimestamp.option() + "}";
    }
}
