package dev.larder.server;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.common.HttpRequest;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics}: every meter of the served facade (Larder's {@code larder.*} meters) and
 * of the server (Armeria's {@code armeria.server.*} request meters) in Prometheus' text format, as
 * a Prometheus server scrapes it. Rendering walks the registry, so it runs off the event loop.
 */
final class MetricsService implements HttpService {
    static final String PATH = "/metrics";
    /** Prometheus' text exposition format 0.0.4, what every scraper accepts. */
    static final MediaType PROMETHEUS_TEXT = MediaType.parse("text/plain; version=0.0.4; charset=utf-8");

    private final PrometheusMeterRegistry registry;

    MetricsService(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(java.util.concurrent.CompletableFuture.supplyAsync(
                () -> HttpResponse.of(HttpStatus.OK, PROMETHEUS_TEXT, registry.scrape()), ctx.blockingTaskExecutor()));
    }
}
