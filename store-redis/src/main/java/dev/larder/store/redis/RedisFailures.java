package dev.larder.store.redis;

import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.support.InFlight;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns what Lettuce and the server report into {@link OnlineStoreException}s naming the
 * servers, the project and the operation, and says whether a retry may help: a timeout, a lost
 * or refused connection, a full request queue or a server busy loading or failing over may pass;
 * a refused login, a missing permission or bytes that are not Feast's encoding need a person.
 * Messages hold hosts, never the password (Lettuce's own messages name socket addresses, and the
 * credentials never enter the URIs it prints).
 */
final class RedisFailures {
    static final String STORE_TYPE = "redis";
    /** Server errors that describe a passing state. */
    private static final List<String> PASSING = List.of("OOM", "LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "READONLY", "MASTERDOWN");
    /** Lettuce's messages for commands refused because the connection is down or its queue full. */
    private static final List<String> CLIENT_PASSING = List.of("Currently not connected", "Connection disconnected",
            "Request queue size exceeded", "Command buffer size exceeded");

    private final String where;
    private final String project;
    private final Duration commandTimeout;

    RedisFailures(String where, String project, Duration commandTimeout) {
        this.where = where;
        this.project = project;
        this.commandTimeout = commandTimeout;
    }

    /** The failure of an operation, unless it already is one. */
    OnlineStoreException failure(Operation operation, String what, Throwable error) {
        Throwable t = InFlight.unwrap(error);
        if (t instanceof OnlineStoreException) return (OnlineStoreException) t;
        return new OnlineStoreException(STORE_TYPE, operation, where, isRetryable(t),
                "cannot " + what + " (project '" + project + "'): " + message(t), t);
    }

    /** A failure found by the store itself (not reported by the client). */
    OnlineStoreException failure(Operation operation, boolean retryable, String detail, Throwable cause) {
        return new OnlineStoreException(STORE_TYPE, operation, where, retryable, detail + " (project '" + project + "')", cause);
    }

    /** Waits for a future the client completes or fails within the command timeout. */
    <T> T await(CompletableFuture<T> future, Operation operation, String what) {
        // The client times out every command after command_timeout; this bound only guards against a lost completion.
        Duration bound = commandTimeout.multipliedBy(2).plusSeconds(5);
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(operation, what, e.getCause());
        } catch (TimeoutException e) {
            throw failure(operation, true, "cannot " + what + ": no reply within " + bound.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(operation, true, "interrupted while waiting to " + what, e);
        }
    }

    static boolean isRetryable(Throwable t) {
        if (isRefusedLogin(t, 0)) return false;
        if (t instanceof RedisCommandTimeoutException || t instanceof RedisConnectionException || t instanceof IOException) return true;
        String m = String.valueOf(t.getMessage());
        if (t instanceof RedisCommandExecutionException) return PASSING.stream().anyMatch(m::startsWith);
        return t instanceof RedisException && CLIENT_PASSING.stream().anyMatch(m::startsWith);
    }

    /** A refused login anywhere in the failure: its causes, or the per-node failures Lettuce attaches as suppressed. */
    private static boolean isRefusedLogin(Throwable t, int depth) {
        if (t == null || depth > 10) return false;
        String m = String.valueOf(t.getMessage());
        if (m.contains("WRONGPASS") || m.contains("NOAUTH") || m.contains("NOPERM")) return true;
        for (Throwable s : t.getSuppressed()) {
            if (isRefusedLogin(s, depth + 1)) return true;
        }
        return isRefusedLogin(t.getCause(), depth + 1);
    }

    /** The failure's message with its cause's, once, on one line (Lettuce lists a cluster's nodes on lines of their own). */
    static String message(Throwable e) {
        Throwable t = InFlight.unwrap(e);
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t.getCause() != null && t.getCause().getMessage() != null && !m.contains(t.getCause().getMessage())) {
            m += ": " + t.getCause().getMessage();
        }
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
