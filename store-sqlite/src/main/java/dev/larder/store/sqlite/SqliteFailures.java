package dev.larder.store.sqlite;

import dev.larder.spi.OnlineStoreException;
import org.sqlite.SQLiteErrorCode;

import java.nio.file.Path;
import java.sql.SQLException;

/** Turns SQLite's errors into the SPI's failure type, naming the file and the table. */
final class SqliteFailures {
    static final String TYPE = "sqlite";

    private SqliteFailures() {
    }

    static OnlineStoreException of(OnlineStoreException.Operation op, Path file, String table, String what, SQLException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String hint = msg.contains("no such table") ? " (run 'larder apply' to create the tables)" : "";
        String resource = table == null ? file.toString() : "table " + table + " in " + file;
        return new OnlineStoreException(TYPE, op, resource, isRetryable(e), "cannot " + what + ": " + msg + hint, e);
    }

    /** Locks held by another writer and schema changes pass; everything else needs a person. */
    static boolean isRetryable(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code
                || primary == SQLiteErrorCode.SQLITE_SCHEMA.code;
    }

    static boolean isSchemaChanged(SQLException e) {
        return (e.getErrorCode() & 0xff) == SQLiteErrorCode.SQLITE_SCHEMA.code
                || (e.getMessage() != null && e.getMessage().contains("database schema has changed"));
    }
}
