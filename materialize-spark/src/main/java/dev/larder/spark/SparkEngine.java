package dev.larder.spark;

import dev.larder.LarderException;
import dev.larder.engine.MaterializationEngine;
import dev.larder.engine.MaterializationProgress;
import dev.larder.engine.MaterializationTask;
import dev.larder.engine.OfflineSource;
import dev.larder.engine.OnlineTarget;
import dev.larder.engine.ViewOutcome;
import dev.larder.materialize.ColumnRules;
import dev.larder.materialize.SourceColumn;
import dev.larder.materialize.SourceFiles;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.Timestamps;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.util.LongAccumulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Materializes with Apache Spark: reads a view's source with Spark's Parquet or CSV reader, keeps
 * the latest row per entity key in [start, end] (event time, then created time, as the local
 * engine), and writes each partition into the online store from the executors
 * ({@link PartitionWriter}), converting with Larder's shared rules. The driver only plans the job
 * and learns the count: rows never travel back to it.
 */
public final class SparkEngine implements MaterializationEngine {
    private final SparkEngineConfig config;
    private final int batchSize;
    private final boolean ownsSession;
    private SparkSession spark;

    private SparkEngine(SparkSession spark, SparkEngineConfig config, int batchSize, boolean ownsSession) {
        this.spark = spark;
        this.config = config;
        this.batchSize = batchSize;
        this.ownsSession = ownsSession;
    }

    /**
     * An engine on a session the caller runs (a user's Spark application, spark-submit); closing
     * the engine leaves the session running.
     */
    public static SparkEngine on(SparkSession spark, SparkEngineConfig config, int batchSize) {
        return new SparkEngine(spark, config, batchSize, false);
    }

    /**
     * An engine that uses the running session if there is one (spark-submit), or starts its own
     * from the configuration on first use and stops it on close.
     */
    public static SparkEngine fromConfig(SparkEngineConfig config, int batchSize) {
        Optional<SparkSession> active = activeSession();
        return active.map(s -> new SparkEngine(s, config, batchSize, false)).orElseGet(() -> new SparkEngine(null, config, batchSize, true));
    }

    private static Optional<SparkSession> activeSession() {
        scala.Option<SparkSession> a = SparkSession.getActiveSession();
        if (a.isDefined()) return Optional.of(a.get());
        scala.Option<SparkSession> d = SparkSession.getDefaultSession();
        return d.isDefined() ? Optional.of(d.get()) : Optional.empty();
    }

    private SparkSession session() {
        if (spark == null) {
            SparkSession.Builder b = SparkSession.builder().appName("larder-materialize").master(config.master())
                    // Naive timestamps are UTC, as in the local engine; spark_conf can say otherwise.
                    .config("spark.sql.session.timeZone", "UTC")
                    .config("spark.ui.enabled", "false");
            if (config.master().startsWith("local")) {
                // Everything runs in this process: listen on loopback only, not on the host's interfaces.
                b.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1");
            }
            for (Map.Entry<String, String> e : config.sparkConf().entrySet()) b.config(e.getKey(), e.getValue());
            spark = b.getOrCreate();
        }
        return spark;
    }

