package dev.larder.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code larder serve} listens and what it bounds. Defaults: 127.0.0.1:6566 (Feast's port),
 * plain HTTP, request bodies up to 10 MiB, 10,000 entity rows per request, a 10 s deadline per
 * request, and 30 s for requests in flight to finish at shutdown.
 *
 * @param host            the address to listen on
 * @param port            the port (0 picks a free one)
 * @param tlsCert         a PEM certificate chain; with {@code tlsKey}, the server speaks HTTPS (and gRPC over TLS) only
 * @param tlsKey          the PEM private key (PKCS#8) of that certificate
 * @param maxRequestBytes a larger request body is answered 413
 * @param maxEntityRows   more entity rows in one request (or rows in a pushed {@code df}) are answered 413
 * @param requestTimeout  a request not answered in this time is answered 504 (gRPC: DEADLINE_EXCEEDED)
 * @param shutdownTimeout how long a stopping server lets requests in flight finish
 */
public record ServerOptions(String host, int port, Path tlsCert, Path tlsKey, long maxRequestBytes, int maxEntityRows,
                            Duration requestTimeout, Duration shutdownTimeout) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 6566;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_MAX_ENTITY_ROWS = 10_000;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port " + port + " is not a port; use 0 to 65535");
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both --tls-cert and --tls-key (got only " + (tlsCert == null ? "--tls-key" : "--tls-cert") + ")");
        }
        if (maxRequestBytes < 1) throw new IllegalArgumentException("--max-request-bytes must be at least 1, got " + maxRequestBytes);
        if (maxEntityRows < 1) throw new IllegalArgumentException("--max-entity-rows must be at least 1, got " + maxEntityRows);
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("--request-timeout must be positive, got " + requestTimeout);
        }
        if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("--shutdown-timeout must not be negative, got " + shutdownTimeout);
        }
    }

    public static ServerOptions defaults() {
        return new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, null, null, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_ENTITY_ROWS,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT);
    }

    public boolean tls() {
        return tlsCert != null;
    }

    public ServerOptions withPort(int port) {
        return new ServerOptions(host, port, tlsCert, tlsKey, maxRequestBytes, maxEntityRows, requestTimeout, shutdownTimeout);
    }

    public ServerOptions withHost(String host) {
        return new ServerOptions(host, port, tlsCert, tlsKey, maxRequestBytes, maxEntityRows, requestTimeout, shutdownTimeout);
    }

    public ServerOptions withTls(Path cert, Path key) {
        return new ServerOptions(host, port, cert, key, maxRequestBytes, maxEntityRows, requestTimeout, shutdownTimeout);
    }

    public ServerOptions withLimits(long maxRequestBytes, int maxEntityRows, Duration requestTimeout) {
        return new ServerOptions(host, port, tlsCert, tlsKey, maxRequestBytes, maxEntityRows, requestTimeout, shutdownTimeout);
    }

    public ServerOptions withShutdownTimeout(Duration shutdownTimeout) {
        return new ServerOptions(host, port, tlsCert, tlsKey, maxRequestBytes, maxEntityRows, requestTimeout, shutdownTimeout);
    }
}
