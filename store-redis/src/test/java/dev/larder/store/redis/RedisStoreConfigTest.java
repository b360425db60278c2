package dev.larder.store.redis;

import dev.larder.spi.ConfigException;
import dev.larder.spi.StoreOptions;
import dev.larder.store.redis.RedisStoreConfig.HostPort;
import dev.larder.store.redis.RedisStoreConfig.RedisType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisStoreConfigTest {
    static RedisStoreConfig parse(Map<String, Object> options) {
        return RedisStoreConfig.from(StoreOptions.of("feature_store.yaml", "redis", options));
    }

    @Test
    void defaults() {
        RedisStoreConfig c = parse(Map.of());
        assertThat(c.redisType()).isEqualTo(RedisType.REDIS);
        assertThat(c.nodes()).containsExactly(new HostPort("localhost", 6379));
        assertThat(c.ssl()).isFalse();
        assertThat(c.username()).isEmpty();
        assertThat(c.password()).isEmpty();
        assertThat(c.database()).isZero();
        assertThat(c.sentinelMaster()).isEqualTo("mymaster");
        assertThat(c.keyTtl()).isEqualTo(Duration.ZERO);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.requestQueueSize()).isEqualTo(RedisStoreConfig.DEFAULT_REQUEST_QUEUE_SIZE);
        assertThat(RedisStoreConfig.standalone("localhost", 6379)).isEqualTo(c);
    }

    @Test
    void everyOption() {
        RedisStoreConfig c = parse(Map.of("redis_type", "redis_sentinel",
                "connection_string", "s1:26379, s2:26380,[::1]:26381,ssl=true,username=app,password=p@ss=w:rd,db=3",
                "sentinel_master", "main", "key_ttl_seconds", 3600, "connect_timeout", "2s", "command_timeout", "750ms",
                "request_queue_size", 8000));
        assertThat(c.redisType()).isEqualTo(RedisType.REDIS_SENTINEL);
        assertThat(c.nodes()).containsExactly(new HostPort("s1", 26379), new HostPort("s2", 26380), new HostPort("::1", 26381));
        assertThat(c.ssl()).isTrue();
        assertThat(c.username()).contains("app");
        assertThat(c.password().orElseThrow().reveal()).isEqualTo("p@ss=w:rd");
        assertThat(c.database()).isEqualTo(3);
        assertThat(c.sentinelMaster()).isEqualTo("main");
        assertThat(c.keyTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.commandTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(c.requestQueueSize()).isEqualTo(8000);
        assertThat(c.toString()).doesNotContain("p@ss").contains("password=****");
        assertThat(c.describe()).isEqualTo("Redis master 'main' via sentinel s1:26379,s2:26380,[::1]:26381");
    }

    @Test
    void clusterAndFeastStyleStrings() {
        RedisStoreConfig c = parse(Map.of("redis_type", "REDIS_CLUSTER", "connection_string", "n1:7000,n2:7001,skip_full_coverage_check=true,ssl=false"));
        assertThat(c.redisType()).isEqualTo(RedisType.REDIS_CLUSTER);
        assertThat(c.nodes()).hasSize(2);
        assertThat(c.describe()).isEqualTo("Redis Cluster n1:7000,n2:7001");
        assertThat(parse(Map.of("key_ttl_seconds", 0)).keyTtl()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aSeparatePasswordOptionHoldsAnyCharacter() {
        String pw = "a,b=c@d'e:f\\g h";
        RedisStoreConfig c = parse(Map.of("connection_string", "h:1,db=2", "password", pw));
        assertThat(c.password().orElseThrow().reveal()).isEqualTo(pw);
        assertThat(c.nodes()).containsExactly(new HostPort("h", 1));
        assertThat(c.database()).isEqualTo(2);
        assertThat(c.toString()).doesNotContain(pw).contains("password=****");
        assertThat(RedisStoreConfig.SENSITIVE_OPTIONS).containsExactlyInAnyOrder("connection_string", "password");
        assertThat(new RedisStoreProvider().sensitiveOptions()).isEqualTo(RedisStoreConfig.SENSITIVE_OPTIONS);
        assertThatThrownBy(() -> parse(Map.of("connection_string", "h:1,password=x1", "password", "x2")))
                .hasMessageContaining("online_store.password: is also given as password= in connection_string");
        assertThatThrownBy(() -> parse(Map.of("password", ""))).hasMessageContaining("online_store.password: is empty");
    }

    @Test
    void everyProblemAtOnceShowingHostsButNeverThePassword() {
        assertThatThrownBy(() -> parse(Map.of("redis_type", "memcached", "connection_string", "a:1,b:notaport,ssl=maybe,db=x,colour=red,password=hunter2",
                "key_ttl_seconds", -5, "connect_timeout", "soon", "command_timeout", "0s", "sentinel_master", "m", "hostname", "x",
                "request_queue_size", 10)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    List<String> p = ((ConfigException) e).problems();
                    String all = String.join("\n", p);
                    assertThat(all).doesNotContain("hunter2")
                            .contains("online_store.redis_type: 'memcached' is not valid; expected one of [redis, redis_cluster, redis_sentinel]")
                            .contains("part 2 'b:notaport' is not host:port")
                            .contains("part 3 'ssl=maybe': ssl must be true or false")
                            .contains("part 4 'db=x': db must be a database number")
                            .contains("part 5 'colour=red': unknown parameter 'colour'")
                            .contains("online_store.key_ttl_seconds: '-5' is not valid")
                            .contains("online_store.connect_timeout: 'soon' is not valid")
                            .contains("online_store.command_timeout: must be longer than 0")
                            .contains("online_store.sentinel_master: is only used with redis_type: redis_sentinel")
                            .contains("online_store.request_queue_size: '10' is not valid")
                            .contains("online_store.hostname: unknown option");
                    assertThat(p).allSatisfy(line -> assertThat(line).startsWith("feature_store.yaml: online_store."));
                });
    }

    @Test
    void nothingAfterPasswordIsShownNorTakenForAHost() {
        // Feast's format splits on ',': what follows password= may be the rest of the password.
        for (String tail : List.of("defghi", "evilhost:6379", "db=hunter2", "topsecret=1", "ssl=s3cr3t", "password=again")) {
            assertThatThrownBy(() -> parse(Map.of("redis_type", "redis_cluster", "connection_string", "a:1,password=abc," + tail)))
                    .as(tail).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("part 3 (value hidden: it follows password=) is not a parameter this string allows")
                    .hasMessageContaining("a password containing ',' goes in the password option")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(tail).doesNotContain("abc"));
        }
        // Known parameters after the password are what Feast's examples do.
        RedisStoreConfig c = parse(Map.of("connection_string", "a:1,password=abc,db=3,ssl=true"));
        assertThat(c.password().orElseThrow().reveal()).isEqualTo("abc");
        assertThat(c.database()).isEqualTo(3);
        assertThat(c.ssl()).isTrue();
    }

    @Test
    void hostsComeFirst() {
        assertThatThrownBy(() -> parse(Map.of("redis_type", "redis_cluster", "connection_string", "a:1,ssl=true,b:2")))
                .hasMessageContaining("part 3 'b:2' is a host after the parameters; hosts come first");
        assertThatThrownBy(() -> parse(Map.of("connection_string", "a:1,db=1,db=2")))
                .hasMessageContaining("part 3 'db=2': db= is given twice");
    }

    @Test
    void recordChecksItsArguments() {
        assertThatThrownBy(() -> new RedisStoreConfig(RedisType.REDIS, List.of(), false, Optional.empty(), Optional.empty(), 0, "m",
                null, Duration.ofSeconds(1), Duration.ofSeconds(1), 10_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RedisStoreConfig(RedisType.REDIS, List.of(new HostPort("h", 1)), false, Optional.empty(), Optional.empty(), 0, "m",
                null, Duration.ofSeconds(1), Duration.ofSeconds(1), 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
