package dev.larder.store.dynamodb;

import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.support.InFlight;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Turns what the AWS SDK throws into the SPI's {@link OnlineStoreException}: the operation, the
 * table, whether a retry may help, and a message naming the endpoint (never credentials: the SDK's
 * messages carry none, and the endpoint is shown without user info, see {@link DynamoDBStoreConfig#target()}).
 */
final class DynamoDBErrors {
    static final String STORE_TYPE = "dynamodb";

    private final String target;

    DynamoDBErrors(String target) {
        this.target = target;
    }

    /**
     * A failure of {@code what} (e.g. "read 500 keys of view 'x'") on a table. An
     * {@link OnlineStoreException} made here already passes through unchanged.
     */
    OnlineStoreException failure(Operation operation, String what, String table, Throwable cause) {
        cause = InFlight.unwrap(cause);
        if (cause instanceof OnlineStoreException) return (OnlineStoreException) cause;
        String hint = cause instanceof ResourceNotFoundException ? " (the table does not exist: run apply / update first)" : "";
        return new OnlineStoreException(STORE_TYPE, operation, table, isRetryable(cause),
                "cannot " + what + " at " + target + ": " + cause.getMessage() + hint, cause);
    }

    /** A state of the backend no retry changes by itself, found by the store (not thrown by the SDK). */
    OnlineStoreException state(Operation operation, String table, boolean retryable, String detail) {
        return new OnlineStoreException(STORE_TYPE, operation, table, retryable, detail + " (" + target + ")");
    }

    /**
     * Whether the same call may succeed later: throttling, a server error, or no answer at all
     * (connection refused or reset, a timeout). A missing table, a refused signature or a bad
     * request need a person.
     */
    static boolean isRetryable(Throwable cause) {
        if (cause instanceof AwsServiceException) {
            AwsServiceException e = (AwsServiceException) cause;
            return e.isThrottlingException() || e.statusCode() >= 500;
        }
        return cause instanceof SdkClientException || cause instanceof IOException || cause instanceof Unprocessed;
    }

    /**
     * Keys or items DynamoDB left unprocessed (throttling, or a response at its 16 MB limit) past
     * {@code unprocessed_retry_timeout}: retryable, and wrapped by {@link #failure} with the call's context.
     */
    static final class Unprocessed extends RuntimeException {
        Unprocessed(String message) {
            super(message);
        }
    }

    /** Waits for a future, rethrowing its failure as it is (an {@link OnlineStoreException} made by the caller's stage). */
    static <T> T join(CompletableFuture<T> f, Operation operation, String table) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = InFlight.unwrap(e);
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            if (cause instanceof Error) throw (Error) cause;
            throw new OnlineStoreException(STORE_TYPE, operation, table, false, String.valueOf(cause.getMessage()), cause);
        }
    }
}
