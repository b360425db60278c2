package dev.larder.store.redis;

import dev.larder.spi.Secret;
import dev.larder.spi.StoreOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@code online_store: {type: redis}}, with Feast's names.
 *
 * @param redisType      {@code redis_type}: {@code redis} (one server, the default), {@code redis_cluster} or
 *                       {@code redis_sentinel}
 * @param nodes          the {@code host:port} parts of {@code connection_string} (default {@code localhost:6379},
 *                       Feast's): the server, the cluster's seed nodes, or the sentinels
 * @param ssl            {@code ssl=true} in the connection string (default false)
 * @param username       {@code username=…} in the connection string, for Redis ACLs (default none)
 * @param password       {@code password=…} in the connection string (default none); never shown
 * @param database       {@code db=N} in the connection string (default 0; Cluster only has 0)
 * @param sentinelMaster {@code sentinel_master}: the master name the sentinels know (default {@code mymaster}, Feast's)
 * @param keyTtl         {@code key_ttl_seconds}: EXPIRE set on every key written; {@link Duration#ZERO} (the
 *                       default, also for 0) means keys never expire
 * @param connectTimeout {@code connect_timeout}: TCP connect and handshake (default 5 s)
 * @param commandTimeout {@code command_timeout}: how long any command may take, including while the
 *                       client reconnects after losing the server (default 5 s)
 */
public record RedisStoreConfig(RedisType redisType, List<HostPort> nodes, boolean ssl, Optional<String> username,
                               Optional<Secret> password, int database, String sentinelMaster, Duration keyTtl,
                               Duration connectTimeout, Duration commandTimeout) {

    public static final String DEFAULT_CONNECTION_STRING = "localhost:6379";
    public static final String DEFAULT_SENTINEL_MASTER = "mymaster";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

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
    }

    /** A plain single-server configuration with the defaults, e.g. for benchmarks. */
    public static RedisStoreConfig standalone(String host, int port) {
        return new RedisStoreConfig(RedisType.REDIS, List.of(new HostPort(host, port)), false, Optional.empty(), Optional.empty(), 0,
                DEFAULT_SENTINEL_MASTER, Duration.ZERO, DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT);
    }

    /** Reads and checks every option; all problems are reported at once. */
    public static RedisStoreConfig from(StoreOptions options) {
        String typeName = options.choice("redis_type", "redis", "redis", "redis_cluster", "redis_sentinel");
        RedisType type = RedisType.valueOf(typeName.toUpperCase(Locale.ROOT));
        Optional<Secret> connection = options.secret("connection_string");
        boolean masterSet = options.isSet("sentinel_master");
        String master = options.string("sentinel_master", DEFAULT_SENTINEL_MASTER).trim();
        long ttl = options.longValue("key_ttl_seconds", 0, 0, Integer.MAX_VALUE);
        Duration connect = options.duration("connect_timeout", DEFAULT_CONNECT_TIMEOUT);
        Duration command = options.duration("command_timeout", DEFAULT_COMMAND_TIMEOUT);

        Parsed p = parse(connection.map(Secret::reveal).orElse(DEFAULT_CONNECTION_STRING), type, options);
        if (masterSet && type != RedisType.REDIS_SENTINEL) {
            options.problem("sentinel_master", "is only used with redis_type: redis_sentinel (redis_type is " + type.option() + ")");
        }
        if (type == RedisType.REDIS_SENTINEL && master.isEmpty()) {
            options.problem("sentinel_master", "must name the master the sentinels monitor");
        }
        if (connect.isZero()) options.problem("connect_timeout", "must be longer than 0");
        if (command.isZero()) options.problem("command_timeout", "must be longer than 0");
        options.validate();
        return new RedisStoreConfig(type, p.nodes, p.ssl, p.username, p.password, p.db, master, Duration.ofSeconds(ttl),
                connect, command);
    }

    private static final class Parsed {
        final List<HostPort> nodes = new ArrayList<>();
        boolean ssl;
        Optional<String> username = Optional.empty();
        Optional<Secret> password = Optional.empty();
        int db;
    }

    /**
     * Feast's format {@code host:port[,host:port…][,ssl=true][,password=…][,db=N]}. Problems go to
     * {@code options}; they name the part at fault, never the password.
     */
    private static Parsed parse(String text, RedisType type, StoreOptions options) {
        Parsed p = new Parsed();
        String key = "connection_string";
        String[] parts = text.split(",");
        for (int index = 0; index < parts.length; index++) {
            String part = parts[index].trim();
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            if (eq < 0) {
                HostPort hp = hostPort(part);
                if (hp == null) {
                    // Not echoed: a stray part may be a fragment of a password that contains a comma.
                    options.problem(key, "part " + (index + 1) + " (value hidden) is not host:port (a port from 1 to 65535; IPv6 as [::1]:6379)");
                } else {
                    p.nodes.add(hp);
                }
                continue;
            }
            String name = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).trim();
            switch (name) {
                case "ssl":
                    if (value.equalsIgnoreCase("true")) p.ssl = true;
                    else if (value.equalsIgnoreCase("false")) p.ssl = false;
                    else options.problem(key, "ssl='" + value + "' is not valid; expected true or false");
                    break;
                case "password":
                    p.password = value.isEmpty() ? Optional.empty() : Optional.of(new Secret(value));
                    break;
                case "username":
                    p.username = value.isEmpty() ? Optional.empty() : Optional.of(value);
                    break;
                case "db":
                    if (!value.matches("\\d{1,5}")) {
                        options.problem(key, "db='" + value + "' is not valid; expected a database number from 0");
                    } else {
                        p.db = Integer.parseInt(value);
                    }
                    break;
                case "skip_full_coverage_check":
                    break; // a redis-py cluster setting Feast documents; Lettuce always checks coverage lazily
                default:
                    options.problem(key, "unknown parameter '" + name + "'; allowed: ssl, password, username, db, skip_full_coverage_check");
            }
        }
        if (p.nodes.isEmpty()) {
            options.problem(key, "names no host:port");
            p.nodes.add(new HostPort("localhost", 6379));
        }
        if (type == RedisType.REDIS && p.nodes.size() > 1) {
            options.problem(key, "names " + p.nodes.size() + " servers " + p.nodes + "; redis_type redis takes one (use redis_cluster or redis_sentinel for several)");
        }
        if (type == RedisType.REDIS_CLUSTER && p.db != 0) {
            options.problem(key, "db=" + p.db + " is not possible with redis_type redis_cluster; Redis Cluster has only database 0");
        }
        return p;
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

    /** Where the store connects, for messages: no password. */
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

    /** Never shows the password. */
    @Override
    public String toString() {
        return "RedisStoreConfig{" + redisType.option() + " " + nodesText() + (ssl ? " ssl" : "") + username.map(u -> " user=" + u).orElse("")
                + (password.isPresent() ? " password=****" : "") + (database != 0 ? " db=" + database : "")
                + (redisType == RedisType.REDIS_SENTINEL ? " master=" + sentinelMaster : "")
                + (keyTtl.isZero() ? "" : " key_ttl=" + keyTtl.getSeconds() + "s")
                + " connect_timeout=" + connectTimeout.toMillis() + "ms command_timeout=" + commandTimeout.toMillis() + "ms}";
    }
}
