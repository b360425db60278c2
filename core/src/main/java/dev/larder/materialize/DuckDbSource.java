package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.definitions.FeastTypes;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.Timestamps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a view's offline source (Parquet or CSV) with DuckDB: the latest row per entity key with
 * event time in [start, end], both ends included, ties broken by the created timestamp, columns
 * converted to the view's types. One in-memory DuckDB connection serves one materialization run.
 */
public final class DuckDbSource implements AutoCloseable {
    private static final String TEMP = "larder_latest";
    private final Connection conn;

    public DuckDbSource() {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
            conn = DriverManager.getConnection("jdbc:duckdb:");
            try (Statement st = conn.createStatement()) {
                st.execute("SET TimeZone = 'UTC'");
            }
        } catch (ClassNotFoundException | SQLException e) {
            throw new LarderException("Cannot start DuckDB to read offline sources: " + e.getMessage(), e);
        }
    }

    /** The rows selected for one view and interval, ready to be streamed. */
    public final class Selection implements AutoCloseable {
        private final FeatureView view;
        private final Path file;
        private final long count;
        private final String note;

        private Selection(FeatureView view, Path file, long count, String note) {
            this.view = view;
            this.file = file;
            this.count = count;
            this.note = note;
        }

        /** Rows to write (latest per entity key). */
        public long count() {
            return count;
        }

        /** Why there is nothing to write (empty file), or empty. */
        public String note() {
            return note;
        }

        /** Streams the rows in batches of at most {@code batchSize}. */
        public void forEachBatch(int batchSize, Consumer<List<FeatureRow>> sink) {
            if (count == 0) return;
            List<Field> keys = view.isEntityless() ? List.of() : view.joinKeys();
            List<Field> features = view.features();
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + TEMP)) {
                List<FeatureRow> batch = new ArrayList<>(batchSize);
                int nk = keys.size();
                int nf = features.size();
                String[] names = new String[nf];
                for (int i = 0; i < nf; i++) names[i] = features.get(i).name();
                long lastMicros = Long.MIN_VALUE;
                Instant lastTime = null;
                while (rs.next()) {
                    EntityKey key;
                    if (nk == 0) {
                        key = EntityKey.DUMMY;
                    } else if (nk == 1) {
                        key = EntityKey.of(keys.get(0).name(), read(rs, 1, keys.get(0)));
                    } else {
                        Map<String, Value> kv = new HashMap<>();
                        for (int i = 0; i < nk; i++) kv.put(keys.get(i).name(), read(rs, i + 1, keys.get(i)));
                        key = EntityKey.of(kv);
                    }
                    Map<String, Value> values = new LinkedHashMap<>(nf * 2);
                    for (int i = 0; i < nf; i++) values.put(names[i], read(rs, nk + 1 + i, features.get(i)));
                    long tsMicros = rs.getLong(nk + nf + 1);
                    if (tsMicros != lastMicros) { // rows often share event times: reuse the Instant
                        lastMicros = tsMicros;
                        lastTime = Timestamps.fromMicros(tsMicros);
                    }
                    long created = rs.getLong(nk + nf + 2);
                    Instant createdTime = rs.wasNull() ? null : Timestamps.fromMicros(created);
                    batch.add(new FeatureRow(key, values, lastTime, createdTime));
                    if (batch.size() == batchSize) {
                        sink.accept(batch);
                        batch = new ArrayList<>(batchSize);
                    }
                }
                if (!batch.isEmpty()) sink.accept(batch);
            } catch (SQLException e) {
                throw new LarderException(file + ": reading rows for feature view '" + view.name() + "' failed: " + firstLine(e), e);
            }
        }

        private Value read(ResultSet rs, int col, Field f) throws SQLException {
            ValueType t = f.type();
            Value v;
            switch (t) {
                case FLOAT: { float x = rs.getFloat(col); v = rs.wasNull() ? null : Value.ofFloat(x); break; }
                case DOUBLE: { double x = rs.getDouble(col); v = rs.wasNull() ? null : Value.ofDouble(x); break; }
                case INT32: { int x = rs.getInt(col); v = rs.wasNull() ? null : Value.ofInt32(x); break; }
                case INT64: { long x = rs.getLong(col); v = rs.wasNull() ? null : Value.ofInt64(x); break; }
                case UNIX_TIMESTAMP: { long x = rs.getLong(col); v = rs.wasNull() ? null : Value.ofUnixTimestamp(x); break; }
                case BOOL: { boolean x = rs.getBoolean(col); v = rs.wasNull() ? null : Value.ofBool(x); break; }
                case STRING: { String x = rs.getString(col); v = x == null ? null : Value.ofString(x); break; }
                case BYTES: { byte[] x = rs.getBytes(col); v = x == null ? null : Value.ofBytes(x); break; }
                default: v = readList(rs, col, f); break;
            }
            // Feast writes an unset Value for a missing (None) feature value.
            return v == null ? Value.UNSET : v;
        }

        private Value readList(ResultSet rs, int col, Field f) throws SQLException {
            Array a = rs.getArray(col);
            if (a == null) return null;
            Object[] xs = (Object[]) a.getArray();
            for (Object x : xs) {
                if (x == null) {
                    throw new LarderException(file + ": column '" + f.name() + "' holds a list with a null element; Feast lists cannot hold nulls");
                }
            }
            int n = xs.length;
            switch (f.type()) {
                case FLOAT_LIST: { float[] o = new float[n]; for (int i = 0; i < n; i++) o[i] = ((Number) xs[i]).floatValue(); return Value.ofFloatList(o); }
                case DOUBLE_LIST: { double[] o = new double[n]; for (int i = 0; i < n; i++) o[i] = ((Number) xs[i]).doubleValue(); return Value.ofDoubleList(o); }
                case INT32_LIST: { int[] o = new int[n]; for (int i = 0; i < n; i++) o[i] = ((Number) xs[i]).intValue(); return Value.ofInt32List(o); }
                case INT64_LIST: { long[] o = new long[n]; for (int i = 0; i < n; i++) o[i] = ((Number) xs[i]).longValue(); return Value.ofInt64List(o); }
                case UNIX_TIMESTAMP_LIST: { long[] o = new long[n]; for (int i = 0; i < n; i++) o[i] = ((Number) xs[i]).longValue(); return Value.ofUnixTimestampList(o); }
                case BOOL_LIST: { boolean[] o = new boolean[n]; for (int i = 0; i < n; i++) o[i] = (Boolean) xs[i]; return Value.ofBoolList(o); }
                case STRING_LIST: { List<String> o = new ArrayList<>(n); for (Object x : xs) o.add(String.valueOf(x)); return Value.ofStringList(o); }
                case BYTES_LIST: { List<byte[]> o = new ArrayList<>(n); for (Object x : xs) o.add(bytesOf(x)); return Value.ofBytesList(o); }
                default: throw new IllegalStateException("Unsupported type " + f.type());
            }
        }

        @Override
        public void close() {
            try (Statement st = conn.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + TEMP);
            } catch (SQLException ignored) {
                // the connection closes at the end of the run anyway
            }
        }
    }

    private static byte[] bytesOf(Object x) throws SQLException {
        if (x instanceof byte[]) return (byte[]) x;
        if (x instanceof java.sql.Blob) {
            java.sql.Blob b = (java.sql.Blob) x;
            return b.getBytes(1, (int) b.length());
        }
        if (x instanceof java.nio.ByteBuffer) {
            java.nio.ByteBuffer bb = ((java.nio.ByteBuffer) x).duplicate();
            byte[] o = new byte[bb.remaining()];
            bb.get(o);
            return o;
        }
        throw new IllegalStateException("Unexpected BLOB element " + x.getClass());
    }

    /**
     * Selects the latest row per entity key of a view's source with event time in [start, end].
     *
     * @throws LarderException naming the file (and column) when the file is missing or unreadable,
     *                         or a column is missing or of the wrong type
     */
    public Selection select(FeatureViewDefinition def, Path repo, Instant start, Instant end) {
        FeatureView view = def.view();
        SourceDefinition src = def.source();
        Path file = src.resolve(repo);
        String where = "feature view '" + view.name() + "': ";
        if (!Files.exists(file)) {
            throw new LarderException(where + "source file " + file + " not found (source.path '" + src.path() + "' in features.yaml)");
        }
        if (!Files.isRegularFile(file)) {
            throw new LarderException(where + "source " + file + " is not a file");
        }
        try {
            if (Files.size(file) == 0) {
                return new Selection(view, file, 0, "source file " + file + " is empty; nothing to materialize");
            }
        } catch (java.io.IOException e) {
            throw new LarderException(where + "cannot read source file " + file + ": " + e.getMessage());
        }
        String reader = reader(src, file);
        Map<String, String> columns = new LinkedHashMap<>();
        long total;
        try (Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + reader)) {
                while (rs.next()) columns.put(rs.getString("column_name"), rs.getString("column_type").toUpperCase(Locale.ROOT));
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + reader)) {
                rs.next();
                total = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new LarderException(where + "cannot read " + file + " as " + src.format().name().toLowerCase(Locale.ROOT)
                    + ": " + firstLine(e), e);
        }
        if (total == 0) {
            return new Selection(view, file, 0, "source file " + file + " has no rows; nothing to materialize");
        }

        List<String> problems = new ArrayList<>();
        List<String> select = new ArrayList<>();
        List<String> keyCols = new ArrayList<>();
        List<Field> keyFields = view.isEntityless() ? List.of() : view.joinKeys();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < keyFields.size(); i++) {
            Field k = keyFields.get(i);
            String expr = convert(file, columns, k, "join key '" + k.name() + "'", problems);
            select.add((expr == null ? "NULL" : expr) + " AS __k" + i);
            keyCols.add(quote(k.name()));
            order.addAll(serializedOrder("__k" + i, k.type()));
        }
        for (int i = 0; i < view.features().size(); i++) {
            Field f = view.features().get(i);
            String expr = convert(file, columns, f, "feature '" + view.name() + ":" + f.name() + "'", problems);
            select.add((expr == null ? "NULL" : expr) + " AS __f" + i);
        }
        String ts = timeExpr(file, columns, src.timestampField(), "timestamp_field", problems);
        String created = src.createdTimestampColumn() == null ? "CAST(NULL AS BIGINT)"
                : timeExpr(file, columns, src.createdTimestampColumn(), "created_timestamp_column", problems);
        if (!problems.isEmpty()) {
            throw new LarderException(where + String.join(System.lineSeparator() + where, problems));
        }
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE TEMP TABLE ").append(TEMP).append(" AS SELECT * FROM (SELECT ");
        sql.append(String.join(", ", select));
        sql.append(", __ts, __created FROM (SELECT *, ").append(ts).append(" AS __ts, ").append(created).append(" AS __created FROM ")
                .append(reader).append(") WHERE __ts BETWEEN ").append(Timestamps.toMicros(start)).append(" AND ").append(Timestamps.toMicros(end));
        for (String k : keyCols) sql.append(" AND ").append(k).append(" IS NOT NULL");
        sql.append(" QUALIFY row_number() OVER (");
        if (!keyCols.isEmpty()) sql.append("PARTITION BY ").append(String.join(", ", keyCols)).append(' ');
        sql.append("ORDER BY __ts DESC, __created DESC NULLS LAST) = 1)");
        // Rows leave in the byte order of their serialized entity keys, so B-tree stores (SQLite's
        // primary key and entity-key index) append pages instead of inserting at random places.
        if (!order.isEmpty()) sql.append(" ORDER BY ").append(String.join(", ", order));
        long count;
        try (Statement st = conn.createStatement()) {
            st.execute(sql.toString());
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TEMP)) {
                rs.next();
                count = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new LarderException(where + "converting " + file + " to the view's types failed: " + firstLine(e), e);
        }
        return new Selection(view, file, count, "");
    }

    /**
     * Sort expressions giving the memcmp order of Feast's serialized value of a join key: fixed
     * width integers are little-endian (so their bytes are compared lowest first), strings and
     * bytes are a little-endian length followed by the bytes.
     */
    static List<String> serializedOrder(String col, ValueType type) {
        switch (type) {
            case INT64:
            case UNIX_TIMESTAMP:
                return List.of(byteSwapped(col, 8));
            case INT32:
                return List.of(byteSwapped(col, 4));
            case STRING:
                return List.of(byteSwapped("octet_length(encode(" + col + "))", 4), "encode(" + col + ")");
            case BYTES:
                return List.of(byteSwapped("octet_length(" + col + ")", 4), col);
            default:
                return List.of(col);
        }
    }

    /** The value's low {@code bytes} bytes reversed into an unsigned number: comparing it compares the LE bytes. */
    private static String byteSwapped(String col, int bytes) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < bytes; i++) {
            parts.add("(CAST((CAST(" + col + " AS BIGINT) >> " + (8 * i) + ") & 255 AS UBIGINT) << " + (8 * (bytes - 1 - i)) + ")");
        }
        return "(" + String.join(" | ", parts) + ")";
    }

    private static String reader(SourceDefinition src, Path file) {
        String p = "'" + file.toString().replace("'", "''") + "'";
        return src.format() == SourceDefinition.Format.CSV ? "read_csv(" + p + ", header = true)" : "read_parquet(" + p + ")";
    }

    static String quote(String column) {
        return "\"" + column.replace("\"", "\"\"") + "\"";
    }

    private static boolean isInteger(String t) {
        return t.matches("U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|UHUGEINT");
    }

    private static boolean isNumeric(String t) {
        return isInteger(t) || t.equals("FLOAT") || t.equals("DOUBLE") || t.startsWith("DECIMAL");
    }

    private static boolean isTimestamp(String t) {
        return t.startsWith("TIMESTAMP") || t.equals("DATE");
    }

    /** An SQL expression giving the column in the field's type, or null after recording a problem. */
    private static String convert(Path file, Map<String, String> columns, Field f, String what, List<String> problems) {
        String dt = columns.get(f.name());
        if (dt == null) {
            problems.add(file + ": column '" + f.name() + "' (" + what + ") is missing; the file has columns " + columns.keySet());
            return null;
        }
        String c = quote(f.name());
        ValueType t = f.type();
        String expr = t.isList() ? listExpr(c, dt, t.elementType()) : scalarExpr(c, dt, t);
        if (expr == null) {
            problems.add(file + ": column '" + f.name() + "' is " + dt + ", which cannot be read as " + FeastTypes.dtypeName(t) + " (" + what + ")");
        }
        return expr;
    }

    private static String scalarExpr(String c, String dt, ValueType t) {
        switch (t) {
            case FLOAT: return isNumeric(dt) ? "CAST(" + c + " AS FLOAT)" : null;
            case DOUBLE: return isNumeric(dt) ? "CAST(" + c + " AS DOUBLE)" : null;
            case INT32: return isInteger(dt) ? "CAST(" + c + " AS INTEGER)" : null;
            case INT64: return isInteger(dt) ? "CAST(" + c + " AS BIGINT)" : null;
            case BOOL: return dt.equals("BOOLEAN") ? c : null;
            case STRING: return dt.equals("VARCHAR") || isNumeric(dt) || dt.equals("UUID") ? "CAST(" + c + " AS VARCHAR)" : null;
            case BYTES: return dt.equals("BLOB") ? c : null;
            case UNIX_TIMESTAMP:
                if (isInteger(dt)) return "CAST(" + c + " AS BIGINT)";
                if (isTimestamp(dt)) return "CAST(floor(" + epochUs(c, dt) + " / 1000000) AS BIGINT)";
                return null;
            default: return null;
        }
    }

    private static String listExpr(String c, String dt, ValueType element) {
        if (!dt.endsWith("[]")) return null;
        String inner = dt.substring(0, dt.length() - 2);
        String x = scalarExpr("x", inner, element);
        if (x == null) return null;
        return "list_transform(" + c + ", x -> " + x + ")";
    }

    private static String epochUs(String c, String dt) {
        return dt.contains("WITH TIME ZONE") ? "epoch_us(" + c + ")" : "epoch_us(CAST(" + c + " AS TIMESTAMP))";
    }

    private static String timeExpr(Path file, Map<String, String> columns, String column, String option, List<String> problems) {
        String dt = columns.get(column);
        if (dt == null) {
            problems.add(file + ": column '" + column + "' (source." + option + ") is missing; the file has columns " + columns.keySet());
            return null;
        }
        if (!isTimestamp(dt)) {
            problems.add(file + ": column '" + column + "' (source." + option + ") is " + dt + "; it must be a TIMESTAMP or DATE column");
            return null;
        }
        return epochUs(quote(column), dt);
    }

    static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // nothing to release beyond memory
        }
    }
}
