package dev.larder.store.cassandra;

import dev.larder.spi.Capability;
import dev.larder.spi.ConfigException;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.testing.FreePorts;
import dev.larder.testing.cassandra.CassandraNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every option key and default, and the bad-config errors: one clear line each, never a password. */
class CassandraStoreConfigTest {
    private static CassandraStoreConfig parse(Map<String, ?> raw) {
        return CassandraStoreConfig.from(StoreOptions.of("cassandra", raw));
    }

    private static Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put("hosts", List.of("127.0.0.1"));
        return m;
    }

    @Test
    void defaults() {
        CassandraStoreConfig c = parse(base());
        assertThat(c.hosts()).containsExactly("127.0.0.1");
        assertThat(c.port()).isEqualTo(9042);
        assertThat(c.keyspace()).isEqualTo("feast_keyspace");
        assertThat(c.username()).isEmpty();
        assertThat(c.password()).isEmpty();
        assertThat(c.protocolVersion()).isEmpty();
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.localDc()).isEqualTo("datacenter1");
        assertThat(c.readConcurrency()).isEqualTo(100);
        assertThat(c.writeConcurrency()).isEqualTo(100);
        assertThat(c.createKeyspace()).isFalse();
        assertThat(c.replicationFactor()).isEqualTo(3);
        assertThat(c.keyTtlSeconds()).isZero();
        assertThat(c.readBatchSize()).isEqualTo(20);
        assertThat(c.writeTimestamp()).as("safe beside Feast's writers").isEqualTo(WriteTimestamp.NOW);
    }

    @Test
    void everyKey() {
        Map<String, Object> m = new HashMap<>();
        m.put("type", "cassandra");
        m.put("hosts", List.of("cass-1.example.com", "10.0.0.7:9142"));
        m.put("port", 19042);
        m.put("keyspace", "features_eu");
        m.put("username", "larder");
        m.put("password", "s3cret-pw");
        m.put("protocol_version", 5);
        m.put("request_timeout", 2.5);
        m.put("load_balancing", Map.of("local_dc", "eu-west", "load_balancing_policy", "TokenAwarePolicy(DCAwareRoundRobinPolicy)"));
        m.put("read_concurrency", 16);
        m.put("write_concurrency", 8);
        m.put("create_keyspace", true);
        m.put("replication_factor", 5);
        m.put("key_ttl_seconds", 86400);
        m.put("read_batch_size", 250);
        m.put("write_timestamp", "event_time");
        CassandraStoreConfig c = parse(m);
        assertThat(c.hosts()).containsExactly("cass-1.example.com", "10.0.0.7:9142");
        assertThat(c.port()).isEqualTo(19042);
        assertThat(c.keyspace()).isEqualTo("features_eu");
        assertThat(c.username()).contains("larder");
        assertThat(c.password().orElseThrow().reveal()).isEqualTo("s3cret-pw");
        assertThat(c.protocolVersion()).contains(5);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.localDc()).isEqualTo("eu-west");
        assertThat(c.readConcurrency()).isEqualTo(16);
        assertThat(c.writeConcurrency()).isEqualTo(8);
        assertThat(c.createKeyspace()).isTrue();
        assertThat(c.replicationFactor()).isEqualTo(5);
        assertThat(c.keyTtlSeconds()).isEqualTo(86400);
        assertThat(c.readBatchSize()).isEqualTo(250);
        assertThat(c.writeTimestamp()).isEqualTo(WriteTimestamp.EVENT_TIME);
        assertThat(c.toString()).doesNotContain("s3cret-pw").contains("password=****");
        assertThat(CassandraSessions.describe(c)).isEqualTo("cass-1.example.com:19042,10.0.0.7:9142 (keyspace features_eu)");
    }

    @Test
    void feastStyleValues() {
        Map<String, Object> m = base();
        m.put("hosts", "a.example.com, b.example.com"); // a comma-separated string works too
        m.put("request_timeout", "1500ms");
        m.put("load_balancing", Map.of("load_balancing_policy", "DCAwareRoundRobinPolicy"));
        CassandraStoreConfig c = parse(m);
        assertThat(c.hosts()).containsExactly("a.example.com", "b.example.com");
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.localDc()).isEqualTo("datacenter1");
    }

    @Test
    void unknownOptionIsOneLineListingTheValidOnes() {
        Map<String, Object> m = base();
        m.put("secure_bundle_path", "/tmp/bundle.zip");
        assertThatThrownBy(() -> parse(m)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(1))
                .hasMessageNotContaining("\n")
                .hasMessageContaining("online_store.secure_bundle_path: unknown option for the cassandra store")
                .hasMessageContaining("hosts").hasMessageContaining("read_concurrency").hasMessageContaining("key_ttl_seconds");
        Map<String, Object> nested = base();
        nested.put("load_balancing", Map.of("local_dc", "dc1", "localdc", "dc2"));
        assertThatThrownBy(() -> parse(nested)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("online_store.load_balancing.localdc: unknown option");
    }

    @Test
    void everyProblemAtOnce() {
        Map<String, Object> m = new HashMap<>();
        m.put("port", 70000);
        m.put("keyspace", "bad-name");
        m.put("protocol_version", 3);
        m.put("request_timeout", "soon");
        m.put("read_concurrency", 0);
        m.put("write_concurrency", "many");
        m.put("replication_factor", 0);
        m.put("key_ttl_seconds", -1);
        m.put("create_keyspace", "perhaps");
        m.put("load_balancing", Map.of("load_balancing_policy", "RoundRobinPolicy"));
        m.put("read_batch_size", 5000);
        m.put("write_timestamp", "server");
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> parse(m));
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(13).allSatisfy(p -> assertThat(p).doesNotContain("\n").startsWith("in-memory configuration: online_store."));
        assertThat(e.getMessage()).contains("online_store.hosts: is required", "online_store.port: '70000'", "online_store.keyspace: 'bad-name'",
                "online_store.protocol_version: '3'", "online_store.request_timeout: 'soon'", "online_store.read_concurrency: '0'",
                "online_store.write_concurrency: 'many'", "online_store.replication_factor: '0'", "online_store.key_ttl_seconds: '-1'",
                "online_store.create_keyspace: 'perhaps'", "online_store.load_balancing.load_balancing_policy: 'RoundRobinPolicy'",
                "online_store.read_batch_size: '5000' is not valid; out of range (allowed: 1 to 1000)",
                "online_store.write_timestamp: 'server' is not valid; expected one of [now, event_time]");
    }

    @Test
    void passwordIsNeverShown() {
        Map<String, Object> m = base();
        m.put("password", "hunter2-secret");
        assertThatThrownBy(() -> parse(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("username and password must be given together").hasMessageNotContaining("hunter2-secret");
        Map<String, Object> wrongType = base();
        wrongType.put("username", "u");
        wrongType.put("password", List.of("hunter2-secret"));
        assertThatThrownBy(() -> parse(wrongType)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("online_store.password").hasMessageContaining("value hidden").hasMessageNotContaining("hunter2-secret");
        Map<String, Object> ok = base();
        ok.put("username", "u");
        ok.put("password", "hunter2-secret");
        assertThat(parse(ok).toString()).doesNotContain("hunter2-secret");
        assertThat(StoreOptions.of("cassandra", ok).toString()).doesNotContain("hunter2-secret");
    }

    @Test
    void capabilitiesFollowTheOptions() {
        CassandraStoreProvider provider = new CassandraStoreProvider();
        assertThat(provider.sensitiveOptions()).containsExactly("password");
        assertThat(provider.capabilities().get(Capability.CONCURRENT_WRITES_SAME_KEY)).hasToString("with `write_timestamp` set to event_time");
        assertThat(provider.capabilities().get(Capability.DELETE_EXPIRED_DATA)).hasToString("with `key_ttl_seconds` > 0");
        assertThat(provider.capabilities().get(Capability.BATCHED_READ)).hasToString("yes");
        assertThat(provider.capabilities()).doesNotContainKey(Capability.MULTI_VIEW_READ);

        Set<Capability> byDefault = CassandraStoreProvider.capabilities(parse(base()));
        assertThat(byDefault).contains(Capability.WRITE, Capability.BATCHED_READ, Capability.ASYNC_READ)
                .doesNotContain(Capability.CONCURRENT_WRITES_SAME_KEY, Capability.DELETE_EXPIRED_DATA);
        Map<String, Object> eventTime = base();
        eventTime.put("write_timestamp", "event_time");
        assertThat(CassandraStoreProvider.capabilities(parse(eventTime))).contains(Capability.CONCURRENT_WRITES_SAME_KEY)
                .doesNotContain(Capability.DELETE_EXPIRED_DATA);
        Map<String, Object> ttl = base();
        ttl.put("key_ttl_seconds", 60);
        assertThat(CassandraStoreProvider.capabilities(parse(ttl))).contains(Capability.DELETE_EXPIRED_DATA)
                .doesNotContain(Capability.CONCURRENT_WRITES_SAME_KEY);
    }

    // ------------------------------------------------------------------- against the server

    private static Map<String, Object> serverOptions(CassandraNode node) {
        Map<String, Object> m = new HashMap<>(CassandraStoreCompatibilityTest.options());
        m.put("hosts", List.of(node.host()));
        m.put("port", node.cqlPort());
        return m;
    }

    private static Throwable create(Map<String, Object> options) {
        return org.assertj.core.api.Assertions.catchThrowable(() ->
                new CassandraStoreProvider().create(new StoreContext("cfg", Path.of("."), StoreOptions.of("cassandra", options))).close());
    }

    @Test
    void localDcThatTheClusterDoesNotHave() {
        Map<String, Object> m = serverOptions(CassandraNode.shared());
        m.put("load_balancing", Map.of("local_dc", "dc-mars"));
        Throwable e = create(m);
        assertThat(e).isInstanceOf(ConfigException.class).hasMessageNotContaining("\n")
                .hasMessageStartingWith("in-memory configuration: online_store.load_balancing.local_dc: 'dc-mars' is not a data center of the Cassandra cluster at 127.0.0.1:"
                        + CassandraNode.shared().cqlPort())
                .hasMessageContaining("its data centers are [datacenter1]");
    }

    @Test
    void unreachableHost() {
        int closedPort = FreePorts.find();
        Map<String, Object> m = new HashMap<>(CassandraStoreCompatibilityTest.options());
        m.put("port", closedPort);
        m.put("hosts", List.of("127.0.0.1"));
        m.put("password", "hunter2-secret");
        m.put("username", "larder");
        Throwable e = create(m);
        assertThat(e).isInstanceOf(OnlineStoreException.class).hasMessageNotContaining("\n").hasMessageNotContaining("hunter2-secret")
                .hasMessageStartingWith("cassandra store: connect of 127.0.0.1:" + closedPort + " (keyspace larder_tck) failed: cannot connect (online_store.hosts and port)")
                .hasMessageContaining("Connection refused");
        OnlineStoreException failure = (OnlineStoreException) e;
        assertThat(failure.operation()).isEqualTo(OnlineStoreException.Operation.CONNECT);
        assertThat(failure.storeType()).isEqualTo("cassandra");
        assertThat(failure.isRetryable()).as("a node that is down may come up").isTrue();
    }

    @Test
    void unresolvableHost() {
        Map<String, Object> m = new HashMap<>(CassandraStoreCompatibilityTest.options());
        m.put("hosts", List.of("no-such-node.invalid"));
        Throwable e = create(m);
        assertThat(e).isInstanceOf(ConfigException.class).hasMessageNotContaining("\n")
                .hasMessage("in-memory configuration: online_store.hosts: 'no-such-node.invalid' cannot be resolved (unknown host); give a host name or address of a Cassandra node");
        // From a repository, the message names the file (issue 21: config errors name the file and key).
        Throwable fromFile = org.assertj.core.api.Assertions.catchThrowable(() -> new CassandraStoreProvider().create(new StoreContext("cfg", Path.of("."),
                StoreOptions.of("repo/feature_store.yaml", "cassandra", m))));
        assertThat(fromFile).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("repo/feature_store.yaml: online_store.hosts: 'no-such-node.invalid' cannot be resolved");
    }

    @Test
    void missingKeyspaceWithoutCreateKeyspace() {
        Map<String, Object> m = serverOptions(CassandraNode.shared());
        m.put("keyspace", "larder_absent");
        m.put("create_keyspace", false);
        try (var store = new CassandraStoreProvider().create(new StoreContext("cfg", Path.of("."), StoreOptions.of("cassandra", m)))) {
            assertThatThrownBy(() -> store.update(dev.larder.spi.InfraChange.keep(List.of(dev.larder.tck.TestData.driverView("fv")))))
                    .isInstanceOf(OnlineStoreException.class).hasMessageNotContaining("\n")
                    .hasMessageContaining("keyspace 'larder_absent' does not exist").hasMessageContaining("create_keyspace: true")
                    .satisfies(e -> assertThat(((OnlineStoreException) e).operation()).isEqualTo(OnlineStoreException.Operation.UPDATE))
                    .satisfies(e -> assertThat(((OnlineStoreException) e).isRetryable()).as("needs a person").isFalse());
        }
    }
}
