package dev.larder.server;

import dev.larder.StoreHealth;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import dev.larder.FeatureStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.registry.Repository;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * {@code larder serve}: Feast's feature-server API over one {@link FeatureStore}, shared by all
 * requests: HTTP/JSON (HTTP/1.1 and HTTP/2) and gRPC on one port, or with TLS, HTTPS and gRPC over TLS only.
 *
 * <pre>{@code
 * try (FeatureServer server = FeatureServer.start(Repository.open(repo), ServerOptions.defaults())) {
 *     System.out.println(server.startupLine());
 *     server.whenClosed().join();
 * }
 * }</pre>
 */
public final class FeatureServer implements AutoCloseable {
    /** Quiet time a stopping server waits for new requests before closing (requests in flight always finish, up to the shutdown timeout). */
    static final Duration SHUTDOWN_QUIET_PERIOD = Duration.ofMillis(300);

    private final Server server;
    private final FeatureStore store;
    private final StoreHealth health;
    private final String storeType;
    private final ServerOptions options;
    private final boolean ownsStore;
    private final ServerMeters meters;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    private FeatureServer(Repository repo, FeatureStore store, boolean ownsStore, ServerOptions options) {
        this.store = store;
        this.ownsStore = ownsStore;
        this.options = options;
        this.storeType = repo.config().onlineStoreType();
        this.meters = new ServerMeters(store.meterRegistry());
        this.health = new StoreHealth(store, storeType, min(options.requestTimeout(), Duration.ofSeconds(5)));
        OnlineRequests requests = new OnlineRequests(store, options.maxEntityRows());

        // The definitions of the served views, for what the facade does not carry: sources and push sources.
        Map<String, FeatureViewDefinition> definitions = new LinkedHashMap<>();
        for (FeatureViewDefinition d : repo.appliedRegistry().definitions().views()) {
            if (store.featureViews().containsKey(d.name())) definitions.put(d.name(), d);
        }
        OnlineWrites writes = new OnlineWrites(store, storeType);
        MaterializeHandler materialize = new MaterializeHandler(repo, store, storeType);

        Map<String, HttpService> post = new LinkedHashMap<>();
        post.put(OnlineFeaturesHandler.PATH, new JsonService(new OnlineFeaturesHandler(store, requests)));
        post.put(PushHandler.PATH, new JsonService(new PushHandler(definitions, writes, options.maxEntityRows())));
        post.put(WriteToOnlineStoreHandler.PATH, new JsonService(new WriteToOnlineStoreHandler(definitions, writes, options.maxEntityRows())));
        post.put(MaterializeHandler.PATH, new JsonService(materialize.interval(), true));
        post.put(MaterializeHandler.INCREMENTAL_PATH, new JsonService(materialize.incremental(), true));

        ServerBuilder sb = Server.builder()
                .meterRegistry(meters.registry())
                .maxRequestLength(options.maxRequestBytes())
                .requestTimeout(options.requestTimeout())
                .gracefulShutdownTimeout(SHUTDOWN_QUIET_PERIOD, options.shutdownTimeout().plus(SHUTDOWN_QUIET_PERIOD))
                .errorHandler(new JsonErrors(storeType, new java.util.TreeSet<>(paths(post))));
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        if (options.tls()) {
            sb.port(address, SessionProtocol.HTTPS).tls(options.tlsCert().toFile(), options.tlsKey().toFile());
        } else {
            sb.port(address, SessionProtocol.HTTP);
        }
        // Counts requests in flight (tests and graceful shutdown reports read it).
        sb.decorator((delegate, ctx, req) -> {
            inFlight.incrementAndGet();
            ctx.log().whenComplete().thenRun(inFlight::decrementAndGet);
            return delegate.serve(ctx, req);
        });
        // Armeria's request meters (armeria.server.requests, .request.duration, ... tagged by route and status), beside Larder's.
        sb.decorator(MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("armeria.server")));
        post.forEach((path, service) -> sb.route().post(path).build(service));
        // gRPC on the same port: Feast's ServingService, the standard health check, and reflection for tools such as grpcurl.
        sb.service(GrpcService.builder()
                .addService(new GrpcServingService(store, requests, storeType, options.requestTimeout()))
                .addService(new GrpcHealthService(health))
                // Reflection v1alpha: what every grpcurl release reads (newer ones fall back to it); Armeria takes one reflection service.
                .addService(reflection())
                .enableUnframedRequests(true) // POST /feast.serving.ServingService/GetOnlineFeatures with a JSON body works from curl
                .useBlockingTaskExecutor(true)
                .maxRequestMessageLength((int) Math.min(Integer.MAX_VALUE, options.maxRequestBytes()))
                .build());
        sb.route().get(HealthHandler.PATH).build(new HealthHandler(health, storeType));
        sb.route().get(MetricsService.PATH).build(new MetricsService(meters.registry()));
        this.server = sb.build();
    }

    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService reflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    private static java.util.Set<String> paths(Map<String, HttpService> post) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(post.keySet());
        all.add(HealthHandler.PATH);
        all.add(MetricsService.PATH);
        return all;
    }

    /**
     * Opens the repository's online store and serves its applied feature views, with the facade's
     * meters in a Prometheus registry of its own (rendered at {@code GET /metrics}); the store is
     * closed when the server stops.
     */
    public static FeatureServer start(Repository repo, ServerOptions options) {
        repo.appliedRegistry(); // fails clearly before anything starts when nothing is applied
        FeatureStore store = FeatureStore.builder().repository(repo.config().repoPath())
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).build();
        try {
            return start(repo, store, true, options);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Serves a facade the caller built (and closes, unless {@code ownsStore}). {@code GET /metrics}
     * shows its meters when its registry is a Prometheus one or a composite (Micrometer's global
     * registry, the default), see {@link ServerMeters}.
     */
    public static FeatureServer start(Repository repo, FeatureStore store, boolean ownsStore, ServerOptions options) {
        FeatureServer s = new FeatureServer(Objects.requireNonNull(repo), Objects.requireNonNull(store), ownsStore, options);
        s.server.start().join();
        return s;
    }

    /** The port listened on (the chosen one when the options said 0). */
    public int port() {
        return server.activeLocalPort();
    }

    /** {@code http://host:port} (or https). */
    public String url() {
        return (options.tls() ? "https" : "http") + "://" + hostForUrl(options.host()) + ":" + port();
    }

    public String storeType() {
        return storeType;
    }

    /** The one line {@code larder serve} prints when it is ready: where it listens and what it serves. */
    public String startupLine() {
        return "Serving project '" + store.project() + "' (" + store.featureViews().size() + " feature view"
                + (store.featureViews().size() == 1 ? "" : "s") + ") from the " + storeType + " online store at " + url()
                + " (HTTP/JSON and gRPC" + (options.tls() ? " over TLS" : "") + ")";
    }

    /** Requests received and not yet answered. */
    public int requestsInFlight() {
        return inFlight.get();
    }

    /** Completes when the server has stopped and the store is closed. */
    public CompletableFuture<Void> whenClosed() {
        return closed;
    }

    /**
     * Stops accepting connections, lets requests in flight finish (up to the shutdown timeout),
     * then closes the store. Safe to call more than once and from a shutdown hook.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed.isDone()) return;
            try {
                server.stop().join();
            } finally {
                health.close();
                meters.close();
                if (ownsStore) store.close();
                closed.complete(null);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
