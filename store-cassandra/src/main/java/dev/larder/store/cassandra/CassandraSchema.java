package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.PlannedChange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The keyspace and the views' tables: {@code update}, {@code plan} and {@code teardown}. */
final class CassandraSchema {
    /**
     * Schema changes flush tables and wait for agreement between nodes: give them far longer than
     * a data request (a busy node has taken over a minute to drop a table).
     */
    static final Duration MIN_DDL_TIMEOUT = Duration.ofSeconds(120);

    private final CqlSession session;
    private final CassandraCql cql;
    private final PreparedStatements prepared;
    private final CassandraStoreConfig config;
    private final String where;

    CassandraSchema(CqlSession session, CassandraCql cql, PreparedStatements prepared, CassandraStoreConfig config, String where) {
        this.session = session;
        this.cql = cql;
        this.prepared = prepared;
        this.config = config;
        this.where = where;
    }

    void update(InfraChange change) {
        ensureKeyspace(Operation.UPDATE);
        for (FeatureView v : change.viewsToKeep()) {
            ddl(Operation.UPDATE, cql.createTable(v), table(v));
        }
        for (FeatureView v : change.viewsToDelete()) {
            drop(Operation.UPDATE, v);
        }
    }

    List<PlannedChange> plan(InfraChange change) {
        List<PlannedChange> out = new ArrayList<>();
        boolean keyspaceExists = keyspaceExists(Operation.PLAN);
        if (!keyspaceExists) {
            if (!config.createKeyspace()) throw missingKeyspace(Operation.PLAN);
            out.add(new PlannedChange(PlannedChange.Action.CREATE, "keyspace " + config.keyspace(), createKeyspaceCql()));
        }
        for (FeatureView v : change.viewsToKeep()) {
            String resource = "table " + config.keyspace() + "." + cql.tableName(v);
            out.add(keyspaceExists && tableExists(v)
                    ? new PlannedChange(PlannedChange.Action.UNCHANGED, resource, "")
                    : new PlannedChange(PlannedChange.Action.CREATE, resource, cql.createTable(v)));
        }
        for (FeatureView v : change.viewsToDelete()) {
            if (keyspaceExists && tableExists(v)) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, "table " + config.keyspace() + "." + cql.tableName(v), cql.dropTable(v)));
            }
        }
        return out;
    }

    void teardown(List<FeatureView> views) {
        if (!keyspaceExists(Operation.TEARDOWN)) return; // nothing to drop
        for (FeatureView v : views) drop(Operation.TEARDOWN, v);
    }

    private void drop(Operation operation, FeatureView v) {
        ddl(operation, cql.dropTable(v), table(v));
        prepared.forget(cql.insert(v), cql.deleteFeatures(v), cql.selectValues(v), cql.selectStored(v));
    }

    /** Creates the keyspace when missing and {@code create_keyspace} is set; fails when missing otherwise. */
    private void ensureKeyspace(Operation operation) {
        if (keyspaceExists(operation)) return;
        if (!config.createKeyspace()) throw missingKeyspace(operation);
        ddl(operation, createKeyspaceCql(), "keyspace " + CassandraCql.quote(config.keyspace()) + " on " + where);
    }

    private OnlineStoreException missingKeyspace(Operation operation) {
        return new OnlineStoreException(CassandraFailures.STORE_TYPE, operation, "keyspace " + config.keyspace() + " on " + where, false,
                "keyspace '" + config.keyspace() + "' does not exist; create it (e.g. " + createKeyspaceCql() + ") or set create_keyspace: true");
    }

    private String createKeyspaceCql() {
        return cql.createKeyspace(config.localDc(), config.replicationFactor());
    }

    private boolean keyspaceExists(Operation operation) {
        return exists(operation, "keyspace " + config.keyspace() + " on " + where,
                SimpleStatement.newInstance("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?", config.keyspace()));
    }

    private boolean tableExists(FeatureView v) {
        return exists(Operation.PLAN, table(v), SimpleStatement.newInstance(
                "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?", config.keyspace(), cql.tableName(v)));
    }

    private boolean exists(Operation operation, String resource, SimpleStatement query) {
        try {
            return session.execute(query).one() != null;
        } catch (RuntimeException e) {
            throw CassandraFailures.of(operation, resource, "reading system_schema", e);
        }
    }

    private void ddl(Operation operation, String statement, String resource) {
        Duration timeout = config.requestTimeout().compareTo(MIN_DDL_TIMEOUT) > 0 ? config.requestTimeout() : MIN_DDL_TIMEOUT;
        try {
            session.execute(SimpleStatement.newInstance(statement).setTimeout(timeout));
        } catch (RuntimeException e) {
            throw CassandraFailures.of(operation, resource, statement.substring(0, statement.indexOf(' ', statement.indexOf(' ') + 1)), e);
        }
    }

    private String table(FeatureView v) {
        return "table " + cql.qualifiedTable(v) + " on " + where;
    }
}
