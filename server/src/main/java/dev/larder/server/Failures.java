package dev.larder.server;

import com.linecorp.armeria.common.HttpStatus;
import dev.larder.LarderException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Decides what a failure means for the client. Requests are checked before the facade is
 * called, so a {@link LarderException} left over is still the client's mistake (400); anything
 * else thrown while the online store works is the store's (503 with its type, retryable), never
 * a 500 with a stack trace.
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
     * @param operation what the store was asked to do ({@code read features}, {@code write rows})
     */
    static ApiException classify(Throwable failure, String storeType, String operation) {
        Throwable t = unwrap(failure);
        if (t instanceof ApiException) return (ApiException) t;
        if (t instanceof LarderException) return ApiException.badRequest("invalid request", t.getMessage());
        return storeFailure(t, storeType, operation);
    }

    static ApiException storeFailure(Throwable t, String storeType, String operation) {
        String message = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "online store unavailable",
                "The " + storeType + " online store failed to " + operation + ": " + message + " (retry later)");
    }
}
