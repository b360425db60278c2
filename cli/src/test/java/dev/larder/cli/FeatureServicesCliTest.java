package dev.larder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.larder.FeatureStore;
import dev.larder.config.RepoConfig;
import dev.larder.definitions.FeatureServiceDefinition;
import dev.larder.registry.Registry;
import dev.larder.registry.RegistryStores;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.Value;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feature services declared in features.yaml: applied to each kind of registry, read back, and
 * served by {@code larder get --feature-service}, including Feast's {@code name_alias} and
 * {@code join_key_map} (one view read twice, for the trip's origin and destination drivers).
 */
class FeatureServicesCliTest {
    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path repo;

    final CliRunner cli = new CliRunner(Clock.fixed(NOW, ZoneOffset.UTC));

    static final String FEATURES = """
            entities:
              - {name: driver, join_keys: [driver_id], value_type: INT64}
            feature_views:
              - name: stats
                entities: [driver]
                ttl: 1d
                schema: [{name: conv_rate, dtype: Float32}, {name: trips, dtype: Int64}]
                source: {path: data/stats.parquet, timestamp_field: event_timestamp}
              - name: stats2
                entities: [driver]
                schema: [{name: conv_rate, dtype: Float32}]
                source: {path: data/stats2.parquet, timestamp_field: event_timestamp}
            feature_services:
              - name: plain
                features: [stats, {view: stats2, features: [conv_rate]}]
              - name: trip
                features:
                  - {view: stats, features: [conv_rate], alias: origin, join_key_map: {driver_id: origin_id}}
                  - {view: stats, features: [conv_rate], alias: dest, join_key_map: {driver_id: dest_id}}
            """;

    CliRunner.Result run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--repo";
        all[1] = repo.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data/registry.json", "data/registry.db", "{registry_type: sql, path: 'sqlite:///data/sql_registry.db'}"})
    void servicesFromFeaturesYamlAreAppliedToEveryRegistryKindAndServed(String registry) throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), "project: svc\nregistry: " + registry
                + "\nonline_store: {type: sqlite, path: data/online.db}\n");
        Files.writeString(repo.resolve("features.yaml"), FEATURES);

        CliRunner.Result plan = run("plan");
        assertThat(plan.code()).as(plan.toString()).isZero();
        String kind = registry.endsWith(".json") ? "Larder registry" : registry.endsWith(".db") ? "Feast file registry" : "Feast SQL registry";
        assertThat(plan.out()).contains("registry: " + kind).contains("feature service plain (2 feature views)");
        CliRunner.Result apply = run("apply");
        assertThat(apply.code()).as(apply.toString()).isZero();
        assertThat(apply.out()).contains("Applied. Registry: " + kind);

        RepoConfig config = RepoConfig.load(repo);
        Registry applied = RegistryStores.open(config.registry()).loadApplied("svc");
        assertThat(applied.featureServices()).extracting(FeatureServiceDefinition::name).containsExactly("plain", "trip");
        assertThat(applied.featureServices().get(1).projections().get(1))
                .isEqualTo(new FeatureServiceDefinition.Projection("stats", "dest", List.of("conv_rate"), Map.of("driver_id", "dest_id")));

        try (FeatureStore fs = FeatureStore.builder().config(config).catalog(dev.larder.Catalog.of(applied)).build()) {
            fs.write("stats", List.of(row(1, 0.5f, 10), row(2, 0.25f, 20)));
            fs.write("stats2", List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1)), Map.of("conv_rate", Value.ofFloat(0.125f)),
                    NOW.minusSeconds(60))));
        }

        CliRunner.Result trip = run("get", "--feature-service", "trip", "--full-feature-names", "--entity", "origin_id=1,dest_id=2",
                "--entity", "origin_id=2,dest_id=3", "--output", "json");
        assertThat(trip.code()).as(trip.toString()).isZero();
        JsonNode t = JSON.readTree(trip.out());
        assertThat(t.at("/metadata/feature_names").toString()).isEqualTo("[\"origin_id\",\"dest_id\",\"origin__conv_rate\",\"dest__conv_rate\"]");
        assertThat(t.at("/results/0/values").toString()).isEqualTo("[1,2]");
        assertThat(t.at("/results/2/values").toString()).isEqualTo("[0.5,0.25]");
        assertThat(t.at("/results/3/values").toString()).isEqualTo("[0.25,null]");
        assertThat(t.at("/results/3/statuses").toString()).isEqualTo("[\"PRESENT\",\"NOT_FOUND\"]");

        CliRunner.Result plain = run("get", "--feature-service", "plain", "--full-feature-names", "--entity", "driver_id=1", "--output", "json");
        assertThat(plain.code()).as(plain.toString()).isZero();
        JsonNode p = JSON.readTree(plain.out());
        assertThat(p.at("/metadata/feature_names").toString())
                .isEqualTo("[\"driver_id\",\"stats__conv_rate\",\"stats__trips\",\"stats2__conv_rate\"]");
        assertThat(p.at("/results/3/values").toString()).isEqualTo("[0.125]");

        CliRunner.Result clash = run("get", "--feature-service", "trip", "--entity", "origin_id=1,dest_id=2");
        assertThat(clash.code()).isEqualTo(1);
        assertThat(clash.err()).contains("'conv_rate'").contains("full feature names");
    }

    static FeatureRow row(long driver, float conv, long trips) {
        return new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(driver)),
                Map.of("conv_rate", Value.ofFloat(conv), "trips", Value.ofInt64(trips)), NOW.minusSeconds(60));
    }
}
