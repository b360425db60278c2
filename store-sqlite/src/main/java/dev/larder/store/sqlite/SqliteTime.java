package dev.larder.store.sqlite;

import dev.larder.spi.codec.CodecException;
import dev.larder.spi.codec.Timestamps;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The {@code event_ts} / {@code created_ts} columns of Feast's SQLite layout. Written as naive UTC
 * text ({@code 2026-03-04 05:06:07.250000}, Python's sqlite3 adapter); read in every form Feast
 * has stored: that text, or INTEGER epoch seconds.
 */
final class SqliteTime {
    /** The finest unit the column keeps. */
    static final ChronoUnit PRECISION = ChronoUnit.MICROS;

    private SqliteTime() {
    }

    /** Binds a time (null for none) as the column stores it. */
    static void bind(PreparedStatement ps, int index, Instant t) throws SQLException {
        if (t == null) ps.setNull(index, java.sql.Types.VARCHAR);
        else ps.setString(index, Timestamps.sqliteText(t));
    }

    /**
     * A stored time as JDBC returns it ({@code getObject}): INTEGER epoch seconds, or text; null
     * for SQL NULL.
     */
    static Instant read(Object column) {
        if (column == null) return null;
        if (column instanceof Long || column instanceof Integer) return Instant.ofEpochSecond(((Number) column).longValue());
        if (column instanceof Double) return Instant.ofEpochSecond((long) Math.floor((Double) column));
        String text = column.toString();
        try {
            return Timestamps.parsePython(text);
        } catch (CodecException e) {
            throw new CodecException("Not a Feast SQLite timestamp (epoch seconds or 'YYYY-MM-DD HH:MM:SS[.ffffff]'): '" + text + "'");
        }
    }
}
