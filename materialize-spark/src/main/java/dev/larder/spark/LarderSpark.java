package dev.larder.spark;

import dev.larder.LarderException;
import dev.larder.config.RepoConfig;
import dev.larder.materialize.MaterializationListener;
import dev.larder.materialize.Materializer;
import dev.larder.materialize.ViewResult;
import dev.larder.registry.Repository;
import dev.larder.spi.OnlineStore;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Materialization from a Spark application: the same work as {@code larder materialize} with
 * {@code batch_engine.type: spark}, on the caller's session, which stays running.
 *
 * <pre>
 * SparkSession spark = SparkSession.builder().getOrCreate();
 * LarderSpark.materialize(spark, Path.of("feature_repo"), Instant.parse("2024-01-01T00:00:00Z"), Instant.now(), List.of());
 * </pre>
 *
 * The repository directory (feature_store.yaml, features.yaml's registry) is read on the driver;
 * the executors open the online store from its configuration, so they must reach it (and any
 * relative source path resolves on the driver: use absolute paths or URIs on a cluster).
 * The engine's options come from feature_store.yaml's {@code batch_engine:} when its type is
 * spark; {@code master} and {@code spark_conf} are ignored, the session's own settings win.
 */
public final class LarderSpark {
    private LarderSpark() {
    }

    /**
     * Materializes [start, end] (both included) for the named views, or every applied view when
     * {@code views} is empty. Each view's watermark moves only after its job succeeded.
     */
    public static List<ViewResult> materialize(SparkSession spark, Path repo, Instant start, Instant end, Collection<String> views) {
        return run(spark, repo, (m) -> m.materialize(views, start, end));
    }

    /** Materializes each view from its watermark to {@code end}, as {@code larder materialize-incremental}. */
    public static List<ViewResult> materializeIncremental(SparkSession spark, Path repo, Instant end, Collection<String> views) {
        return run(spark, repo, (m) -> m.materializeIncremental(views, end));
    }

    /**
     * The entry point for spark-submit:
     * {@code spark-submit --class dev.larder.spark.LarderSpark larder-spark.jar REPO START END [VIEW,...]}, or
     * {@code ... REPO --incremental END [VIEW,...]}. Times are ISO-8601 instants ({@code 2024-05-01T00:00:00Z}).
     */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: LarderSpark REPO START END [VIEW,...]   or   LarderSpark REPO --incremental END [VIEW,...]");
            System.exit(2);
        }
        Path repo = Path.of(args[0]);
        boolean incremental = args[1].equals("--incremental");
        List<String> views = args.length > 3 ? List.of(args[3].split(",")) : List.of();
        SparkSession spark = SparkSession.builder().appName("larder-materialize").getOrCreate();
        try {
            List<ViewResult> results = incremental
                    ? materializeIncremental(spark, repo, Instant.parse(args[2]), views)
                    : materialize(spark, repo, Instant.parse(args[1]), Instant.parse(args[2]), views);
            for (ViewResult r : results) {
                System.out.println(r.view() + ": " + (r.skipped() ? r.note() : "sent " + r.rows() + " rows to the online store; materialized up to " + r.end()));
            }
        } catch (LarderException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        } finally {
            spark.stop();
        }
    }

    private interface Run {
        List<ViewResult> apply(Materializer m);
    }

    private static List<ViewResult> run(SparkSession spark, Path repo, Run run) {
        Repository repository = Repository.open(repo);
        RepoConfig config = repository.config();
        SparkEngineConfig engineConfig = config.batchEngineType().equals(SparkEngineProvider.TYPE)
                || config.batchEngineType().equals("spark.engine") ? SparkEngineConfig.from(config.batchEngine()) : SparkEngineConfig.defaults();
        try (OnlineStore store = repository.openStore();
             SparkEngine engine = SparkEngine.on(spark, engineConfig, config.materializationBatchSize())) {
            return run.apply(new Materializer(repository, store, MaterializationListener.NONE, engine));
        }
    }
}
