package dev.larder.store.cassandra;

import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.testing.cassandra.CassandraNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.larder.tck.TestData.T0;
import static dev.larder.tck.TestData.driver;
import static dev.larder.tck.TestData.driverRow;
import static dev.larder.tck.TestData.driverView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A node of its own, with password authentication: a wrong password fails with one clear line that
 * shows nothing of the password; then the node stops answering, then stops: reads and writes fail
 * within {@code request_timeout} with a clear message, and a new store cannot connect with one clear line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CassandraFaultTest {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** Scheduling slack on a busy machine; the failures themselves come from the timeout or sooner. */
    static final Duration SLACK = Duration.ofSeconds(3);

    static CassandraNode node;
    static OnlineStore store;
    static final dev.larder.spi.FeatureView VIEW = driverView("fv_fault");

    static Map<String, Object> options() {
        Map<String, Object> o = new HashMap<>(CassandraStoreCompatibilityTest.options());
        o.put("hosts", List.of(node.host()));
        o.put("port", node.cqlPort());
        o.put("request_timeout", "2s");
        o.put("username", CassandraNode.SUPERUSER);
        o.put("password", CassandraNode.SUPERUSER);
        return o;
    }

    static OnlineStore newStore() {
        return newStore(options());
    }

    static OnlineStore newStore(Map<String, Object> options) {
        return new CassandraStoreProvider().create(new StoreContext("fault", Path.of("."), StoreOptions.of("cassandra", options)));
    }

    @BeforeAll
    static void startNode() {
        node = CassandraNode.startWithPasswordAuthentication();
        store = newStore();
        store.update(InfraChange.keep(List.of(VIEW)));
        store.write(VIEW, List.of(driverRow(1, 1, T0)), r -> { });
        assertThat(store.read(VIEW, List.of(driver(1)), List.of("trips")).get(0).isPresent()).isTrue();
    }

    @AfterAll
    static void stopNode() {
        try {
            if (store != null) store.close();
        } finally {
            if (node != null) node.stop();
        }
    }

    private static Throwable timed(Runnable op, Duration within) {
        long start = System.nanoTime();
        Throwable e = catchThrowable(op::run);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("failed within request_timeout %s (+%s slack)", within, SLACK).isLessThan(within.plus(SLACK));
        return e;
    }

    @Test
    @Order(0)
    void aWrongPasswordFailsWithoutShowingIt() {
        Map<String, Object> o = options();
        o.put("password", SecretText.PASSWORD);
        SecretText.Captured<Throwable> login = SecretText.capturingStandardStreams(() -> catchThrowable(() -> newStore(o).close()));
        assertThat(login.result()).isInstanceOf(OnlineStoreException.class).hasMessageNotContaining("\n")
                .hasMessageStartingWith("cassandra store: connect of 127.0.0.1:" + node.cqlPort())
                .hasMessageContaining("Provided username cassandra and/or password are incorrect");
        OnlineStoreException e = (OnlineStoreException) login.result();
        assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.CONNECT);
        assertThat(e.isRetryable()).as("a refused login needs a person").isFalse();
        SecretText.assertNoSecret(e, login.output());
    }

    @Test
    @Order(1)
    void anUnresponsiveNodeFailsReadsAndWritesAtTheRequestTimeout() {
        node.signal("STOP");
        try {
            Throwable read = timed(() -> store.read(VIEW, List.of(driver(1)), List.of("trips")), REQUEST_TIMEOUT);
            assertThat(read).isInstanceOf(OnlineStoreException.class).hasMessageNotContaining("\n")
                    .hasMessageStartingWith("cassandra store: read of table \"larder_tck\".\"fault_fv_fault\" on 127.0.0.1:" + node.cqlPort()
                            + " (keyspace larder_tck) failed: 1 keys of feature view 'fv_fault': no answer within request_timeout");
            assertThat(((OnlineStoreException) read).isRetryable()).isTrue();
            Throwable write = timed(() -> store.write(VIEW, List.of(driverRow(2, 1, T0)), r -> { }), REQUEST_TIMEOUT);
            assertThat(write).isInstanceOf(OnlineStoreException.class).hasMessageNotContaining("\n")
                    .hasMessageContaining("cassandra store: write of table \"larder_tck\".\"fault_fv_fault\"")
                    .hasMessageContaining("reading the stored rows of 1 keys of feature view 'fv_fault' before writing")
                    .hasMessageContaining("no answer within request_timeout");
            assertThat(((OnlineStoreException) write).operation()).isEqualTo(OnlineStoreException.Operation.WRITE);
            assertThat(((OnlineStoreException) write).isRetryable()).isTrue();
        } finally {
            node.signal("CONT");
        }
    }

    @Test
    @Order(2)
    void aStoppedNodeFailsReadsWithinTheRequestTimeoutAndNewStoresCannotConnect() {
        node.stop();
        Throwable read = timed(() -> store.read(VIEW, List.of(driver(1)), List.of("trips")), REQUEST_TIMEOUT);
        assertThat(read).isInstanceOf(OnlineStoreException.class).hasMessageNotContaining("\n")
                .hasMessageContaining("on 127.0.0.1:" + node.cqlPort())
                .hasMessageContaining("1 keys of feature view 'fv_fault'");
        assertThat(((OnlineStoreException) read).isRetryable()).isTrue();
        Throwable async = timed(() -> store.readAsync(VIEW, List.of(driver(1), driver(2)), List.of("trips")).join(), REQUEST_TIMEOUT);
        assertThat(async).hasRootCauseInstanceOf(com.datastax.oss.driver.api.core.DriverException.class)
                .hasMessageContaining("2 keys of feature view 'fv_fault'");
        Throwable connect = catchThrowable(CassandraFaultTest::newStore);
        assertThat(connect).isInstanceOf(OnlineStoreException.class).hasMessageNotContaining("\n")
                .hasMessageStartingWith("cassandra store: connect of 127.0.0.1:" + node.cqlPort() + " (keyspace larder_tck) failed: cannot connect (online_store.hosts and port)");
    }
}
