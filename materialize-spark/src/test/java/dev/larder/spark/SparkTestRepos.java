package dev.larder.spark;

import dev.larder.definitions.Definitions;
import dev.larder.materialize.MaterializationListener;
import dev.larder.materialize.Materializer;
import dev.larder.materialize.ViewResult;
import dev.larder.registry.RepoPlan;
import dev.larder.registry.Repository;
import dev.larder.spi.OnlineStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Repositories, data files, a shared local[2] session and full dumps of online stores, for the Spark tests. */
final class SparkTestRepos {
    private static SparkSession spark;

    private SparkTestRepos() {
    }

    /** One local[2] session for every test of the JVM (starting one costs seconds). */
    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().appName("larder-spark-tests").master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.default.parallelism", "2")
                    .config("spark.sql.session.timeZone", "UTC")
                    .getOrCreate();
        }
        return spark;
    }

    static Path repo(Path dir, String storeYaml, String engineYaml, String featuresYaml) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("feature_store.yaml"), "project: parity\n" + storeYaml + engineYaml);
        Files.writeString(dir.resolve("features.yaml"), featuresYaml);
        return dir;
    }

    static String sqlite(String file) {
        return "online_store:\n  type: sqlite\n  path: " + file + "\n";
    }

    static String redis(String address, int db) {
        // A generous timeout: a shared 2-core CI machine can hold a 1,000-row pipeline past the default 5 s.
        return "online_store:\n  type: redis\n  connection_string: \"" + address + ",db=" + db + "\"\n  command_timeout: 60s\n";
    }

    static final String SPARK = "batch_engine:\n  type: spark\n  partitions: 3\nmaterialization:\n  online_write_batch_size: 500\n";

    /** What {@code larder apply} does. */
    static void apply(Path dir) {
        Repository repo = Repository.open(dir);
        try (OnlineStore store = repo.openStore()) {
            repo.apply(store, RepoPlan.compute(repo.registry(), Definitions.load(dir)));
        }
    }

    /** What {@code larder materialize} does with the engine feature_store.yaml selects. */
    static List<ViewResult> materialize(Path dir, Instant start, Instant end) {
        return materialize(dir, start, end, MaterializationListener.NONE);
    }

    static List<ViewResult> materialize(Path dir, Instant start, Instant end, MaterializationListener listener) {
        Repository repo = Repository.open(dir);
        try (OnlineStore store = repo.openStore()) {
            return new Materializer(repo, store, listener).materialize(List.of(), start, end);
        }
    }

    static void duck(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            st.execute(sql);
        }
    }

    /** Every row of every table of a SQLite file, as text (blobs in hex), sorted. */
    static Map<String, List<String>> dumpSqlite(Path db) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String t : tables) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + t + "\"")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object o = rs.getObject(i);
                            sb.append(md.getColumnName(i)).append('=').append(o instanceof byte[] ? HexFormat.of().formatHex((byte[]) o) : o).append(' ');
                        }
                        rows.add(sb.toString());
                    }
                }
                rows.sort(null);
                out.put(t, rows);
            }
        }
        return out;
    }

    /** Every hash of a Redis database, keys and fields in hex, sorted. */
    static Map<String, Map<String, String>> dumpRedis(int port, int db) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port + "/" + db);
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            for (byte[] key : c.sync().keys("*".getBytes())) {
                Map<String, String> fields = new TreeMap<>();
                c.sync().hgetall(key).forEach((f, v) -> fields.put(HexFormat.of().formatHex(f), HexFormat.of().formatHex(v)));
                out.put(HexFormat.of().formatHex(key), fields);
            }
        } finally {
            client.shutdown();
        }
        return out;
    }
}