    @Override
    public ViewOutcome materialize(MaterializationTask task, OnlineTarget target, MaterializationProgress progress) {
        SparkSession s = session();
        OfflineSource src = task.source();
        Dataset<Row> raw;
        Map<String, SourceColumn> columns = new LinkedHashMap<>();
        try {
            raw = read(s, src);
            for (StructField f : raw.schema().fields()) columns.put(f.name(), column(f.name(), f.dataType()));
        } catch (Exception e) { // Spark throws its checked SparkException through Scala code
            throw failure(task, e, "cannot read " + src.location() + " as " + src.format().name().toLowerCase(Locale.ROOT));
        }
        try {
            // Before the column check, as the local engine: a CSV with only a header has no types to check.
            if (raw.isEmpty()) {
                return ViewOutcome.emptySource("source file " + src.location() + " has no rows; nothing to materialize");
            }
        } catch (Exception e) { // Spark throws its checked SparkException through Scala code
            throw failure(task, e, "cannot read " + src.location());
        }
        try {
            ColumnRules.check(task, columns);
        } catch (LarderException e) {
            SourceFiles.explainCsv(src).ifPresent(why -> {
                throw new LarderException(task.where() + why, e);
            });
            throw e;
        }
        try {
            Dataset<Row> latest = latest(task, raw, columns);
            if (config.partitions() > 0) latest = latest.repartition(config.partitions());
            // Each task writes its rows in key order: B-tree stores (SQLite) insert near the previous row.
            if (!ColumnRules.joinKeys(task.view()).isEmpty()) latest = latest.sortWithinPartitions(keyColumns(task.view()));
            progress.selected(-1);
            LongAccumulator written = s.sparkContext().longAccumulator("larder rows written: " + task.view().name());
            s.sparkContext().setJobDescription("larder materialize " + task.view().name() + " [" + task.start() + ", " + task.end() + "]");
            try (TaskProgress taskProgress = TaskProgress.listen(s.sparkContext(), written, progress)) {
                latest.foreachPartition(new PartitionWriter(task.view(), src.location(), target.spec(), batchSize, written));
                taskProgress.finish();
            }
            return ViewOutcome.written(written.value());
        } catch (Exception e) { // Spark throws its checked SparkException through Scala code
            throw failure(task, e, "the Spark job failed");
        }
    }

    private static Dataset<Row> read(SparkSession s, OfflineSource src) {
        if (src.format() == OfflineSource.Format.CSV) {
            String sep = src.location().toLowerCase(Locale.ROOT).matches(".*\\.tsv(\\.gz)?") ? "\t" : ",";
            return s.read().option("header", "true").option("inferSchema", "true").option("sep", sep)
                    // A malformed line fails the read instead of becoming nulls.
                    .option("mode", "FAILFAST").option("timeZone", "UTC").csv(src.location());
        }
        return s.read().parquet(src.location());
    }

