package dev.larder.read;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * Traces online reads through the OpenTelemetry API: a span per request (a child of whatever
 * span is current, e.g. the server's, which continues the caller's W3C trace context) and a child
 * span per view read with the store type and key count. Without an OpenTelemetry SDK the API is a
 * no-op and costs next to nothing.
 */
public final class ReadTracing {
    static final AttributeKey<String> STORE = AttributeKey.stringKey("larder.store");
    static final AttributeKey<String> VIEW = AttributeKey.stringKey("larder.view");
    static final AttributeKey<Long> KEYS = AttributeKey.longKey("larder.keys");
    static final AttributeKey<Long> ROWS = AttributeKey.longKey("larder.entity_rows");
    static final AttributeKey<Long> CACHE_HITS = AttributeKey.longKey("larder.cache_hits");

    private final OpenTelemetry otel;
    private volatile Tracer tracer;
    private final String storeType;

    /**
     * @param otel the OpenTelemetry to trace with; null means {@code GlobalOpenTelemetry}, looked up
     *             at the first request rather than here, so that an application that installs its
     *             SDK after building the FeatureStore (but before serving) is still traced
     */
    public ReadTracing(OpenTelemetry otel, String storeType) {
        this.otel = otel;
        this.storeType = storeType;
    }

    private Tracer tracer() {
        Tracer t = tracer;
        if (t == null) {
            t = (otel != null ? otel : io.opentelemetry.api.GlobalOpenTelemetry.get()).getTracer("dev.larder");
            tracer = t;
        }
        return t;
    }

    public Span startRequest(int entityRows) {
        return tracer().spanBuilder("larder.get_online_features").setSpanKind(SpanKind.INTERNAL)
                .setAttribute(STORE, storeType).setAttribute(ROWS, (long) entityRows).startSpan();
    }

    public Span startViewRead(Span parent, String view, int keys) {
        return tracer().spanBuilder("larder.read " + view).setParent(Context.current().with(parent))
                .setAttribute(STORE, storeType).setAttribute(VIEW, view).setAttribute(KEYS, (long) keys).startSpan();
    }

    public static void end(Span span, Throwable error) {
        if (error != null) {
            span.recordException(error);
            span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        }
        span.end();
    }
}
