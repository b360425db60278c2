package dev.larder.spi;

import java.util.Objects;

/**
 * The one failure type of the store SPI: a backend operation that failed for a reason other
 * than the caller's input (the server is down or slow, a table is missing, the server refused).
 * Callers map it without knowing the backend: the server answers 503, the CLI prints the message.
 * The message names the store type, the operation and the resource, never a secret.
 */
public class OnlineStoreException extends RuntimeException {

    /** The SPI operation that failed. */
    public enum Operation { CONNECT, WRITE, READ, UPDATE, PLAN, TEARDOWN }

    private final String storeType;
    private final Operation operation;
    private final String resource;
    private final boolean retryable;

    /**
     * @param storeType the backend's {@code type}
     * @param operation what was being done
     * @param resource  the table, key space or address concerned; null when none applies
     * @param retryable whether the same call may succeed later (a timeout, an unavailable server)
     *                  as opposed to a state that needs a person (a missing table, a refused login)
     * @param detail    what failed, for people; no secret
     */
    public OnlineStoreException(String storeType, Operation operation, String resource, boolean retryable, String detail, Throwable cause) {
        super(message(storeType, operation, resource, detail), cause);
        this.storeType = Objects.requireNonNull(storeType);
        this.operation = Objects.requireNonNull(operation);
        this.resource = resource;
        this.retryable = retryable;
    }

    public OnlineStoreException(String storeType, Operation operation, String resource, boolean retryable, String detail) {
        this(storeType, operation, resource, retryable, detail, null);
    }

    private static String message(String storeType, Operation operation, String resource, String detail) {
        return storeType + " store: " + operation.name().toLowerCase(java.util.Locale.ROOT)
                + (resource == null ? "" : " of " + resource) + " failed: " + detail;
    }

    public String storeType() {
        return storeType;
    }

    public Operation operation() {
        return operation;
    }

    /** The table, key space or address concerned, or null. */
    public String resource() {
        return resource;
    }

    /** Whether the same call may succeed later without anyone changing anything. */
    public boolean isRetryable() {
        return retryable;
    }
}
