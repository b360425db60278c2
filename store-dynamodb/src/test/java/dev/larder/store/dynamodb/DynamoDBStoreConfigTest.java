package dev.larder.store.dynamodb;

import dev.larder.OnlineStores;
import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.ConfigException;
import dev.larder.spi.StoreOptions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every option's key and default, the option errors issue 5 lists, and what the provider declares. */
class DynamoDBStoreConfigTest {

    private static DynamoDBStoreConfig config(Map<String, ?> raw) {
        return DynamoDBStoreConfig.from(StoreOptions.of("feature_store.yaml", "dynamodb", raw));
    }

    private static ConfigException problems(Map<String, ?> raw) {
        try {
            config(raw);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for " + raw);
    }

    @Test
    void defaultsAreFeastsAndDocumented() {
        DynamoDBStoreConfig c = config(Map.of("region", "eu-west-1"));
        assertThat(c.region()).isEqualTo("eu-west-1");
        assertThat(c.endpointUrl()).isNull();
        assertThat(c.tableNameTemplate()).isEqualTo("{project}.{table_name}");
        assertThat(c.batchSize()).isEqualTo(100);
        assertThat(c.maxReadWorkers()).isEqualTo(10);
        assertThat(c.consistentReads()).isFalse();
        assertThat(c.tags()).isEmpty();
        assertThat(c.sessionBasedAuth()).isFalse();
        assertThat(c.maxPoolConnections()).isEqualTo(50);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.totalMaxRetryAttempts()).isEqualTo(3);
        assertThat(c.conditionalWrites()).isTrue();
        assertThat(c.maxWriteWorkers()).isEqualTo(25);
        assertThat(c.unprocessedRetryTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.tableName("demo", "driver_stats")).isEqualTo("demo.driver_stats");
        assertThat(c.target()).isEqualTo("DynamoDB in eu-west-1");
    }

