package dev.larder.spi;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreOptionsTest {

    @Test
    void typedGettersReadValuesAndDefaults() {
        StoreOptions o = StoreOptions.of("feature_store.yaml", "x", Map.of(
                "type", "x", "n", 5, "flag", true, "ttl", "36h", "hosts", List.of("a", "b"), "tags", Map.of("team", "ml")));
        assertThat(o.integer("n", 1, 1, 10)).isEqualTo(5);
        assertThat(o.integer("absent", 7, 1, 10)).isEqualTo(7);
        assertThat(o.bool("flag", false)).isTrue();
        assertThat(o.duration("ttl", Duration.ZERO)).isEqualTo(Duration.ofHours(36));
        assertThat(o.stringList("hosts", List.of())).containsExactly("a", "b");
        assertThat(o.stringMap("tags")).containsEntry("team", "ml");
        o.validate();
    }

    @Test
    void everyProblemIsReportedAtOnceWithFileAndPath() {
        StoreOptions o = StoreOptions.of("/repo/feature_store.yaml", "dynamodb", Map.of(
                "batch_size", 101, "consistent_reads", "maybe", "batch_sise", 3));
        o.integer("batch_size", 100, 1, 100);
        o.bool("consistent_reads", false);
        o.requiredString("region");
        assertThatThrownBy(o::validate)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "/repo/feature_store.yaml: online_store.batch_size: '101' is not valid; out of range (allowed: 1 to 100)",
                        "/repo/feature_store.yaml: online_store.consistent_reads: 'maybe' is not valid; expected true or false",
                        "/repo/feature_store.yaml: online_store.region: is required for the dynamodb store",
                        "/repo/feature_store.yaml: online_store.batch_sise: unknown option for the dynamodb store; valid options: [batch_size, consistent_reads, region]"));
    }

    @Test
    void secretsNeverAppearInMessagesOrToString() {
        StoreOptions o = StoreOptions.of("f.yaml", "cassandra", Map.of("password", Map.of("hunter2", 1), "port", "hunter2"));
        o.secret("password");
        o.integer("port", 9042, 1, 65535);
        assertThat(o.toString()).doesNotContain("hunter2");
        assertThatThrownBy(o::validate).hasMessageContaining("online_store.password").hasMessageNotContaining("hunter2x")
                .satisfies(e -> assertThat(e.getMessage().lines().filter(l -> l.contains("password")).toList())
                        .allSatisfy(l -> assertThat(l).doesNotContain("hunter2")));
        assertThat(new Secret("hunter2").toString()).doesNotContain("hunter2");
    }

    @Test
    void nestedSectionsReportUnknownKeysWithTheirPath() {
        StoreOptions o = StoreOptions.of("f.yaml", "cassandra", Map.of("load_balancing", Map.of("local_dc", "dc1", "bogus", 1)));
        assertThat(o.section("load_balancing").string("local_dc", "datacenter1")).isEqualTo("dc1");
        assertThatThrownBy(o::validate).hasMessage(
                "f.yaml: online_store.load_balancing.bogus: unknown option for the cassandra store; valid options: [local_dc]");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> Durations.parse("1 fortnight")).hasMessageContaining("'1 fortnight' is not a duration");
        assertThat(Durations.format(Duration.ofDays(1))).isEqualTo("1d");
    }
}
