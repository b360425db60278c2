package dev.larder.definitions;

import dev.larder.LarderException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code feature_services:} in features.yaml. */
class FeatureServiceDefinitionsTest {
    static final String BASE = """
            entities: [{name: driver, join_keys: [driver_id], value_type: INT64}]
            feature_views:
              - name: stats
                entities: [driver]
                schema: [{name: conv_rate, dtype: Float32}, {name: trips, dtype: Int64}]
                source: {path: data/stats.parquet, timestamp_field: event_timestamp}
            """;

    static Definitions parse(String services) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("larder-services-");
        java.nio.file.Files.writeString(dir.resolve("features.yaml"), BASE + services);
        try {
            return Definitions.load(dir);
        } finally {
            java.nio.file.Files.delete(dir.resolve("features.yaml"));
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void aViewNameMeansAllItsFeaturesAndAMappingNamesASubsetAliasAndJoinKeyMap() throws Exception {
        Definitions d = parse("""
                feature_services:
                  - name: all
                    features: [stats]
                  - name: some
                    description: ignored by serving
                    features: [{view: stats, features: [trips], alias: s, join_key_map: {driver_id: rider_id}}]
                """);
        assertThat(d.featureServices()).containsExactly(
                new FeatureServiceDefinition("all", List.of(new FeatureServiceDefinition.Projection("stats", null, List.of("conv_rate", "trips"), Map.of()))),
                new FeatureServiceDefinition("some", List.of(new FeatureServiceDefinition.Projection("stats", "s", List.of("trips"),
                        Map.of("driver_id", "rider_id")))));
    }

    @Test
    void everyProblemIsReportedWithItsPathAndTheValidChoices() {
        assertThatThrownBy(() -> parse("""
                feature_services:
                  - name: bad
                    features:
                      - statz
                      - {view: stats, features: [conv_rte]}
                      - {view: stats, join_key_map: {rider_id: x}}
                      - {view: stats, featuers: [trips]}
                  - name: bad
                    features: [stats]
                  - name: empty
                """))
                .isInstanceOf(LarderException.class)
                .hasMessageContaining("feature_services[0] (bad).features[0]: unknown feature view 'statz'; defined feature views: [stats]")
                .hasMessageContaining("features[1].features: feature view 'stats' has no feature 'conv_rte'; its features: [conv_rate, trips]")
                .hasMessageContaining("features[2].join_key_map: 'rider_id' is not a join key of 'stats'; its join keys: [driver_id]")
                .hasMessageContaining("features[3]: unknown key 'featuers'; valid keys: [alias, features, join_key_map, view]")
                .hasMessageContaining("feature_services[1] (bad).name: feature service 'bad' is defined twice")
                .hasMessageContaining("feature_services[2] (empty).features: is required");
    }
}