    @Test
    void everyOptionIsRead() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("region", "us-west-2");
        raw.put("endpoint_url", "http://127.0.0.1:8000");
        raw.put("table_name_template", "feast-{project}-{table_name}");
        raw.put("batch_size", 25);
        raw.put("max_read_workers", 3);
        raw.put("consistent_reads", true);
        raw.put("tags", Map.of("team", "ml", "cost", 7));
        raw.put("session_based_auth", true);
        raw.put("max_pool_connections", 8);
        raw.put("connect_timeout", 1.5);
        raw.put("read_timeout", "30s");
        raw.put("total_max_retry_attempts", 5);
        raw.put("conditional_writes", false);
        raw.put("max_write_workers", 4);
        raw.put("unprocessed_retry_timeout", "2m");
        DynamoDBStoreConfig c = config(raw);
        assertThat(c).isEqualTo(new DynamoDBStoreConfig("us-west-2", URI.create("http://127.0.0.1:8000"), "feast-{project}-{table_name}",
                25, 3, true, Map.of("team", "ml", "cost", "7"), true, 8, Duration.ofMillis(1500), Duration.ofSeconds(30), 5, false, 4,
                Duration.ofMinutes(2)));
        assertThat(c.tableName("demo", "fv")).isEqualTo("feast-demo-fv");
        assertThat(c.target()).isEqualTo("http://127.0.0.1:8000");
    }

    @Test
    void batchSizeMustBeOneToHundred() {
        assertThat(problems(Map.of("region", "us-east-1", "batch_size", 0)).getMessage())
                .contains("online_store.batch_size", "'0'", "allowed: 1 to 100");
        assertThat(problems(Map.of("region", "us-east-1", "batch_size", 101)).getMessage())
                .contains("online_store.batch_size", "'101'", "allowed: 1 to 100");
        assertThat(config(Map.of("region", "us-east-1", "batch_size", 1)).batchSize()).isEqualTo(1);
        assertThat(config(Map.of("region", "us-east-1", "batch_size", 100)).batchSize()).isEqualTo(100);
    }

    @Test
    void regionIsRequiredWithoutEndpoint() {
        assertThat(problems(Map.of()).getMessage()).contains("online_store.region", "required", "endpoint_url");
        DynamoDBStoreConfig local = config(Map.of("endpoint_url", "http://localhost:8000"));
        assertThat(local.region()).isEqualTo(DynamoDBStoreConfig.LOCAL_REGION);
    }

    @Test
    void unknownOptionIsNamed() {
        assertThat(problems(Map.of("region", "us-east-1", "batch_sise", 10)).getMessage())
                .contains("online_store.batch_sise", "unknown option", "batch_size", "max_read_workers");
    }

    @Test
    void otherRangesAndFormsAreChecked() {
        assertThat(problems(Map.of("region", "us-east-1", "max_read_workers", 0)).getMessage()).contains("max_read_workers", "allowed: 1 to");
        assertThat(problems(Map.of("region", "us-east-1", "max_write_workers", -1)).getMessage()).contains("max_write_workers", "allowed: 1 to");
        assertThat(problems(Map.of("region", "us-east-1", "max_pool_connections", 0)).getMessage()).contains("max_pool_connections");
        assertThat(problems(Map.of("region", "us-east-1", "total_max_retry_attempts", 0)).getMessage()).contains("total_max_retry_attempts", "1 to 100");
        assertThat(problems(Map.of("region", "us-east-1", "read_timeout", 0)).getMessage()).contains("read_timeout", "greater than zero");
        assertThat(problems(Map.of("region", "us-east-1", "connect_timeout", "soon")).getMessage()).contains("connect_timeout", "duration");
        assertThat(problems(Map.of("region", "us-east-1", "consistent_reads", "maybe")).getMessage()).contains("consistent_reads", "true or false");
        assertThat(problems(Map.of("region", "us-east-1", "endpoint_url", "localhost:8000")).getMessage()).contains("endpoint_url", "http://");
        assertThat(problems(Map.of("region", "us-east-1", "table_name_template", "{project}")).getMessage()).contains("table_name_template", "{table_name}");
        assertThat(problems(Map.of("region", "us-east-1", "table_name_template", "{env}.{table_name}")).getMessage()).contains("{env}");
        assertThat(problems(Map.of("region", "us-east-1", "tags", "team=ml")).getMessage()).contains("tags", "map");
    }

    @Test
    void aConfigBuiltInCodeIsCheckedToo() {
        assertThatThrownBy(() -> new DynamoDBStoreConfig("us-east-1", null, "{table_name}", 101, 1, false, Map.of(), false, 1,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1, true, 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch_size 101");
        assertThatThrownBy(() -> new DynamoDBStoreConfig("us-east-1", null, "{table_name}", 100, 0, false, Map.of(), false, 1,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1, true, 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_read_workers");
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        ConfigException e = problems(Map.of("batch_size", 0, "max_read_workers", 0, "nope", 1));
        assertThat(e.problems()).hasSize(4);
        assertThat(e.getMessage()).contains("batch_size", "max_read_workers", "nope", "region");
    }

    @Test
    void providerIsFoundByTypeAndDeclaresWhatTheTestsProve() {
        assertThat(OnlineStores.installed().get("dynamodb", "test")).isInstanceOf(DynamoDBStoreProvider.class);
        Map<Capability, CapabilitySupport> matrix = new DynamoDBStoreProvider().capabilities();
        assertThat(matrix.keySet()).isEqualTo(EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN,
                Capability.PLAN, Capability.ENTITYLESS_FEATURE_VIEWS, Capability.CONCURRENT_WRITES_SAME_KEY,
                Capability.COLLOCATED_BY_FEATURE_VIEW, Capability.ASYNC_READ, Capability.BATCHED_READ));
        assertThat(matrix.get(Capability.CONCURRENT_WRITES_SAME_KEY).option()).contains("conditional_writes");
        assertThat(matrix.get(Capability.CONCURRENT_WRITES_SAME_KEY).toString()).isEqualTo("with `conditional_writes` true (the default)");
        assertThat(matrix).allSatisfy((c, support) -> assertThat(support.isConditional()).as("%s", c).isEqualTo(c == Capability.CONCURRENT_WRITES_SAME_KEY));
        assertThat(matrix.keySet()).doesNotContain(Capability.DELETE_EXPIRED_DATA, Capability.MULTI_VIEW_READ, Capability.COLLOCATED_BY_ENTITY_KEY);
        assertThatThrownBy(() -> new DynamoDBStoreProvider().create(new dev.larder.spi.StoreContext("p", java.nio.file.Path.of("."),
                StoreOptions.of("dynamodb", Map.of("batch_size", 101, "region", "x")))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("batch_size");
        assertThat(List.of(new DynamoDBStoreProvider().type())).containsExactly("dynamodb");
    }

    @Test
    void theStoresCapabilitiesFollowConditionalWrites() {
        Set<Capability> always = EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN,
                Capability.ENTITYLESS_FEATURE_VIEWS, Capability.COLLOCATED_BY_FEATURE_VIEW, Capability.ASYNC_READ, Capability.BATCHED_READ);
        assertThat(DynamoDBStoreProvider.capabilitiesOf(config(Map.of("region", "us-east-1"))))
                .isEqualTo(union(always, Capability.CONCURRENT_WRITES_SAME_KEY));
        assertThat(DynamoDBStoreProvider.capabilitiesOf(config(Map.of("region", "us-east-1", "conditional_writes", true))))
                .isEqualTo(union(always, Capability.CONCURRENT_WRITES_SAME_KEY));
        assertThat(DynamoDBStoreProvider.capabilitiesOf(config(Map.of("region", "us-east-1", "conditional_writes", false)))).isEqualTo(always);
    }

    private static Set<Capability> union(Set<Capability> a, Capability b) {
        Set<Capability> out = EnumSet.copyOf(a);
        out.add(b);
        return out;
    }

    @Test
    void anEndpointThatCouldCarryASecretIsRefusedWithoutShowingIt() {
        assertThat(new DynamoDBStoreProvider().sensitiveOptions()).containsExactly("endpoint_url");
        String secret = Secrets.SECRET;
        for (String endpoint : List.of("http://admin:" + secret + "@127.0.0.1:8000", "http://127.0.0.1:8000/?token=" + secret,
                "http://127.0.0.1:8000/#" + secret, "localhost:" + secret, "http://" + secret, "ht tp://x:" + secret + "@y")) {
            ConfigException e = problems(Map.of("region", "us-east-1", "endpoint_url", endpoint));
            assertThat(e.getMessage()).as("endpoint %s", endpoint).contains("online_store.endpoint_url", "http://");
            Secrets.assertNothingOf(secret, e.getMessage(), e.toString(), String.valueOf(e.problems()));
        }
        // Given as a map by mistake: StoreOptions hides a sensitive option's value too.
        ConfigException e = DynamoDBStoreConfigTest.problemsOf(StoreOptions.of("feature_store.yaml", "dynamodb",
                Map.of("region", "us-east-1", "endpoint_url", Map.of("password", secret))).withSensitive(new DynamoDBStoreProvider().sensitiveOptions()));
        Secrets.assertNothingOf(secret, e.getMessage());
        assertThatThrownBy(() -> new DynamoDBStoreConfig("us-east-1", URI.create("http://u:pw@127.0.0.1:1"), "{table_name}", 100, 1, false, Map.of(),
                false, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, true, 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("pw").hasMessageContaining("user info");
        // A plain endpoint is still shown when it is wrong: nothing in it can be a secret.
        assertThat(problems(Map.of("region", "us-east-1", "endpoint_url", "ftp://127.0.0.1:8000")).getMessage()).contains("'ftp://127.0.0.1:8000'");
    }

    private static ConfigException problemsOf(StoreOptions options) {
        try {
            DynamoDBStoreConfig.from(options);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }
}
