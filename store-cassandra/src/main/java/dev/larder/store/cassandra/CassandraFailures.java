package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.support.InFlight;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Driver errors as {@link OnlineStoreException}s: one line in the driver's words without its
 * multi-line detail, and whether repeating the call may help (a timeout, a node down) or a person
 * must act (a missing table, a refused login).
 */
final class CassandraFailures {
    static final String STORE_TYPE = "cassandra";

    private CassandraFailures() {
    }

    /**
     * @param resource what was worked on ({@code table "ks"."t" on host:port})
     * @param what     what was being done to it, e.g. "500 keys of feature view 'fv'"
     */
    static OnlineStoreException of(OnlineStoreException.Operation operation, String resource, String what, Throwable error) {
        error = InFlight.unwrap(error);
        if (error instanceof OnlineStoreException) return (OnlineStoreException) error;
        String detail = (what.isEmpty() ? "" : what + ": ") + describe(error);
        if (error instanceof InvalidQueryException && String.valueOf(error.getMessage()).contains("unconfigured table")) {
            detail += "; the table does not exist: run 'larder apply' (update) to create it";
        }
        return new OnlineStoreException(STORE_TYPE, operation, resource, retryable(error), detail, error);
    }

    /** Whether the same call may succeed later with nothing changed. */
    static boolean retryable(Throwable e) {
        if (e instanceof AllNodesFailedException) {
            for (List<Throwable> errors : ((AllNodesFailedException) e).getAllErrors().values()) {
                for (Throwable t : errors) {
                    for (Throwable c = t; c != null; c = c.getCause()) {
                        if (c instanceof AuthenticationException) return false; // a refused login stays refused
                    }
                }
            }
            return true;
        }
        return e instanceof DriverTimeoutException || e instanceof NoNodeAvailableException
                || e instanceof QueryConsistencyException || e instanceof UnavailableException
                || e instanceof OverloadedException || e instanceof BootstrappingException
                || e instanceof ClosedConnectionException || e instanceof HeartbeatException
                || e instanceof BusyConnectionException;
    }

    /** One line saying what went wrong. */
    static String describe(Throwable e) {
        if (e instanceof DriverTimeoutException) {
            return "no answer within request_timeout (" + e.getMessage() + ")";
        }
        if (e instanceof NoNodeAvailableException) {
            return "no Cassandra node is available (all nodes down or unreachable)";
        }
        if (e instanceof AllNodesFailedException) {
            List<String> parts = new ArrayList<>();
            ((AllNodesFailedException) e).getAllErrors().forEach((node, errors) -> {
                String last = errors.isEmpty() ? "failed" : networkCause(errors.get(errors.size() - 1));
                parts.add(node.getEndPoint() + ": " + last);
            });
            return "every node failed: " + String.join("; ", parts);
        }
        return oneLine(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** The socket-level reason (e.g. "Connection refused") under the driver's wrappers, else the driver's own message. */
    static String networkCause(Throwable error) {
        ArrayDeque<Throwable> todo = new ArrayDeque<>(List.of(error));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) continue;
            if (t instanceof java.net.SocketException || t instanceof java.net.UnknownHostException) {
                return oneLine(t.getClass().getSimpleName() + ": " + t.getMessage());
            }
            if (t.getCause() != null) todo.add(t.getCause());
            todo.addAll(Arrays.asList(t.getSuppressed()));
        }
        return oneLine(error.getMessage());
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
