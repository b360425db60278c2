package dev.larder.definitions;

import dev.larder.LarderException;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DefinitionsTest {
    @TempDir
    Path repo;

    /** The example of the issue, verbatim. */
    static final String ISSUE_EXAMPLE = """
            entities:
              - name: driver
                join_keys: [driver_id]
                value_type: INT64            # Feast's ValueType names
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                ttl: 1d                      # 0 or absent: no max age; accepts 90s, 15m, 36h, 1d, and ISO-8601 (PT1H)
                schema:
                  - {name: conv_rate, dtype: Float32}   # Feast type names: Float32 Float64 Int32 Int64 String Bytes Bool UnixTimestamp Array(<scalar>)
                  - {name: acc_rate, dtype: Float32}
                  - {name: avg_daily_trips, dtype: Int64}
                source:
                  path: data/driver_stats.parquet      # Parquet or CSV, relative to the repo
                  timestamp_field: event_timestamp
                  created_timestamp_column: created    # optional
            """;

    private Definitions load(String yaml) throws IOException {
        Files.writeString(repo.resolve("features.yaml"), yaml);
        return Definitions.load(repo);
    }

    private void assertFails(String yaml, String... fragments) throws IOException {
        Files.writeString(repo.resolve("features.yaml"), yaml);
        assertThatThrownBy(() -> Definitions.load(repo)).isInstanceOf(LarderException.class)
                .message().contains(repo.resolve("features.yaml").toString()).contains(fragments);
    }

    @Test
    void loadsTheIssueExampleExactly() throws IOException {
        Definitions d = load(ISSUE_EXAMPLE);
        assertThat(d.entities()).containsExactly(new EntityDefinition("driver", List.of("driver_id"), ValueType.INT64));
        FeatureViewDefinition v = d.view("driver_hourly_stats").orElseThrow();
        assertThat(v.view()).isEqualTo(new FeatureView("driver_hourly_stats", List.of("driver"),
                List.of(new Field("driver_id", ValueType.INT64)),
                List.of(new Field("conv_rate", ValueType.FLOAT), new Field("acc_rate", ValueType.FLOAT),
                        new Field("avg_daily_trips", ValueType.INT64)), Duration.ofDays(1)));
        assertThat(v.source()).isEqualTo(new SourceDefinition("data/driver_stats.parquet", "event_timestamp", "created"));
        assertThat(v.source().format()).isEqualTo(SourceDefinition.Format.PARQUET);
        assertThat(v.source().resolve(repo)).isEqualTo(repo.resolve("data/driver_stats.parquet").toAbsolutePath().normalize());
    }

    @ParameterizedTest
    @CsvSource({"90s,PT1M30S", "15m,PT15M", "36h,PT36H", "1d,PT24H", "PT1H,PT1H", "0,PT0S"})
    void ttlForms(String ttl, String expected) throws IOException {
        Definitions d = load(ISSUE_EXAMPLE.replace("ttl: 1d ", "ttl: " + ttl + " "));
        assertThat(d.views().get(0).view().ttl()).isEqualTo(Duration.parse(expected));
    }

    @Test
    void absentTtlMeansNoMaxAge() throws IOException {
        Definitions d = load(ISSUE_EXAMPLE.replaceAll("(?m)^\\s*ttl:.*\\n", ""));
        assertThat(d.views().get(0).view().maxAge()).isEmpty();
    }

    @Test
    void everyFeastTypeNameAndValueTypeName() throws IOException {
        String yaml = """
                entities: [{name: user, join_keys: [user_id], value_type: STRING}]
                feature_views:
                  - name: all_types
                    entities: [user]
                    schema:
                      - {name: a, dtype: Float32}
                      - {name: b, dtype: Float64}
                      - {name: c, dtype: Int32}
                      - {name: d, dtype: Int64}
                      - {name: e, dtype: String}
                      - {name: f, dtype: Bytes}
                      - {name: g, dtype: Bool}
                      - {name: h, dtype: UnixTimestamp}
                      - {name: i, dtype: Array(Float32)}
                      - {name: j, dtype: Array(String)}
                      - {name: k, dtype: DOUBLE}
                      - {name: l, dtype: INT64_LIST}
                      - {name: user_id, dtype: String}
                    source: {path: data/x.csv, timestamp_field: ts}
                """;
        FeatureViewDefinition v = load(yaml).views().get(0);
        assertThat(v.view().features()).extracting(Field::type).containsExactly(ValueType.FLOAT, ValueType.DOUBLE, ValueType.INT32,
                ValueType.INT64, ValueType.STRING, ValueType.BYTES, ValueType.BOOL, ValueType.UNIX_TIMESTAMP, ValueType.FLOAT_LIST,
                ValueType.STRING_LIST, ValueType.DOUBLE, ValueType.INT64_LIST);
        // A schema entry naming the join key declares the key, as in Feast; it is not a feature.
        assertThat(v.view().featureNames()).doesNotContain("user_id");
        assertThat(v.source().format()).isEqualTo(SourceDefinition.Format.CSV);
        assertThat(v.source().createdTimestampColumn()).isNull();
    }

    @Test
    void emptyEntitiesMakeAnEntitylessView() throws IOException {
        Definitions d = load("""
                feature_views:
                  - name: global_stats
                    entities: []
                    schema: [{name: total, dtype: Int64}]
                    source: {path: data/g.parquet, timestamp_field: ts}
                """);
        FeatureView v = d.views().get(0).view();
        assertThat(v.isEntityless()).isTrue();
        assertThat(v.joinKeyNames()).containsExactly(EntityKey.DUMMY_JOIN_KEY);
    }

    @Test
    void malformedYamlNamesFileLineAndColumn() throws IOException {
        assertFails("entities:\n  - name: driver\n    join_keys: [driver_id\nfeature_views: []\n", "line ", "column ", "malformed YAML");
    }

    @Test
    void unknownDtype() throws IOException {
        assertFails(ISSUE_EXAMPLE.replace("dtype: Int64}", "dtype: Float128}"),
                "feature_views[0] (driver_hourly_stats).schema[2].dtype", "unknown dtype 'Float128'", "Float32");
    }

    @Test
    void unknownValueType() throws IOException {
        assertFails(ISSUE_EXAMPLE.replace("value_type: INT64", "value_type: INTEGER"),
                "entities[0].value_type", "unknown value type 'INTEGER'", "INT64");
    }

    @Test
    void nonKeyValueTypeIsRejected() throws IOException {
        assertFails(ISSUE_EXAMPLE.replace("value_type: INT64", "value_type: DOUBLE"), "'DOUBLE' cannot be a join key type");
    }

    @Test
    void viewNamingAnUnknownEntity() throws IOException {
        assertFails(ISSUE_EXAMPLE.replace("entities: [driver]", "entities: [rider]"),
                "feature_views[0] (driver_hourly_stats).entities", "unknown entity 'rider'", "[driver]");
    }

    @Test
    void duplicateViewNames() throws IOException {
        String view = ISSUE_EXAMPLE.substring(ISSUE_EXAMPLE.indexOf("  - name: driver_hourly_stats"));
        assertFails(ISSUE_EXAMPLE + view, "feature_views[1] (driver_hourly_stats).name", "defined twice");
    }

    @Test
    void duplicateFeatureNames() throws IOException {
        assertFails(ISSUE_EXAMPLE.replace("{name: acc_rate, dtype: Float32}", "{name: conv_rate, dtype: Float32}"),
                "schema[1].name", "feature 'conv_rate' is declared twice");
    }

    @Test
    void duplicateEntityNames() throws IOException {
        assertFails(ISSUE_EXAMPLE.replace("feature_views:", "  - {name: driver, join_keys: [id], value_type: STRING}\nfeature_views:"),
                "entities[1].name", "entity 'driver' is defined twice");
    }

    @Test
    void missingSourceAndTimestampField() throws IOException {
        assertFails(ISSUE_EXAMPLE.replace("      timestamp_field: event_timestamp\n", ""), "source.timestamp_field: is required");
    }

    static final String PUSH_EXAMPLE = """
            entities:
              - {name: driver, join_keys: [driver_id], value_type: INT64}
            push_sources:
              - name: driver_stats_push_source
                batch_source: {path: data/driver_stats.parquet, timestamp_field: event_timestamp, created_timestamp_column: created}
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                schema: [{name: conv_rate, dtype: Float32}]
                source: driver_stats_push_source
              - name: driver_daily
                entities: [driver]
                schema: [{name: trips, dtype: Int64}]
                source: {path: data/daily.csv, timestamp_field: ts}
            """;

    @Test
    void aViewsSourceMayBeAPushSourceWhoseBatchSourceIsMaterialized() throws IOException {
        Definitions d = load(PUSH_EXAMPLE);
        FeatureViewDefinition pushed = d.view("driver_hourly_stats").orElseThrow();
        assertThat(pushed.pushSourceName()).contains("driver_stats_push_source");
        assertThat(pushed.source()).isEqualTo(new SourceDefinition("data/driver_stats.parquet", "event_timestamp", "created"));
        assertThat(d.view("driver_daily").orElseThrow().pushSourceName()).isEmpty();
    }

    @Test
    void unknownPushSourceAndPushSourceWithoutBatchSource() throws IOException {
        assertFails(PUSH_EXAMPLE.replace("source: driver_stats_push_source", "source: driver_push"),
                "feature_views[0] (driver_hourly_stats).source", "unknown push source 'driver_push'", "[driver_stats_push_source]");
        assertFails(PUSH_EXAMPLE.replace("    batch_source: {path: data/driver_stats.parquet, timestamp_field: event_timestamp, created_timestamp_column: created}\n", ""),
                "push_sources[0].batch_source: is required");
    }

    @Test
    void unknownKeysAreReported() throws IOException {
        assertFails(ISSUE_EXAMPLE.replace("ttl: 1d", "tll: 1d"), "unknown key 'tll'");
    }

    @Test
    void badTtl() throws IOException {
        assertFails(ISSUE_EXAMPLE.replace("ttl: 1d ", "ttl: soon "), ".ttl", "'soon' is not a duration");
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        Files.writeString(repo.resolve("features.yaml"), ISSUE_EXAMPLE.replace("dtype: Int64}", "dtype: Nope}")
                .replace("value_type: INT64", "value_type: Nope"));
        assertThatThrownBy(() -> Definitions.load(repo)).message().contains("unknown dtype 'Nope'").contains("unknown value type 'Nope'");
    }

    @Test
    void feastTypeNamesRoundTrip() {
        for (ValueType t : ValueType.values()) {
            if (t == ValueType.UNKNOWN || t == ValueType.NULL) continue;
            assertThat(FeastTypes.parseDtype(FeastTypes.dtypeName(t))).contains(t);
            assertThat(FeastTypes.parseDtype(t.name())).contains(t);
        }
        assertThat(FeastTypes.parseDtype("array( int64 )")).contains(ValueType.INT64_LIST);
        assertThat(FeastTypes.parseDtype("NULL")).isEmpty();
    }
}
