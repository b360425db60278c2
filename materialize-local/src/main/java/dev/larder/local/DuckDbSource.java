package dev.larder.local;

import dev.larder.LarderException;
import dev.larder.engine.MaterializationTask;
import dev.larder.engine.OfflineSource;
import dev.larder.materialize.ColumnRules;
import dev.larder.materialize.FeatureValues;
import dev.larder.materialize.SourceColumn;
import dev.larder.materialize.SourceFiles;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.Timestamps;

import java.io.IOException;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads a view's offline source (Parquet or CSV) with DuckDB: the latest row per entity key with
 * event time in [start, end], both ends included, ties broken by the created timestamp, columns
 * converted to the view's types by Larder's shared rules ({@link ColumnRules}, {@link FeatureValues}).
 *
 * <p>Memory stays bounded whatever the file's size: DuckDB works within {@code memory_limit} and
 * spills the selection to a temporary directory beyond it, and the rows are streamed to Java
 * (DuckDB's streaming results), a batch at a time. One connection serves one materialization run.
 */
public final class DuckDbSource implements AutoCloseable {
    private static final String TEMP = "larder_latest";
    private final Connection conn;
    private final Path spillDir;
    private final boolean ownsSpillDir;

    /** With DuckDB's defaults; for tests. */
    public DuckDbSource() {
        this(LocalEngineConfig.defaults());
    }

    public DuckDbSource(LocalEngineConfig config) {
        try {
            ownsSpillDir = config.tempDirectory() == null;
            spillDir = ownsSpillDir ? Files.createTempDirectory("larder-duckdb-") : config.tempDirectory();
        } catch (IOException e) {
            throw new LarderException("Cannot create a temporary directory for DuckDB: " + e.getMessage(), e);
        }
        Connection c = null;
        try {
            Class.forName("org.duckdb.DuckDBDriver");
            Properties props = new Properties();
            // Rows reach Java chunk by chunk instead of as one materialized result.
            props.setProperty("jdbc_stream_results", "true");
            c = DriverManager.getConnection("jdbc:duckdb:", props);
            try (Statement st = c.createStatement()) {
                st.execute("SET TimeZone = 'UTC'");
                st.execute("SET temp_directory = '" + spillDir.toString().replace("'", "''") + "'");
                st.execute("SET memory_limit = '" + config.memoryLimit().replace("'", "''") + "'");
                if (config.threads() > 0) st.execute("SET threads = " + config.threads());
            }
            conn = c;
        } catch (ClassNotFoundException | SQLException e) {
            closeQuietly(c);
            deleteSpillDir();
            throw new LarderException("Cannot start DuckDB to read offline sources: " + firstLine(e), e);
        }
    }

    /** The rows selected for one view and interval, ready to be streamed. */
    public final class Selection implements AutoCloseable {
        private final MaterializationTask task;
        private final long count;
        private final String note;

        private Selection(MaterializationTask task, long count, String note) {
            this.task = task;
            this.count = count;
            this.note = note;
        }

        /** Rows to write (latest per entity key). */
        public long count() {
            return count;
        }

        /** Why there is nothing to write (a file without rows), or empty. */
        public String note() {
            return note;
        }

        /** Streams the rows in batches of at most {@code batchSize}. */
        public void forEachBatch(int batchSize, Consumer<List<FeatureRow>> sink) {
            if (count == 0) return;
            FeatureView view = task.view();
            List<Field> keys = ColumnRules.joinKeys(view);
            List<Field> features = view.features();
            FeatureValues values = new FeatureValues(task.source().location(), view.name());
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
                        key = EntityKey.of(keys.get(0).name(), values.value(keys.get(0), read(rs, 1, keys.get(0))));
                    } else {
                        Map<String, Value> kv = new HashMap<>();
                        for (int i = 0; i < nk; i++) kv.put(keys.get(i).name(), values.value(keys.get(i), read(rs, i + 1, keys.get(i))));
                        key = EntityKey.of(kv);
                    }
                    Map<String, Value> row = new LinkedHashMap<>(nf * 2);
                    for (int i = 0; i < nf; i++) row.put(names[i], values.value(features.get(i), read(rs, nk + 1 + i, features.get(i))));
                    long tsMicros = rs.getLong(nk + nf + 1);
                    if (tsMicros != lastMicros) { // rows often share event times: reuse the Instant
                        lastMicros = tsMicros;
                        lastTime = Timestamps.fromMicros(tsMicros);
                    }
                    long created = rs.getLong(nk + nf + 2);
                    Instant createdTime = rs.wasNull() ? null : Timestamps.fromMicros(created);
                    batch.add(new FeatureRow(key, row, lastTime, createdTime));
                    if (batch.size() == batchSize) {
                        sink.accept(batch);
                        batch = new ArrayList<>(batchSize);
                    }
                }
                if (!batch.isEmpty()) sink.accept(batch);
            } catch (SQLException e) {
                throw new LarderException(task.where() + task.source().location() + ": reading rows failed: " + firstLine(e), e);
            }
        }

        /** The column's value in the Java shape {@link FeatureValues} takes, null for SQL NULL. */
        private Object read(ResultSet rs, int col, Field f) throws SQLException {
            Object v;
            switch (f.type()) {
                case FLOAT: { float x = rs.getFloat(col); v = x; break; }
                case DOUBLE: { double x = rs.getDouble(col); v = x; break; }
                case INT32: case INT64: case UNIX_TIMESTAMP: { long x = rs.getLong(col); v = x; break; }
                case BOOL: { boolean x = rs.getBoolean(col); v = x; break; }
                case STRING: return rs.getString(col);
                case BYTES: return rs.getBytes(col);
                case BYTES_LIST: {
                    Array a = rs.getArray(col);
                    if (a == null) return null;
                    Object[] xs = (Object[]) a.getArray();
                    for (int i = 0; i < xs.length; i++) if (xs[i] != null) xs[i] = bytesOf(xs[i]);
                    return xs;
                }
                default: {
                    Array a = rs.getArray(col);
                    return a == null ? null : a.getArray();
                }
            }
            return rs.wasNull() ? null : v;
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
     * The file was checked before ({@link SourceFiles#check}): it exists, is not empty and, when
     * compressed, is complete.
     *
     * @throws LarderException naming the file (and column) when the file is unreadable or
     *                         malformed, or a column is missing or of the wrong type
     */
    public Selection select(MaterializationTask task) {
        FeatureView view = task.view();
        OfflineSource src = task.source();
        if (src.isUri()) {
            throw new LarderException(task.where() + "source " + src.location() + " is a URI; the local engine reads local files"
                    + " (use batch_engine.type spark for remote storage)");
        }
        String file = src.location();
        String where = task.where();
        String reader = reader(src);
        Map<String, SourceColumn> columns = new LinkedHashMap<>();
        long total;
        try (Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + reader)) {
                while (rs.next()) {
                    String name = rs.getString("column_name");
                    columns.put(name, column(name, rs.getString("column_type").toUpperCase(Locale.ROOT)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + reader)) {
                rs.next();
                total = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw unreadable(task, e);
        }
        if (total == 0) {
            return new Selection(task, 0, "source file " + file + " has no rows; nothing to materialize");
        }
        try {
            ColumnRules.check(task, columns);
        } catch (LarderException e) {
            // A malformed CSV makes DuckDB guess other columns: say what is wrong with the file instead.
            SourceFiles.explainCsv(src).ifPresent(why -> {
                throw new LarderException(where + why, e);
            });
            throw e;
        }

        List<String> select = new ArrayList<>();
        List<String> keyCols = new ArrayList<>();
        List<Field> keyFields = ColumnRules.joinKeys(view);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < keyFields.size(); i++) {
            Field k = keyFields.get(i);
            select.add(expr(columns.get(k.name()), k.type()) + " AS __k" + i);
            keyCols.add(quote(k.name()));
            order.addAll(serializedOrder("__k" + i, k.type()));
        }
        for (int i = 0; i < view.features().size(); i++) {
            Field f = view.features().get(i);
            select.add(expr(columns.get(f.name()), f.type()) + " AS __f" + i);
        }
        String ts = epochUs(columns.get(src.timestampField()));
        String created = src.createdTimestampColumn() == null ? "CAST(NULL AS BIGINT)" : epochUs(columns.get(src.createdTimestampColumn()));
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE TEMP TABLE ").append(TEMP).append(" AS SELECT * FROM (SELECT ");
        sql.append(String.join(", ", select));
        sql.append(", __ts, __created FROM (SELECT *, ").append(ts).append(" AS __ts, ").append(created).append(" AS __created FROM ")
                .append(reader).append(") WHERE __ts BETWEEN ").append(Timestamps.toMicros(task.start())).append(" AND ")
                .append(Timestamps.toMicros(task.end()));
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
            Throwable cause = e;
            throw SourceFiles.explainCsv(src).map(why -> new LarderException(where + why, cause))
                    .orElseGet(() -> new LarderException(where + "converting " + file + " to the view's types failed: " + firstLine(e), e));
        }
        return new Selection(task, count, "");
    }

    private static LarderException unreadable(MaterializationTask task, SQLException e) {
        OfflineSource src = task.source();
        return SourceFiles.explainCsv(src).map(why -> new LarderException(task.where() + why, e))
                .orElseGet(() -> new LarderException(task.where() + "cannot read " + src.location() + " as "
                        + src.format().name().toLowerCase(Locale.ROOT) + ": " + firstLine(e), e));
    }

    /** DuckDB's type (as DESCRIBE names it) as a kind the shared rules know. */
    static SourceColumn column(String name, String dt) {
        if (dt.endsWith("[]")) {
            return SourceColumn.list(name, dt, column(name, dt.substring(0, dt.length() - 2)));
        }
        SourceColumn.Kind kind;
        if (dt.matches("U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|UHUGEINT")) kind = SourceColumn.Kind.INTEGER;
        else if (dt.equals("FLOAT") || dt.equals("DOUBLE")) kind = SourceColumn.Kind.FLOATING;
        else if (dt.startsWith("DECIMAL")) kind = SourceColumn.Kind.DECIMAL;
        else if (dt.equals("VARCHAR")) kind = SourceColumn.Kind.STRING;
        else if (dt.equals("UUID")) kind = SourceColumn.Kind.UUID;
        else if (dt.equals("BOOLEAN")) kind = SourceColumn.Kind.BOOLEAN;
        else if (dt.equals("BLOB")) kind = SourceColumn.Kind.BINARY;
        else if (dt.startsWith("TIMESTAMP")) kind = SourceColumn.Kind.TIMESTAMP;
        else if (dt.equals("DATE")) kind = SourceColumn.Kind.DATE;
        else kind = SourceColumn.Kind.OTHER;
        return SourceColumn.of(name, dt, kind);
    }

    /** The SQL giving the column in the Java shape {@link FeatureValues} takes for the type (the rules allowed it). */
    private static String expr(SourceColumn c, ValueType t) {
        return valueExpr(quote(c.name()), c, t);
    }

    private static String valueExpr(String c, SourceColumn col, ValueType t) {
        if (t.isList()) {
            return "list_transform(" + c + ", x -> " + valueExpr("x", col.element(), t.elementType()) + ")";
        }
        switch (t) {
            case FLOAT: return "CAST(" + c + " AS FLOAT)";
            case DOUBLE: return "CAST(" + c + " AS DOUBLE)";
            case INT32: // range-checked in Java, with the shared message
            case INT64: return "CAST(" + c + " AS BIGINT)";
            case STRING: return "CAST(" + c + " AS VARCHAR)";
            case UNIX_TIMESTAMP:
                return col.isTime() ? "CAST(floor(" + epochUs(c, col.typeName()) + " / 1000000) AS BIGINT)" : "CAST(" + c + " AS BIGINT)";
            default: return c;
        }
    }

    private static String epochUs(SourceColumn c) {
        return epochUs(quote(c.name()), c.typeName());
    }

    private static String epochUs(String c, String dt) {
        return dt.contains("WITH TIME ZONE") ? "epoch_us(" + c + ")" : "epoch_us(CAST(" + c + " AS TIMESTAMP))";
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

    /** DuckDB's reader for the source: CSV with a header and the separator its name implies (no guessing), or Parquet. */
    private static String reader(OfflineSource src) {
        String p = "'" + src.location().replace("'", "''") + "'";
        if (src.format() == OfflineSource.Format.CSV) {
            String delim = src.location().toLowerCase(Locale.ROOT).matches(".*\\.tsv(\\.gz)?") ? "\t" : ",";
            return "read_csv(" + p + ", header = true, delim = '" + delim + "')";
        }
        return "read_parquet(" + p + ")";
    }

    static String quote(String column) {
        return "\"" + column.replace("\"", "\"\"") + "\"";
    }

    static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing more to release
        }
    }

    private void deleteSpillDir() {
        if (!ownsSpillDir || spillDir == null) return;
        try (Stream<Path> files = Files.walk(spillDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }

    @Override
    public void close() {
        closeQuietly(conn);
        deleteSpillDir();
    }
}
