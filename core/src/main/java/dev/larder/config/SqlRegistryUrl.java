package dev.larder.config;

import dev.larder.spi.Secret;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The database of a Feast SQL registry, from the SQLAlchemy URL Feast takes as {@code path}:
 * {@code sqlite:///data/registry.db} (relative to the repository), {@code sqlite:////abs/registry.db},
 * or {@code postgresql://user:password@host:port/db} (also {@code postgresql+psycopg://} and
 * {@code postgresql+psycopg2://}). The password is a {@link Secret}: {@link #toString()} leaves it out.
 */
public final class SqlRegistryUrl {
    public enum Dialect { SQLITE, POSTGRESQL }

    public static final String ACCEPTED = "sqlite:///path/to/registry.db or postgresql://user:password@host:5432/database";

    private final Dialect dialect;
    private final Path sqliteFile;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final Secret password;
    private final Map<String, String> parameters;

    private SqlRegistryUrl(Dialect dialect, Path sqliteFile, String host, int port, String database, String user, Secret password,
                           Map<String, String> parameters) {
        this.dialect = dialect;
        this.sqliteFile = sqliteFile;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.parameters = Map.copyOf(parameters);
    }

    /**
     * Parses a registry URL; relative SQLite paths resolve against {@code repo}.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing a password)
     */
    public static SqlRegistryUrl parse(String url, Path repo) {
        Objects.requireNonNull(url, "url");
        String u = url.trim();
        int colon = u.indexOf("://");
        String scheme = colon < 0 ? "" : u.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("sqlite") || scheme.startsWith("sqlite+")) {
            String rest = u.substring(colon + 3);
            if (!rest.startsWith("/") || rest.length() < 2) {
                throw new IllegalArgumentException("a SQLite registry URL has three slashes before a relative path (sqlite:///data/registry.db)"
                        + " or four before an absolute one; got '" + u + "'");
            }
            String path = rest.substring(1);
            int q = path.indexOf('?');
            if (q >= 0) path = path.substring(0, q);
            if (path.equals(":memory:")) {
                throw new IllegalArgumentException("an in-memory SQLite registry (sqlite:///:memory:) holds nothing between processes; name a file");
            }
            return new SqlRegistryUrl(Dialect.SQLITE, repo.resolve(path).toAbsolutePath().normalize(), null, 0, null, null, null, Map.of());
        }
        if (scheme.equals("postgresql") || scheme.equals("postgres") || scheme.startsWith("postgresql+")) {
            URI uri;
            try {
                uri = new URI("postgresql" + u.substring(colon));
            } catch (URISyntaxException e) {
                // Not e.getMessage(): it would quote the URL, password included.
                throw new IllegalArgumentException("the PostgreSQL registry URL is malformed; expected postgresql://user:password@host:5432/database");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("the PostgreSQL registry URL names no host; expected postgresql://user:password@host:5432/database");
            }
            String db = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (db.isEmpty()) {
                throw new IllegalArgumentException("the PostgreSQL registry URL names no database; expected postgresql://user:password@host:5432/database");
            }
            String user = null;
            Secret password = null;
            String info = uri.getRawUserInfo();
            if (info != null) {
                int c = info.indexOf(':');
                user = decode(c < 0 ? info : info.substring(0, c));
                if (c >= 0) password = new Secret(decode(info.substring(c + 1)));
            }
            Map<String, String> params = new LinkedHashMap<>();
            if (uri.getRawQuery() != null) {
                for (String kv : uri.getRawQuery().split("&")) {
                    if (kv.isEmpty()) continue;
                    int eq = kv.indexOf('=');
                    params.put(decode(eq < 0 ? kv : kv.substring(0, eq)), eq < 0 ? "" : decode(kv.substring(eq + 1)));
                }
            }
            return new SqlRegistryUrl(Dialect.POSTGRESQL, null, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), decode(db),
                    user, password, params);
        }
        throw new IllegalArgumentException("unsupported SQL registry URL scheme '" + (scheme.isEmpty() ? u : scheme)
                + "'; Larder reads " + ACCEPTED);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public Dialect dialect() {
        return dialect;
    }

    public Path sqliteFile() {
        return sqliteFile;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    /** Query parameters of a PostgreSQL URL (e.g. {@code sslmode}), passed on to the driver. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** The JDBC URL, without credentials. */
    public String jdbcUrl() {
        return dialect == Dialect.SQLITE ? "jdbc:sqlite:" + sqliteFile
                : "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return dialect == Dialect.SQLITE ? "sqlite:///" + sqliteFile
                : "postgresql://" + (user == null ? "" : user + "@") + host + ":" + port + "/" + database;
    }
}
