package dev.larder.store.cassandra;

import dev.larder.spi.FeatureView;

/**
 * The CQL the store runs, for one keyspace and project: Feast's table names and schema, and the
 * statements of reads, writes and the read before a write. Text only; nothing here talks to a server.
 */
final class CassandraCql {
    private final String keyspace;
    private final String project;
    private final int keyTtlSeconds;

    CassandraCql(String keyspace, String project, int keyTtlSeconds) {
        this.keyspace = keyspace;
        this.project = project;
        this.keyTtlSeconds = keyTtlSeconds;
    }

    /** Feast's {@code _fq_table_name} without quotes: {@code <project>_<view>}. */
    String tableName(FeatureView view) {
        return project + "_" + view.name();
    }

    /** Quoted keyspace and table, as Feast writes them. */
    String qualifiedTable(FeatureView view) {
        return quote(keyspace) + "." + quote(tableName(view));
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    String createKeyspace(String localDc, int replicationFactor) {
        return "CREATE KEYSPACE IF NOT EXISTS " + quote(keyspace) + " WITH replication = {'class': 'NetworkTopologyStrategy', '"
                + localDc.replace("'", "''") + "': " + replicationFactor + "}";
    }

    String createTable(FeatureView view) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedTable(view) + " (entity_key TEXT, feature_name TEXT, value BLOB,"
                + " event_ts TIMESTAMP, created_ts TIMESTAMP, PRIMARY KEY ((entity_key), feature_name))"
                + " WITH CLUSTERING ORDER BY (feature_name ASC)";
    }

    String dropTable(FeatureView view) {
        return "DROP TABLE IF EXISTS " + qualifiedTable(view);
    }

    /** Binds entity key hex, feature, value, event time, created time (left unset when absent), write timestamp. */
    String insert(FeatureView view) {
        return "INSERT INTO " + qualifiedTable(view) + " (entity_key, feature_name, value, event_ts, created_ts) VALUES (?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?" + (keyTtlSeconds > 0 ? " AND TTL " + keyTtlSeconds : "");
    }

    /** Removes the features a partial row lacks, at the row's write timestamp: binds timestamp, entity key hex, features. */
    String deleteFeatures(FeatureView view) {
        return "DELETE FROM " + qualifiedTable(view) + " USING TIMESTAMP ? WHERE entity_key = ? AND feature_name IN ?";
    }

    /** The values of a batch of keys: binds the keys' hex and the features. */
    String selectValues(FeatureView view) {
        return "SELECT entity_key, feature_name, value, event_ts FROM " + qualifiedTable(view) + " WHERE entity_key IN ? AND feature_name IN ?";
    }

    /** What a write must know of the stored rows of a batch of keys: their times and the cells' write timestamps. */
    String selectStored(FeatureView view) {
        return "SELECT entity_key, event_ts, created_ts, WRITETIME(value), WRITETIME(event_ts), WRITETIME(created_ts) FROM "
                + qualifiedTable(view) + " WHERE entity_key IN ? AND feature_name IN ?";
    }

    String keyspace() {
        return keyspace;
    }
}
