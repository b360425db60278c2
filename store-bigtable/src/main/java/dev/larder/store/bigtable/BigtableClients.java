package dev.larder.store.bigtable;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.DeadlineExceededException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.UnavailableException;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.MutateRowsException;
import com.google.common.util.concurrent.MoreExecutors;
import dev.larder.spi.Durations;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.support.InFlight;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The store's two Bigtable clients (data and table admin) and the way every call goes through
 * them: bounded by {@code request_timeout}, failing with a message naming the endpoint, the
 * operation and the table.
 */
final class BigtableClients implements AutoCloseable {
    private final BigtableStoreConfig config;
    private final BigtableDataClient data;
    private final BigtableTableAdminClient admin;

    BigtableClients(BigtableStoreConfig config) {
        this.config = config;
        ClientLogging.apply();
        BigtableDataClient d = null;
        try {
            d = BigtableDataClient.create(dataSettings(config));
            this.data = d;
            this.admin = BigtableTableAdminClient.create(adminSettings(config));
        } catch (IOException | RuntimeException e) {
            if (d != null) d.close();
            throw new OnlineStoreException(BigtableStoreProvider.TYPE, Operation.CONNECT, config.endpoint(), false,
                    where() + ": cannot create the Bigtable clients: " + e.getMessage(), e);
        }
    }

    static BigtableDataSettings dataSettings(BigtableStoreConfig config) {
        BigtableDataSettings.Builder b;
        if (config.emulatorHost().isPresent()) {
            String[] hp = BigtableStoreConfig.parseHostPort(config.emulatorHost().get());
            b = BigtableDataSettings.newBuilderForEmulator(hp[0], Integer.parseInt(hp[1]));
        } else {
            b = BigtableDataSettings.newBuilder();
        }
        b.setProjectId(config.projectId()).setInstanceId(config.instance());
        config.appProfileId().ifPresent(b::setAppProfileId);
        // Bound each call by request_timeout, retries included; call() enforces it as well.
        var stub = b.stubSettings();
        stub.readRowsSettings().setRetrySettings(bounded(stub.readRowsSettings().getRetrySettings(), config.requestTimeout()));
        stub.bulkMutateRowsSettings().setRetrySettings(bounded(stub.bulkMutateRowsSettings().getRetrySettings(), config.requestTimeout()));
        stub.checkAndMutateRowSettings().setRetrySettings(bounded(stub.checkAndMutateRowSettings().getRetrySettings(), config.requestTimeout()));
        return b.build();
    }

    static BigtableTableAdminSettings adminSettings(BigtableStoreConfig config) throws IOException {
        BigtableTableAdminSettings.Builder b;
        if (config.emulatorHost().isPresent()) {
            String[] hp = BigtableStoreConfig.parseHostPort(config.emulatorHost().get());
            b = BigtableTableAdminSettings.newBuilderForEmulator(hp[0], Integer.parseInt(hp[1]));
        } else {
            b = BigtableTableAdminSettings.newBuilder();
        }
        return b.setProjectId(config.projectId()).setInstanceId(config.instance()).build();
    }

    private static RetrySettings bounded(RetrySettings r, Duration timeout) {
        return r.toBuilder().setTotalTimeoutDuration(timeout).setInitialRpcTimeoutDuration(timeout)
                .setMaxRpcTimeoutDuration(timeout).build();
    }

    BigtableDataClient data() {
        return data;
    }

    BigtableTableAdminClient admin() {
        return admin;
    }

    /**
     * The client's future as a CompletableFuture bounded by request_timeout, failing with an
     * {@link OnlineStoreException} naming the operation, the table and the endpoint.
     *
     * @param table the table concerned, or null
     * @param what  what was being done, for the message: "read 500 keys of view(s) [a]"
     */
    <T> CompletableFuture<T> call(ApiFuture<T> future, Operation operation, String table, String what) {
        CompletableFuture<T> cf = new CompletableFuture<>();
        ApiFutures.addCallback(future, new ApiFutureCallback<T>() {
            @Override
            public void onFailure(Throwable t) {
                cf.completeExceptionally(failure(operation, table, what, t));
            }

            @Override
            public void onSuccess(T result) {
                cf.complete(result);
            }
        }, MoreExecutors.directExecutor());
        Duration timeout = config.requestTimeout();
        return cf.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).exceptionally(e -> {
            Throwable cause = InFlight.unwrap(e);
            if (cause instanceof TimeoutException) {
                future.cancel(true);
                throw new OnlineStoreException(BigtableStoreProvider.TYPE, operation, resource(table), true,
                        where() + ": cannot " + what + ": no answer within request_timeout " + Durations.format(timeout)
                                + "; check that " + config.endpoint() + " is reachable", cause);
            }
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            throw new CompletionException(cause);
        });
    }

    /** {@link #call} and wait for it; a failure is rethrown as it is (with its clear message). */
    <T> T callAndWait(ApiFuture<T> future, Operation operation, String table, String what) {
        return await(call(future, operation, table, what));
    }

    private OnlineStoreException failure(Operation operation, String table, String what, Throwable t) {
        if (t instanceof OnlineStoreException) return (OnlineStoreException) t;
        String hint = "";
        if (t instanceof NotFoundException && operation != Operation.UPDATE && operation != Operation.PLAN && operation != Operation.TEARDOWN) {
            hint = " (run 'larder apply' to create the tables)";
        }
        String detail = t.getMessage();
        Throwable root = t;
        if (t instanceof MutateRowsException m && !m.getFailedMutations().isEmpty()) {
            ApiException first = m.getFailedMutations().get(0).getError();
            detail = m.getFailedMutations().size() + " rows failed, first: " + (first == null ? "?" : first.getMessage());
            if (first != null) root = first;
        } else if (t instanceof CancellationException) {
            detail = "cancelled";
        }
        boolean retryable = root instanceof ApiException a && RETRYABLE.contains(a.getStatusCode().getCode());
        if (operation == Operation.WRITE && hint.isEmpty() && !retryable && !(t instanceof CancellationException)) {
            hint = " (a table created by Feast lacks Larder's column family '" + BigtableLayout.LARDER_FAMILY + "': run 'larder apply' to add it)";
        }
        if (root instanceof UnavailableException || root instanceof DeadlineExceededException) {
            hint = " (check that " + config.endpoint() + " is reachable; request_timeout " + Durations.format(config.requestTimeout()) + ")";
        }
        return new OnlineStoreException(BigtableStoreProvider.TYPE, operation, resource(table), retryable,
                where() + ": cannot " + what + ": " + detail + hint, t);
    }

    /** Status codes after which the same call may succeed unchanged (the server was busy, away or slow). */
    private static final Set<StatusCode.Code> RETRYABLE = EnumSet.of(StatusCode.Code.UNAVAILABLE, StatusCode.Code.DEADLINE_EXCEEDED,
            StatusCode.Code.ABORTED, StatusCode.Code.RESOURCE_EXHAUSTED);

    private String resource(String table) {
        return table == null ? config.endpoint() : "table '" + table + "'";
    }

    /** Waits for a bounded call; a failure is rethrown as it is (with its clear message). */
    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) throw (RuntimeException) c;
            if (c instanceof Error) throw (Error) c;
            throw e;
        }
    }

    String where() {
        return "Bigtable store (" + config.endpoint() + ", project " + config.projectId() + ", instance " + config.instance() + ")";
    }

    @Override
    public void close() {
        try {
            data.close();
        } finally {
            admin.close();
        }
    }
}
