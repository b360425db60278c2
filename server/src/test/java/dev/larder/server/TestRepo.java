package dev.larder.server;

import dev.larder.FeatureStore;
import dev.larder.registry.Repository;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.Value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A feature repository for server tests: Feast's driver example plus views of every value type,
 * a ttl view, a string-keyed view and an entityless one; applied to a real store (SQLite file or
 * a redis-server) and filled with known rows.
 */
final class TestRepo {
    /** Event time of the rows written by {@link #fill}: recent enough for the 1-hour ttl view. */
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final Instant OLD = NOW.minus(Duration.ofDays(2));

    static final String FEATURES_YAML = """
            entities:
              - {name: driver, join_keys: [driver_id], value_type: INT64}
              - {name: customer, join_keys: [customer_id], value_type: STRING}
            push_sources:
              - name: driver_stats_push_source
                batch_source: {path: data/driver_stats.csv, timestamp_field: event_timestamp, created_timestamp_column: created}
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                schema:
                  - {name: conv_rate, dtype: Float32}
                  - {name: acc_rate, dtype: Float32}
                  - {name: avg_daily_trips, dtype: Int64}
                source: driver_stats_push_source
              - name: driver_fresh
                entities: [driver]
                ttl: 1h
                schema:
                  - {name: fresh_rate, dtype: Float64}
                source: {path: data/driver_fresh.csv, timestamp_field: event_timestamp}
              - name: driver_extra
                entities: [driver]
                schema:
                  - {name: conv_rate, dtype: Float64}
                source: {path: data/driver_extra.csv, timestamp_field: event_timestamp}
              - name: customer_profile
                entities: [customer]
                schema:
                  - {name: name, dtype: String}
                  - {name: age, dtype: Int32}
                  - {name: balance, dtype: Float64}
                  - {name: vip, dtype: Bool}
                  - {name: avatar, dtype: Bytes}
                  - {name: signup, dtype: UnixTimestamp}
                  - {name: tags, dtype: Array(String)}
                  - {name: scores, dtype: Array(Float32)}
                  - {name: visits, dtype: Array(Int64)}
                source: {path: data/customers.csv, timestamp_field: event_timestamp}
              - name: totals
                schema:
                  - {name: drivers_online, dtype: Int64}
                source: {path: data/totals.csv, timestamp_field: event_timestamp}
            feature_services:
              - name: driver_activity
                features:
                  - driver_hourly_stats
                  - {view: driver_fresh, features: [fresh_rate]}
              - name: rider_activity
                features:
                  - {view: driver_hourly_stats, features: [avg_daily_trips], alias: rider_stats, join_key_map: {driver_id: rider_id}}
            """;

    final Path dir;
    final Repository repo;

    private TestRepo(Path dir) {
        this.dir = dir;
        this.repo = Repository.open(dir);
    }

    static TestRepo sqlite(Path dir) {
        return create(dir, "online_store:\n  type: sqlite\n  path: data/online.db\n");
    }

    /** Redis with a 2 s command timeout: a stopped server is reported within seconds. */
    static TestRepo redis(Path dir, String address) {
        return redis(dir, address, "2s");
    }

    static TestRepo redis(Path dir, String address, String timeouts) {
        return create(dir, "online_store:\n  type: redis\n  connection_string: \"" + address + "\"\n  command_timeout: " + timeouts
                + "\n  connect_timeout: " + timeouts + "\n");
    }

    private static TestRepo create(Path dir, String onlineStore) {
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(dir.resolve("feature_store.yaml"), "project: server_test\nregistry: data/registry.json\n" + onlineStore);
            Files.writeString(dir.resolve("features.yaml"), FEATURES_YAML);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestRepo t = new TestRepo(dir);
        try (OnlineStore store = t.repo.openStore()) {
            t.repo.apply(store, t.repo.plan());
        }
        return t;
    }

    /** A facade over the repository's store, as the server builds it. */
    FeatureStore openStore() {
        return FeatureStore.builder().config(repo.config()).views(repo.appliedRegistry().featureViews()).build();
    }

    /** Writes the known rows: drivers 1001-1003 (1003 without a fresh row), customers C-1 and C-2 (nulls), totals. */
    TestRepo fill() {
        try (FeatureStore fs = openStore()) {
            List<FeatureRow> drivers = new ArrayList<>();
            for (long id = 1001; id <= 1003; id++) {
                drivers.add(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(id)), Map.of(
                        "conv_rate", Value.ofFloat(id / 10000f), "acc_rate", Value.ofFloat(0.5f), "avg_daily_trips", Value.ofInt64(id - 1000)),
                        NOW.minusSeconds(id - 1000)));
            }
            fs.write("driver_hourly_stats", drivers);
            fs.write("driver_fresh", List.of(
                    new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1001)), Map.of("fresh_rate", Value.ofDouble(0.25)), NOW),
                    new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1002)), Map.of("fresh_rate", Value.ofDouble(0.75)), OLD)));
            Map<String, Value> c1 = new LinkedHashMap<>();
            c1.put("name", Value.ofString("Ada"));
            c1.put("age", Value.ofInt32(36));
            c1.put("balance", Value.ofDouble(1234.5));
            c1.put("vip", Value.ofBool(true));
            c1.put("avatar", Value.ofBytes(new byte[]{1, 2, 3, (byte) 255}));
            c1.put("signup", Value.ofUnixTimestamp(1_700_000_000L));
            c1.put("tags", Value.ofStringList(List.of("a", "b")));
            c1.put("scores", Value.ofFloatList(0.5f, 1.25f));
            c1.put("visits", Value.ofInt64List(1, 2, 3));
            Map<String, Value> c2 = new LinkedHashMap<>();
            for (String f : c1.keySet()) c2.put(f, Value.NULL);
            fs.write("customer_profile", List.of(
                    new FeatureRow(EntityKey.of("customer_id", Value.ofString("C-1")), c1, NOW),
                    new FeatureRow(EntityKey.of("customer_id", Value.ofString("C-2")), c2, NOW)));
            fs.write("totals", List.of(new FeatureRow(EntityKey.DUMMY, Map.of("drivers_online", Value.ofInt64(42)), NOW)));
        }
        return this;
    }

    FeatureServer serve(ServerOptions options) {
        return FeatureServer.start(repo, options.withPort(0));
    }

    /** Defaults, but a 60 s deadline: this shared 2-core machine can be slow, and only deadline tests want 504s. */
    FeatureServer serve() {
        return serve(ServerOptions.defaults().withLimits(ServerOptions.DEFAULT_MAX_REQUEST_BYTES, ServerOptions.DEFAULT_MAX_ENTITY_ROWS,
                Duration.ofSeconds(60)));
    }
}
