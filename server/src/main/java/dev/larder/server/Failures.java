package dev.larder.server;

import com.linecorp.armeria.common.HttpStatus;
import dev.larder.LarderException;
import dev.larder.RequestTimeoutException;
import dev.larder.StoreBusyException;
import dev.larder.spi.OnlineStoreException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Decides what a failure means for the client. Requests are checked before the facade is called,
 * so a {@link LarderException} left over is still the client's mistake (400). The store's
 * {@link OnlineStoreException} (down, slow, refused) and a facade whose read bound stays full are
 * 503, naming the store type; the facade's own read deadline is 504. Any other failure past the
 * request's checks is taken for the store's too (503): stores not yet on contract v2 throw their
 * own exception types. Never a stack trace.
 */
final class Failures {
    private Failures() {
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * @param storeType the online store's type, for the message
     * @param operation what the server was doing ({@code read features}, {@code write rows}), for an unexpected failure's message
     */
    static ApiException classify(Throwable failure, String storeType, String operation) {
        Throwable t = unwrap(failure);
        if (t instanceof ApiException) return (ApiException) t;
        if (t instanceof OnlineStoreException) return storeFailure((OnlineStoreException) t);
        if (t instanceof RequestTimeoutException) {
            return new ApiException(HttpStatus.GATEWAY_TIMEOUT, "deadline exceeded", t.getMessage() + " (feature_store.yaml: serving.request_timeout)");
        }
        if (t instanceof StoreBusyException) return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "server busy", t.getMessage() + " (retry later)");
        if (t instanceof LarderException) return ApiException.badRequest("invalid request", t.getMessage());
        // Stores not yet on contract v2 throw their own types (RedisStoreException, SQLException wrappers, ...):
        // a failure past the request's checks is the store's, so it is still 503 with the store type.
        String message = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "online store unavailable",
                "The " + storeType + " online store failed to " + operation + ": " + message + " (retry later)");
    }

    static ApiException storeFailure(OnlineStoreException e) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "online store unavailable",
                e.getMessage() + (e.isRetryable() ? " (retry later)" : " (this needs an operator; retrying will not help)"));
    }
}
