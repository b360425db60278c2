package dev.larder.store.redis;

import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.tck.TestData;
import dev.larder.testing.FreePorts;
import dev.larder.testing.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Server failures against servers of this test's own, which it stops, restarts and protects with a password. */
class RedisFaultTest {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** Scheduling slack on a busy 2-core machine; the failure must come from the timeout, not a hang. */
    static final Duration SLACK = Duration.ofSeconds(2);

    static final RedisServer SERVER = RedisServer.start();
    static final RedisServer PROTECTED = RedisServer.start("--requirepass", "s3cret-Pw");

    @TempDir
    Path repo;

    @AfterAll
    static void stopServers() {
        SERVER.stop();
        PROTECTED.stop();
    }

    private OnlineStore open(Map<String, Object> options) {
        return new RedisStoreProvider().create(new StoreContext("faults", repo, StoreOptions.of("redis", options)));
    }

    static void assertFailure(Throwable e, Operation operation, boolean retryable, String address) {
        assertThat(e).isInstanceOf(OnlineStoreException.class).hasMessageContaining(address);
        OnlineStoreException f = (OnlineStoreException) e;
        assertThat(f.storeType()).isEqualTo("redis");
        assertThat(f.operation()).isEqualTo(operation);
        assertThat(f.isRetryable()).as("retryable: %s", f.getMessage()).isEqualTo(retryable);
        assertThat(f.resource()).contains(address);
    }

    @Test
    void stoppedServerFailsWithinTheTimeoutNamingTheServerThenTheSameStoreRecovers() throws Exception {
        var view = TestData.driverView("fv_fault");
        try (OnlineStore store = open(Map.of("connection_string", SERVER.address(), "command_timeout", "1s"))) {
            store.write(view, List.of(TestData.driverRow(1, 1, TestData.T0)), r -> { });
            SERVER.stop();

            long start = System.nanoTime();
            assertThatThrownBy(() -> store.read(view, List.of(TestData.driver(1)), List.of("trips")))
                    .satisfies(e -> assertFailure(e, Operation.READ, true, SERVER.address()))
                    .hasMessageContaining("cannot read 1 keys");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(COMMAND_TIMEOUT.plus(SLACK));

            start = System.nanoTime();
            CompletableFuture<List<OnlineRow>> async = store.readAsync(view, List.of(TestData.driver(1)), List.of("trips"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("readAsync does not block").isLessThan(COMMAND_TIMEOUT);
            assertThatThrownBy(() -> async.get(COMMAND_TIMEOUT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class).cause().satisfies(e -> assertFailure(e, Operation.READ, true, SERVER.address()));

            assertThatThrownBy(() -> store.write(view, List.of(TestData.driverRow(1, 2, TestData.T0)), r -> { }))
                    .satisfies(e -> assertFailure(e, Operation.WRITE, true, SERVER.address()));

            SERVER.restart();
            // The client reconnects by itself (retrying at least every second); the data is gone with the old process.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            List<OnlineRow> got = null;
            while (got == null) {
                try {
                    store.write(view, List.of(TestData.driverRow(1, 3, TestData.T0)), r -> { });
                    got = store.read(view, List.of(TestData.driver(1)), DRIVER_FEATURES);
                } catch (OnlineStoreException e) {
                    if (System.nanoTime() > deadline) throw e;
                    Thread.sleep(200);
                }
            }
            assertThat(got.get(0).values()).isEqualTo(TestData.driverRow(1, 3, TestData.T0).values());
        }
    }

    static final List<String> DRIVER_FEATURES = List.of("conv_rate", "trips", "note");

    @Test
    void unreachableServerFailsAtCreationNamingIt() {
        int port = FreePorts.find();
        assertThatThrownBy(() -> open(Map.of("connection_string", "127.0.0.1:" + port + ",password=never-shown", "connect_timeout", "1s")))
                .satisfies(e -> assertFailure(e, Operation.CONNECT, true, "127.0.0.1:" + port))
                .hasMessageContaining("Redis 127.0.0.1:" + port)
                .hasMessageNotContaining("never-shown");
    }

    @Test
    void passwordProtectedServerWorksAndThePasswordNeverShows() {
        var view = TestData.driverView("fv_auth");
        try (OnlineStore store = open(Map.of("connection_string", PROTECTED.address() + ",password=s3cret-Pw"))) {
            store.write(view, List.of(TestData.driverRow(4, 1, TestData.T0)), r -> { });
            assertThat(store.read(view, List.of(TestData.driver(4)), DRIVER_FEATURES).get(0).values())
                    .isEqualTo(TestData.driverRow(4, 1, TestData.T0).values());
            assertThat(store.toString()).doesNotContain("s3cret-Pw");
            assertThat(((RedisOnlineStore) store).config().toString()).doesNotContain("s3cret-Pw");
        }
        assertThatThrownBy(() -> open(Map.of("connection_string", PROTECTED.address() + ",password=wrong-Pw")))
                .satisfies(e -> assertFailure(e, Operation.CONNECT, false, PROTECTED.address()))
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("wrong-Pw").doesNotContain("s3cret-Pw");
                    }
                });
        assertThatThrownBy(() -> open(Map.of("connection_string", PROTECTED.address())))
                .satisfies(e -> assertFailure(e, Operation.CONNECT, false, PROTECTED.address()));
    }
}
