package dev.larder.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;

import java.util.concurrent.CompletableFuture;

/**
 * Adapts a {@link JsonEndpoint} to Armeria: reads the whole body (bounded by the server's
 * maximum request length), then runs a blocking endpoint on the blocking-task executor so that
 * store calls never block an event loop, or a {@link JsonEndpoint.NonBlocking} one on the event
 * loop itself (no thread hand-off before the read). Failures go to {@link JsonErrors}.
 */
final class JsonService implements HttpService {
    private final JsonEndpoint blocking;
    private final JsonEndpoint.NonBlocking nonBlocking;
    private final boolean noDeadline;

    JsonService(JsonEndpoint endpoint) {
        this(endpoint, false);
    }

    /** @param noDeadline answer whenever done (materialization), instead of 504 after the request timeout */
    JsonService(JsonEndpoint endpoint, boolean noDeadline) {
        this.blocking = endpoint;
        this.nonBlocking = null;
        this.noDeadline = noDeadline;
    }

    JsonService(JsonEndpoint.NonBlocking endpoint) {
        this.blocking = null;
        this.nonBlocking = endpoint;
        this.noDeadline = false;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (noDeadline) ctx.clearRequestTimeout();
        if (nonBlocking != null) {
            // The event loop as a context-aware executor: the request context (and so its trace headers) is current in the handler.
            return HttpResponse.from(req.aggregate().thenComposeAsync(agg -> {
                CompletableFuture<JsonEndpoint.JsonReply> reply;
                try {
                    reply = nonBlocking.handle(agg.content().array(), ctx.eventLoop());
                } catch (RuntimeException e) {
                    reply = CompletableFuture.failedFuture(e);
                }
                return reply.thenApply(r -> HttpResponse.of(r.status(), r.type(), r.body()));
            }, ctx.eventLoop()));
        }
        return HttpResponse.from(req.aggregate().thenApplyAsync(agg -> {
            JsonEndpoint.JsonReply reply = blocking.handle(agg.content().array());
            return HttpResponse.of(reply.status(), reply.type(), reply.body());
        }, ctx.blockingTaskExecutor()));
    }
}
