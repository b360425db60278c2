package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Statements prepared once per CQL text, on first use; a failed preparation (a missing table) is not kept. */
final class PreparedStatements {
    private final CqlSession session;
    private final Map<String, CompletableFuture<PreparedStatement>> prepared = new ConcurrentHashMap<>();

    PreparedStatements(CqlSession session) {
        this.session = session;
    }

    CompletableFuture<PreparedStatement> get(String cql) {
        CompletableFuture<PreparedStatement> f = prepared.computeIfAbsent(cql, c -> session.prepareAsync(c).toCompletableFuture());
        f.whenComplete((ps, error) -> {
            if (error != null) prepared.remove(cql, f);
        });
        return f;
    }

    /** Forgets statements on a dropped table, so a table created again is prepared again. */
    void forget(String... cql) {
        for (String c : cql) prepared.remove(c);
    }

    void clear() {
        prepared.clear();
    }
}
