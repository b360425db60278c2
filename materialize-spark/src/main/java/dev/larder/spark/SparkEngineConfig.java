package dev.larder.spark;

import dev.larder.spi.StoreOptions;

import java.io.Serializable;
import java.util.Map;

/**
 * The Spark engine's options ({@code batch_engine: {type: spark, ...}}), all optional.
 *
 * @param master     the Spark master when Larder starts the session itself ({@code master}, default
 *                   {@code local[*]}); ignored when a session is already running (spark-submit, a
 *                   user's application), whose master wins
 * @param partitions partitions the selected rows are written from ({@code partitions}, Feast's key;
 *                   default 0: as Spark's shuffle leaves them)
 * @param sparkConf  Spark settings for a session Larder starts ({@code spark_conf}, Feast's key)
 */
public record SparkEngineConfig(String master, int partitions, Map<String, String> sparkConf) implements Serializable {
    public static final String DEFAULT_MASTER = "local[*]";

    public SparkEngineConfig {
        sparkConf = Map.copyOf(sparkConf);
    }

    public static SparkEngineConfig defaults() {
        return new SparkEngineConfig(DEFAULT_MASTER, 0, Map.of());
    }

    /** Reads and checks the options; unknown keys and bad values fail with every problem listed. */
    public static SparkEngineConfig from(StoreOptions options) {
        String master = options.string("master", DEFAULT_MASTER).trim();
        if (master.isEmpty()) {
            options.problem("master", "'' is not valid; expected a Spark master URL such as local[*], local[2], spark://host:7077 or yarn");
            master = DEFAULT_MASTER;
        }
        int partitions = options.integer("partitions", 0, 0, 1_000_000);
        Map<String, String> conf = options.stringMap("spark_conf");
        for (String key : conf.keySet()) {
            if (!key.startsWith("spark.")) {
                options.problem("spark_conf", "key '" + key + "' is not a Spark setting; Spark settings start with 'spark.'");
            }
        }
        options.validate();
        return new SparkEngineConfig(master, partitions, conf);
    }
}
