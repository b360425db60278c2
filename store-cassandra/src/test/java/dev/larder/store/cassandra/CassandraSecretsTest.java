package dev.larder.store.cassandra;

import dev.larder.spi.ConfigException;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.testing.FreePorts;
import dev.larder.testing.cassandra.CassandraNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.larder.tck.TestData.driver;
import static dev.larder.tck.TestData.driverView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 13 item 11: a password holding {@code , = @ ' :} never shows, whatever fails: every
 * configuration error, a host that does not resolve or does not answer, a data center the cluster
 * lacks, a missing keyspace or table, and the toString of the options, the config and the store;
 * nor in what the driver logs meanwhile. (A wrong password, which needs a node with
 * authentication, is {@link CassandraFaultTest}'s.)
 */
class CassandraSecretsTest {
    static final CassandraNode NODE = CassandraNode.shared();

    private static Map<String, Object> withPassword(Map<String, Object> base) {
        Map<String, Object> m = new HashMap<>(base);
        m.put("username", "larder");
        m.put("password", SecretText.PASSWORD);
        return m;
    }

    private static StoreOptions typed(Map<String, Object> options) {
        return StoreOptions.of("repo/feature_store.yaml", "cassandra", options).withSensitive(new CassandraStoreProvider().sensitiveOptions());
    }

    private static Throwable create(Map<String, Object> options) {
        SecretText.Captured<Throwable> c = SecretText.capturingStandardStreams(() -> catchThrowable(() ->
                new CassandraStoreProvider().create(new StoreContext("secrets", Path.of("."), typed(options))).close()));
        assertThat(c.result()).as("creating the store fails").isNotNull();
        SecretText.assertNoSecret(c.result(), c.output());
        return c.result();
    }

    @Test
    void configurationErrors() {
        Map<String, Object> every = withPassword(Map.of());
        every.put("port", 70000);
        every.put("keyspace", "bad-name");
        every.put("request_timeout", "soon");
        every.put("write_timestamp", "server");
        every.put("load_balancing", Map.of("local_dc", "", "policy", "x"));
        every.put("passwd", SecretText.PASSWORD); // a misspelt key holding the password
        Throwable e = create(every);
        assertThat(e).isInstanceOf(ConfigException.class).hasMessageContaining("online_store.passwd").hasMessageContaining("online_store.hosts");

        Map<String, Object> alone = new HashMap<>(Map.of("hosts", List.of(NODE.host()), "password", SecretText.PASSWORD));
        assertThat(create(alone)).hasMessageContaining("username and password must be given together");

        Map<String, Object> listed = withPassword(Map.of("hosts", List.of(NODE.host())));
        listed.put("password", List.of(SecretText.PASSWORD, "x"));
        assertThat(create(listed)).hasMessageContaining("online_store.password: ").hasMessageContaining("(value hidden)");
    }

    @Test
    void connectionErrors() {
        Map<String, Object> unresolvable = withPassword(CassandraStoreCompatibilityTest.options());
        unresolvable.put("hosts", List.of("no-such-node.invalid"));
        assertThat(create(unresolvable)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("repo/feature_store.yaml: online_store.hosts: 'no-such-node.invalid' cannot be resolved");

        Map<String, Object> refused = withPassword(CassandraStoreCompatibilityTest.options());
        refused.put("port", FreePorts.find());
        assertThat(create(refused)).isInstanceOf(OnlineStoreException.class).hasMessageContaining("Connection refused");

        Map<String, Object> wrongDc = withPassword(CassandraStoreCompatibilityTest.options());
        wrongDc.put("load_balancing", Map.of("local_dc", "dc-mars"));
        assertThat(create(wrongDc)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("repo/feature_store.yaml: online_store.load_balancing.local_dc: 'dc-mars'");
    }

    @Test
    void backendErrorsAndTexts() {
        Map<String, Object> options = withPassword(CassandraStoreCompatibilityTest.options());
        options.put("keyspace", "larder_absent_secrets");
        options.put("create_keyspace", false);
        SecretText.Captured<String> run = SecretText.capturingStandardStreams(() -> {
            try (OnlineStore store = new CassandraStoreProvider().create(new StoreContext("secrets", Path.of("."), typed(options)))) {
                Throwable missingKeyspace = catchThrowable(() -> store.update(InfraChange.keep(List.of(driverView("fv")))));
                assertThat(missingKeyspace).isInstanceOf(OnlineStoreException.class).hasMessageContaining("does not exist");
                SecretText.assertNoSecret(missingKeyspace);
                Throwable missingTable = catchThrowable(() -> store.read(driverView("fv"), List.of(driver(1)), List.of("trips")));
                assertThat(missingTable).isInstanceOf(OnlineStoreException.class);
                SecretText.assertNoSecret(missingTable);
                return store + " " + CassandraStoreConfig.from(typed(options)) + " " + typed(options);
            }
        });
        assertThat(run.result()).contains("CassandraOnlineStore{", "password=****");
        SecretText.assertNoSecret(null, run.result(), run.output());
    }
}
