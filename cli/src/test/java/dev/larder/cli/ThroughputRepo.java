package dev.larder.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Creates the repository used to measure materialization throughput: {@code ROWS} entities
 * (default 1,000,000), one row each, 10 features (5 Float32, 3 Int64, 1 Float64, 1 String), as
 * Parquet written by DuckDB. Not a test: run it, then time the real CLI, e.g.
 * <pre>
 * java -cp cli/target/larder.jar cli/src/test/java/dev/larder/cli/ThroughputRepo.java /tmp/bench 1000000
 * ./larder --repo /tmp/bench apply
 * ./larder --repo /tmp/bench materialize 2024-01-01 2024-01-02
 * </pre>
 */
public final class ThroughputRepo {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench_repo");
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("feature_store.yaml"), "project: bench\nonline_store:\n  type: sqlite\n  path: data/online.db\n"
                + "materialization:\n  batch_size: 10000\n");
        StringBuilder f = new StringBuilder("entities:\n  - {name: item, join_keys: [item_id], value_type: INT64}\n"
                + "feature_views:\n  - name: item_stats\n    entities: [item]\n    ttl: 0\n    schema:\n");
        for (int i = 0; i < 5; i++) f.append("      - {name: f").append(i).append(", dtype: Float32}\n");
        for (int i = 5; i < 8; i++) f.append("      - {name: f").append(i).append(", dtype: Int64}\n");
        f.append("      - {name: f8, dtype: Float64}\n      - {name: f9, dtype: String}\n");
        f.append("    source: {path: data/items.parquet, timestamp_field: event_timestamp}\n");
        Files.writeString(dir.resolve("features.yaml"), f.toString());
        StringBuilder sql = new StringBuilder("COPY (SELECT i AS item_id, TIMESTAMP '2024-01-01 00:00:00' + (i % 86400) * INTERVAL 1 SECOND AS event_timestamp");
        for (int k = 0; k < 5; k++) sql.append(", CAST(random() AS FLOAT) AS f").append(k);
        for (int k = 5; k < 8; k++) sql.append(", CAST(random() * 1000000 AS BIGINT) AS f").append(k);
        sql.append(", random() AS f8, 'item-' || CAST(i % 1000 AS VARCHAR) AS f9 FROM range(0, ").append(rows)
                .append(") t(i)) TO '").append(dir.resolve("data/items.parquet").toAbsolutePath()).append("' (FORMAT PARQUET)");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SELECT setseed(0.5)");
            st.execute(sql.toString());
        }
        System.out.println("Wrote " + rows + " rows to " + dir.resolve("data/items.parquet"));
    }
}