    /** The selected rows: join keys, features (in the shapes the writer takes), event and created micros. */
    private static Dataset<Row> latest(MaterializationTask task, Dataset<Row> raw, Map<String, SourceColumn> columns) {
        FeatureView view = task.view();
        OfflineSource src = task.source();
        List<Field> keys = ColumnRules.joinKeys(view);
        Column ts = functions.expr(micros(columns.get(src.timestampField())));
        Column created = src.createdTimestampColumn() == null ? functions.lit(null).cast("bigint")
                : functions.expr(micros(columns.get(src.createdTimestampColumn())));
        Dataset<Row> d = raw.withColumn("__ts", ts).withColumn("__created", created)
                .where(functions.col("__ts").between(Timestamps.toMicros(task.start()), Timestamps.toMicros(task.end())));
        List<Column> partitionBy = new ArrayList<>();
        for (Field k : keys) {
            d = d.where(functions.col(quote(k.name())).isNotNull());
            partitionBy.add(functions.col(quote(k.name())));
        }
        Column[] newestFirst = {functions.col("__ts").desc(), functions.col("__created").desc_nulls_last()};
        if (partitionBy.isEmpty()) {
            d = d.orderBy(newestFirst).limit(1); // an entityless view: one row in all
        } else {
            WindowSpec w = Window.partitionBy(partitionBy.toArray(new Column[0])).orderBy(newestFirst);
            d = d.withColumn("__rank", functions.row_number().over(w)).where(functions.col("__rank").equalTo(1));
        }
        List<Column> select = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Field k = keys.get(i);
            select.add(functions.expr(valueExpr(quote(k.name()), columns.get(k.name()), k.type())).as("__k" + i));
        }
        for (int i = 0; i < view.features().size(); i++) {
            Field f = view.features().get(i);
            select.add(functions.expr(valueExpr(quote(f.name()), columns.get(f.name()), f.type())).as("__f" + i));
        }
        select.add(functions.col("__ts"));
        select.add(functions.col("__created"));
        return d.select(select.toArray(new Column[0]));
    }

    private static Column[] keyColumns(FeatureView view) {
        List<Column> cols = new ArrayList<>();
        for (int i = 0; i < ColumnRules.joinKeys(view).size(); i++) cols.add(functions.col("__k" + i));
        return cols.toArray(new Column[0]);
    }

    /** Spark SQL giving the value in the Java shape the shared conversion takes (the rules allowed the column). */
    private static String valueExpr(String c, SourceColumn col, ValueType t) {
        if (t.isList()) {
            return "transform(" + c + ", x -> " + valueExpr("x", col.element(), t.elementType()) + ")";
        }
        switch (t) {
            case FLOAT: return "CAST(" + c + " AS FLOAT)";
            case DOUBLE: return "CAST(" + c + " AS DOUBLE)";
            case INT32: // range-checked by the shared conversion, with its message
            case INT64: return "CAST(" + c + " AS BIGINT)";
            case STRING: return "CAST(" + c + " AS STRING)";
            case UNIX_TIMESTAMP:
                return col.isTime() ? "CAST(floor(" + micros(c, col) + " / 1000000D) AS BIGINT)" : "CAST(" + c + " AS BIGINT)";
            default: return c;
        }
    }

    private static String micros(SourceColumn c) {
        return micros(quote(c.name()), c);
    }

    /** Epoch microseconds of a time column; naive timestamps and dates are UTC, whatever the session's time zone. */
    private static String micros(String c, SourceColumn col) {
        if (col.kind() == SourceColumn.Kind.DATE) return "(CAST(unix_date(" + c + ") AS BIGINT) * 86400000000)";
        if (col.typeName().equals("TIMESTAMP_NTZ")) return "timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', " + c + ")";
        return "unix_micros(" + c + ")";
    }

    /** Spark's type as a kind the shared rules know; the name shown is Spark SQL's. */
    static SourceColumn column(String name, DataType t) {
        String typeName = t.sql();
        if (t instanceof ArrayType) {
            return SourceColumn.list(name, typeName, column(name, ((ArrayType) t).elementType()));
        }
        SourceColumn.Kind kind;
        if (t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType) kind = SourceColumn.Kind.INTEGER;
        else if (t instanceof FloatType || t instanceof DoubleType) kind = SourceColumn.Kind.FLOATING;
        else if (t instanceof DecimalType) kind = SourceColumn.Kind.DECIMAL;
        else if (t instanceof StringType) kind = SourceColumn.Kind.STRING;
        else if (t instanceof BooleanType) kind = SourceColumn.Kind.BOOLEAN;
        else if (t instanceof BinaryType) kind = SourceColumn.Kind.BINARY;
        else if (t instanceof TimestampType || t instanceof TimestampNTZType) kind = SourceColumn.Kind.TIMESTAMP;
        else if (t instanceof DateType) kind = SourceColumn.Kind.DATE;
        else kind = SourceColumn.Kind.OTHER;
        return SourceColumn.of(name, typeName, kind);
    }

    static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    /**
     * The failure as the user should read it: Larder's own message when a task failed on one
     * (a value out of range, a store error), the file's problem when a CSV is malformed, or Spark's
     * root cause.
     */
    static LarderException failure(MaterializationTask task, Throwable e, String what) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof LarderException) return new LarderException(c.getMessage(), e);
        }
        Optional<String> why = SourceFiles.explainCsv(task.source());
        if (why.isPresent()) return new LarderException(task.where() + why.get(), e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = String.valueOf(root.getMessage()).strip();
        int nl = m.indexOf('\n');
        return new LarderException(task.where() + what + ": " + root.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl)), e);
    }

    @Override
    public void close() {
        if (ownsSession && spark != null) {
            boolean local = spark.sparkContext().isLocal();
            spark.stop();
            spark = null;
            // In local mode this JVM was the executor: release the stores its tasks opened.
            if (local) ExecutorStores.closeAll();
        }
    }
}
