package dev.larder.store.redis;

import dev.larder.spi.Secret;
import dev.larder.spi.StoreOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Options of {@code online_store: {type: redis}}, with Feast's names.
 *
 * <p>What is secret: the password, wherever it is given ({@code password=} in the connection
 * string or the {@code password} option), and anything in the connection string after
 * {@code password=} (with Feast's format a password containing {@code ,} spills into the next
 * parts). Hosts, ports, the user name and the other parameters are not secret: configuration
 * errors and runtime errors show them alike.
 *
 * @param redisType        {@code redis_type}: {@code redis} (one server, the default), {@code redis_cluster} or
 *                         {@code redis_sentinel}
 * @param nodes            the {@code host:port} parts of {@code connection_string} (default {@code localhost:6379},
 *                         Feast's): the server, the cluster's seed nodes, or the sentinels
 * @param ssl              {@code ssl=true} in the connection string (default false)
 * @param username         {@code username=…} in the connection string, for Redis ACLs (default none)
 * @param password         {@code password=…} in the connection string or the {@code password} option (default none)
 * @param database         {@code db=N} in the connection string (default 0; Cluster only has 0)
 * @param sentinelMaster   {@code sentinel_master}: the master name the sentinels know (default {@code mymaster}, Feast's)
 * @param keyTtl           {@code key_ttl_seconds}: EXPIRE set on every key written; {@link Duration#ZERO} (the
 *                         default, also for 0) means keys never expire
 * @param connectTimeout   {@code connect_timeout}: TCP connect and handshake (default 5 s)
 * @param commandTimeout   {@code command_timeout}: how long any command may take (default 5 s)
 * @param requestQueueSize {@code request_queue_size}: the most commands a connection holds waiting for
 *                         replies (default {@value #DEFAULT_REQUEST_QUEUE_SIZE}); more fail at once
 */
public record RedisStoreConfig(RedisType redisType, List<HostPort> nodes, boolean ssl, Optional<String> username,
                               Optional<Secret> password, int database, String sentinelMaster, Duration keyTtl,
                               Duration connectTimeout, Duration commandTimeout, int requestQueueSize) {

    public static final String DEFAULT_CONNECTION_STRING = "localhost:6379";
    public static final String DEFAULT_SENTINEL_MASTER = "mymaster";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_REQUEST_QUEUE_SIZE = 50_000;
    /** One write call keeps this many commands in flight, so the queue must hold at least that many. */
    public static final int MIN_REQUEST_QUEUE_SIZE = RedisWriter.CHUNK * RedisWriter.CHUNKS_IN_FLIGHT;

    /** The options a store of this type reads; their values are secrets. */
    public static final Set<String> SENSITIVE_OPTIONS = Set.of("connection_string", "password");

    /** The deployment kinds of {@code redis_type}. */
    public enum RedisType {
        REDIS("redis"), REDIS_CLUSTER("redis_cluster"), REDIS_SENTINEL("redis_sentinel");

        private final String option;

        RedisType(String option) {
            this.option = option;
        }

        public String option() {
            return option;
        }
    }

    /** One {@code host:port} of the connection string. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public RedisStoreConfig {
        Objects.requireNonNull(redisType, "redisType");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) throw new IllegalArgumentException("A Redis store needs at least one host:port");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sentinelMaster, "sentinelMaster");
        keyTtl = keyTtl == null ? Duration.ZERO : keyTtl;
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (requestQueueSize < MIN_REQUEST_QUEUE_SIZE) {
            throw new IllegalArgumentException("requestQueueSize must be at least " + MIN_REQUEST_QUEUE_SIZE + ": " + requestQueueSize);
        }
    }

    /** A plain single-server configuration with the defaults, e.g. for benchmarks. */
    public static RedisStoreConfig standalone(String host, int port) {
        return new RedisStoreConfig(RedisType.REDIS, List.of(new HostPort(host, port)), false, Optional.empty(), Optional.empty(), 0,
                DEFAULT_SENTINEL_MASTER, Duration.ZERO, DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT, DEFAULT_REQUEST_QUEUE_SIZE);
    }

    /** This configuration with another key ttl. */
    public RedisStoreConfig withKeyTtl(Duration ttl) {
        return new RedisStoreConfig(redisType, nodes, ssl, username, password, database, sentinelMaster, ttl, connectTimeout,
                commandTimeout, requestQueueSize);
    }

    /** Reads and checks every option; all problems are reported at once. */
    public static RedisStoreConfig from(StoreOptions options) {
        String typeName = options.choice("redis_type", "redis", "redis", "redis_cluster", "redis_sentinel");
        RedisType type = RedisType.valueOf(typeName.toUpperCase(Locale.ROOT));
        Optional<Secret> connection = options.secret("connection_string");
        Optional<Secret> passwordOption = options.secret("password");
        boolean masterSet = options.isSet("sentinel_master");
        String master = options.string("sentinel_master", DEFAULT_SENTINEL_MASTER).trim();
        long ttl = options.longValue("key_ttl_seconds", 0, 0, Integer.MAX_VALUE);
        Duration connect = options.duration("connect_timeout", DEFAULT_CONNECT_TIMEOUT);
        Duration command = options.duration("command_timeout", DEFAULT_COMMAND_TIMEOUT);
        int queue = options.integer("request_queue_size", DEFAULT_REQUEST_QUEUE_SIZE, MIN_REQUEST_QUEUE_SIZE, Integer.MAX_VALUE);

        ConnectionString cs = ConnectionString.parse(connection.map(Secret::reveal).orElse(DEFAULT_CONNECTION_STRING), type, options);
        Optional<Secret> password = cs.password;
        if (passwordOption.isPresent()) {
            if (passwordOption.get().reveal().isEmpty()) {
                options.problem("password", "is empty; leave the option out when the server has no password");
            } else if (cs.password.isPresent()) {
                options.problem("password", "is also given as password= in connection_string; give it once (the password option can hold any character)");
            } else {
                password = passwordOption;
            }
        }
        if (masterSet && type != RedisType.REDIS_SENTINEL) {
            options.problem("sentinel_master", "is only used with redis_type: redis_sentinel (redis_type is " + type.option() + ")");
        }
        if (type == RedisType.REDIS_SENTINEL && master.isEmpty()) {
            options.problem("sentinel_master", "must name the master the sentinels monitor");
        }
        if (connect.isZero()) options.problem("connect_timeout", "must be longer than 0");
        if (command.isZero()) options.problem("command_timeout", "must be longer than 0");
        options.validate();
        return new RedisStoreConfig(type, cs.nodes, cs.ssl, cs.username, password, cs.db, master, Duration.ofSeconds(ttl),
                connect, command, queue);
    }

    /**
     * Feast's format {@code host:port[,host:port…][,ssl=true][,username=…][,password=…][,db=N]}, hosts
     * first. Problems go to {@code options}; they show hosts and parameters, but nothing at or after
     * {@code password=}: a password containing {@code ,} continues into the next parts, which must
     * never be shown nor taken for hosts (a host after the parameters is an error, never dialled).
     */
    private static final class ConnectionString {
        static final String KEY = "connection_string";
        static final String PASSWORD_HINT = "a password containing ',' goes in the password option";

        final List<HostPort> nodes = new ArrayList<>();
        boolean ssl;
        Optional<String> username = Optional.empty();
        Optional<Secret> password = Optional.empty();
        int db;

        static ConnectionString parse(String text, RedisType type, StoreOptions options) {
            ConnectionString p = new ConnectionString();
            String[] parts = text.split(",", -1);
            boolean inParameters = false;
            boolean afterPassword = false;
            Set<String> seen = new HashSet<>();
            for (int index = 0; index < parts.length; index++) {
                String part = parts[index].trim();
                if (part.isEmpty()) continue;
                int eq = part.indexOf('=');
                String name = eq < 0 ? "" : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : part.substring(eq + 1).trim();
                if (afterPassword) {
                    // Maybe the rest of a password: whether the part is usable is said, never what it holds.
                    if (eq < 0 || name.equals("password") || p.apply(name, value, seen) != null) {
                        options.problem(KEY, "part " + (index + 1) + " (value hidden: it follows password=) is not a parameter this string allows; "
                                + "hosts come first, and " + PASSWORD_HINT);
                    }
                    continue;
                }
                String where = "part " + (index + 1) + " '" + part + "'";
                if (eq < 0) {
                    HostPort hp = hostPort(part);
                    if (hp == null) {
                        options.problem(KEY, where + " is not host:port (a port from 1 to 65535; IPv6 as [::1]:6379)");
                    } else if (inParameters) {
                        options.problem(KEY, where + " is a host after the parameters; hosts come first");
                    } else {
                        p.nodes.add(hp);
                    }
                    continue;
                }
                inParameters = true;
                if (name.equals("password")) {
                    p.password = value.isEmpty() ? Optional.empty() : Optional.of(new Secret(value));
                    afterPassword = true;
                    continue;
                }
                String problem = p.apply(name, value, seen);
                if (problem != null) options.problem(KEY, where + ": " + problem);
            }
            if (p.nodes.isEmpty()) {
                options.problem(KEY, "names no host:port (hosts come first, e.g. redis-host:6379,ssl=true)");
                p.nodes.add(new HostPort("localhost", 6379));
            }
            if (type == RedisType.REDIS && p.nodes.size() > 1) {
                options.problem(KEY, "names " + p.nodes.size() + " servers " + p.nodes + "; redis_type redis takes one (use redis_cluster or redis_sentinel for several)");
            }
            if (type == RedisType.REDIS_CLUSTER && p.db != 0) {
                options.problem(KEY, "db=" + p.db + " is not possible with redis_type redis_cluster; Redis Cluster has only database 0");
            }
            return p;
        }

        /** Applies a parameter other than the password; returns what is wrong with it, or null. */
        private String apply(String name, String value, Set<String> seen) {
            switch (name) {
                case "ssl":
                    if (value.equalsIgnoreCase("true")) ssl = true;
                    else if (value.equalsIgnoreCase("false")) ssl = false;
                    else return "ssl must be true or false";
                    break;
                case "username":
                    username = value.isEmpty() ? Optional.empty() : Optional.of(value);
                    break;
                case "db":
                    if (!value.matches("\\d{1,5}")) return "db must be a database number from 0";
                    db = Integer.parseInt(value);
                    break;
                case "skip_full_coverage_check":
                    break; // a redis-py cluster setting Feast documents; Lettuce checks coverage lazily
                default:
                    return "unknown parameter '" + name + "'; allowed: ssl, username, password, db, skip_full_coverage_check";
            }
            return seen.add(name) ? null : name + "= is given twice";
        }

        private static HostPort hostPort(String s) {
            String host;
            String port;
            if (s.startsWith("[")) {
                int close = s.indexOf("]:");
                if (close < 0) return null;
                host = s.substring(1, close);
                port = s.substring(close + 2);
            } else {
                int colon = s.lastIndexOf(':');
                if (colon <= 0 || s.indexOf(':') != colon) return null;
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            }
            if (host.isBlank() || !port.matches("\\d{1,5}")) return null;
            int n = Integer.parseInt(port);
            if (n < 1 || n > 65535) return null;
            return new HostPort(host.trim(), n);
        }
    }

    /** Where the store connects, for messages: hosts, never the password. */
    public String describe() {
        switch (redisType) {
            case REDIS_CLUSTER:
                return "Redis Cluster " + nodesText();
            case REDIS_SENTINEL:
                return "Redis master '" + sentinelMaster + "' via sentinel " + nodesText();
            default:
                return "Redis " + nodesText();
        }
    }

    private String nodesText() {
        List<String> parts = new ArrayList<>();
        for (HostPort hp : nodes) parts.add(hp.toString());
        return String.join(",", parts);
    }

    /** Never shows the password; a set password is shown as a fixed-length mask. */
    @Override
    public String toString() {
        return "RedisStoreConfig{" + redisType.option() + " " + nodesText() + (ssl ? " ssl" : "") + username.map(u -> " user=" + u).orElse("")
                + (password.isPresent() ? " password=" + password.get() : "") + (database != 0 ? " db=" + database : "")
                + (redisType == RedisType.REDIS_SENTINEL ? " master=" + sentinelMaster : "")
                + (keyTtl.isZero() ? "" : " key_ttl=" + keyTtl.getSeconds() + "s")
                + " connect_timeout=" + connectTimeout.toMillis() + "ms command_timeout=" + commandTimeout.toMillis() + "ms"
                + " request_queue_size=" + requestQueueSize + "}";
    }
}
