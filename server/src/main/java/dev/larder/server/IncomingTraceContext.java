package dev.larder.server;

import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Continues a caller's W3C trace context ({@code traceparent}, {@code tracestate}) on HTTP and
 * gRPC alike (gRPC metadata travels as HTTP/2 headers): the facade's request span, started on the
 * calling thread, becomes a child of the caller's span. W3C's propagator is part of the
 * OpenTelemetry API, so this works whichever SDK the host installs, and costs a header lookup
 * when none is.
 */
final class IncomingTraceContext {
    private static final TextMapGetter<RequestHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestHeaders headers) {
            List<String> names = new ArrayList<>();
            headers.names().forEach(n -> names.add(n.toString()));
            return names;
        }

        @Override
        public String get(RequestHeaders headers, String key) {
            return headers == null ? null : headers.get(key);
        }
    };

    private IncomingTraceContext() {
    }

    /** The context the caller sent with this request (the current one when it sent none). */
    static Context of(RequestHeaders headers) {
        return W3CTraceContextPropagator.getInstance().extract(Context.current(), headers, HEADERS);
    }

    /** Runs {@code work} with the current Armeria request's incoming trace context made current. */
    static <T> T within(Supplier<T> work) {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        if (ctx == null) return work.get();
        try (Scope ignored = of(ctx.request().headers()).makeCurrent()) {
            return work.get();
        }
    }
}
