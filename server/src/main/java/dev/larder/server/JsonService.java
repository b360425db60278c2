package dev.larder.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * Adapts a {@link JsonEndpoint} to Armeria: reads the whole body (bounded by the server's
 * maximum request length), then runs the endpoint on the blocking-task executor so that store
 * calls never block an event loop. Failures go to {@link JsonErrors}.
 */
final class JsonService implements HttpService {
    private final JsonEndpoint endpoint;
    private final boolean noDeadline;

    JsonService(JsonEndpoint endpoint) {
        this(endpoint, false);
    }

    /** @param noDeadline answer whenever done (materialization), instead of 504 after the request timeout */
    JsonService(JsonEndpoint endpoint, boolean noDeadline) {
        this.endpoint = endpoint;
        this.noDeadline = noDeadline;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (noDeadline) ctx.clearRequestTimeout();
        return HttpResponse.from(req.aggregate().thenApplyAsync(agg -> {
            JsonEndpoint.JsonReply reply = endpoint.handle(agg.content().array());
            return HttpResponse.of(reply.status(), reply.type(), reply.body());
        }, ctx.blockingTaskExecutor()));
    }
}
