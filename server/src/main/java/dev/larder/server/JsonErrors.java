package dev.larder.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.larder.json.FeastJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the HTTP side answers, as {@code {"error": ..., "detail": ...}}: the handlers'
 * {@link ApiException}s, and what Armeria itself rejects (unknown path, wrong method, a body
 * over the limit, the request deadline). A store failure is logged with its cause; a client's
 * mistake is not logged and never carries a stack trace.
 */
final class JsonErrors implements ServerErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrors.class);

    private final String storeType;
    private final java.util.Set<String> paths;

    JsonErrors(String storeType, java.util.Set<String> paths) {
        this.storeType = storeType;
        this.paths = paths;
    }

    static HttpResponse response(ApiException e) {
        return HttpResponse.of(e.status(), MediaType.JSON_UTF_8, body(e.error(), e.detail()));
    }

    static AggregatedHttpResponse aggregated(ApiException e) {
        return AggregatedHttpResponse.of(e.status(), MediaType.JSON_UTF_8, body(e.error(), e.detail()));
    }

    static byte[] body(String error, String detail) {
        ObjectNode n = FeastJson.JSON.createObjectNode();
        n.put("error", error);
        n.put("detail", detail);
        try {
            return FeastJson.JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        return response(toApi(ctx, cause));
    }

    ApiException toApi(ServiceRequestContext ctx, Throwable cause) {
        Throwable t = Failures.unwrap(cause);
        if (t instanceof RequestTimeoutException) return deadline(ctx.requestTimeoutMillis());
        if (t instanceof ContentTooLargeException) return tooLarge(ctx.config().maxRequestLength());
        if (t instanceof HttpStatusException) {
            // Armeria's own rejections (e.g. a body over the limit while it is aggregated)
            HttpStatusException h = (HttpStatusException) t;
            if (h.httpStatus() == HttpStatus.REQUEST_ENTITY_TOO_LARGE) return tooLarge(ctx.config().maxRequestLength());
            return new ApiException(h.httpStatus(), h.httpStatus().reasonPhrase().toLowerCase(java.util.Locale.ROOT),
                    h.httpStatus().reasonPhrase() + " (" + ctx.method() + " " + ctx.path() + ")");
        }
        ApiException e = Failures.classify(t, storeType, "answer " + ctx.path());
        if (e.status().code() >= 500) LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.detail(), t);
        return e;
    }

    static ApiException deadline(long timeoutMillis) {
        return new ApiException(HttpStatus.GATEWAY_TIMEOUT, "deadline exceeded",
                "No answer within the request deadline of " + timeoutMillis + " ms (the server's --request-timeout)");
    }

    static ApiException tooLarge(long maxBytes) {
        return ApiException.tooLarge("request body too large",
                "The request body is larger than " + maxBytes + " bytes (the server's --max-request-bytes)");
    }

    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
                                               HttpStatus status, String description, Throwable cause) {
        Throwable t = cause == null ? null : Failures.unwrap(cause);
        if (t instanceof RequestTimeoutException) return aggregated(deadline(config.requestTimeoutMillis()));
        if (t instanceof ContentTooLargeException || status == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
            return aggregated(tooLarge(config.maxRequestLength()));
        }
        String where = headers == null ? "the request" : headers.method() + " " + headers.path();
        String detail;
        if (status == HttpStatus.NOT_FOUND) {
            detail = "No endpoint at " + where + "; endpoints: " + paths;
        } else if (status == HttpStatus.METHOD_NOT_ALLOWED) {
            detail = where + " is not allowed: GET /health and /metrics, POST for the other endpoints";
        } else if (description != null && !description.isBlank()) {
            detail = description;
        } else {
            detail = status.reasonPhrase() + " (" + where + ")";
        }
        return aggregated(new ApiException(status, status.reasonPhrase().toLowerCase(java.util.Locale.ROOT), detail));
    }
}
