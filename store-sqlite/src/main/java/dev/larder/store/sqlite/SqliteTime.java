package dev.larder.store.sqlite;

import dev.larder.spi.codec.CodecException;
import dev.larder.spi.codec.Timestamps;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The {@code event_ts} / {@code created_ts} columns of Feast's SQLite layout, which has had two
 * generations:
 * <ul>
 *   <li>Feast 0.42 and later store INTEGER epoch seconds (Python's sqlite3 adapter
 *       {@code int(dt.timestamp())}: whole seconds, the fraction dropped) and read them back with
 *       {@code datetime.fromtimestamp(int(val))}, which fails on text;</li>
 *   <li>Feast 0.41 and earlier (and Larder before it followed) stored naive UTC text,
 *       {@code 2026-03-04 05:06:07.250000}.</li>
 * </ul>
 * Larder writes what current Feast writes (integers, so current Feast reads Larder's rows) and
 * reads both. Times are therefore kept to the second.
 */
final class SqliteTime {
    /** The finest unit the column keeps. */
    static final ChronoUnit PRECISION = ChronoUnit.SECONDS;

    private SqliteTime() {
    }

    /** Binds a time (null for none) as the column stores it: epoch seconds, the fraction dropped. */
    static void bind(PreparedStatement ps, int index, Instant t) throws SQLException {
        if (t == null) ps.setNull(index, Types.INTEGER);
        else ps.setLong(index, t.getEpochSecond());
    }

    /**
     * A stored time as JDBC returns it ({@code getObject}): INTEGER epoch seconds, or text of either
     * generation; null for SQL NULL. Reads return whole seconds.
     */
    static Instant read(Object column) {
        if (column == null) return null;
        if (column instanceof Long || column instanceof Integer) return Instant.ofEpochSecond(((Number) column).longValue());
        if (column instanceof Double) return Instant.ofEpochSecond((long) Math.floor((Double) column));
        String text = column.toString();
        try {
            return Timestamps.parsePython(text).truncatedTo(PRECISION);
        } catch (CodecException e) {
            throw new CodecException("Not a Feast SQLite timestamp (INTEGER epoch seconds, or text 'YYYY-MM-DD HH:MM:SS[.ffffff]'): '" + text + "'");
        }
    }

    /**
     * SQL turning a text timestamp of the older generation into epoch seconds in place (NULL where
     * SQLite cannot parse the text, which then stays as it is). {@code strftime('%s', …)} reads
     * every form Python wrote, naive UTC, and drops the fraction as Feast does.
     */
    static String migrationSql(String table, String column) {
        return "UPDATE " + table + " SET " + column + " = CAST(strftime('%s', " + column + ") AS INTEGER)"
                + " WHERE typeof(" + column + ") = 'text' AND strftime('%s', " + column + ") IS NOT NULL";
    }
}
