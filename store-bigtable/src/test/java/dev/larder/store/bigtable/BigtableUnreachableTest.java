package dev.larder.store.bigtable;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.testing.FreePorts;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static dev.larder.spi.OnlineStoreException.Operation.PLAN;
import static dev.larder.spi.OnlineStoreException.Operation.READ;
import static dev.larder.spi.OnlineStoreException.Operation.UPDATE;
import static dev.larder.spi.OnlineStoreException.Operation.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** No emulator where emulator_host points: every operation fails within request_timeout, naming the address. */
class BigtableUnreachableTest {
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Slack for thread scheduling on a busy 2-core machine; the bound under test is TIMEOUT. */
    static final Duration SLACK = Duration.ofSeconds(3);

    static final FeatureView VIEW = FeatureView.of("fv", new Field("driver_id", ValueType.INT64), List.of(new Field("x", ValueType.INT64)), Duration.ZERO);
    static final EntityKey KEY = EntityKey.of("driver_id", Value.ofInt64(1));

    private static OnlineStore store(int port) {
        return new BigtableStoreProvider().create(new StoreContext("demo", Path.of("."), StoreOptions.of("bigtable",
                Map.of("instance", "i", "emulator_host", "127.0.0.1:" + port, "request_timeout", "2s"))));
    }

    private static void failsWithinTimeout(Runnable op, OnlineStoreException.Operation operation, int port) {
        long start = System.nanoTime();
        assertThatThrownBy(op::run)
                .isInstanceOfSatisfying(OnlineStoreException.class, e -> {
                    assertThat(e.storeType()).isEqualTo("bigtable");
                    assertThat(e.operation()).isEqualTo(operation);
                    assertThat(e.isRetryable()).as("an unreachable server may come back").isTrue();
                    assertThat(e.resource()).isEqualTo("table 'demo.driver_id'");
                })
                .hasMessageContaining("the Bigtable emulator at 127.0.0.1:" + port)
                .hasMessageContaining("request_timeout 2s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(SLACK));
    }

    @Test
    void nothingListening() {
        int port = FreePorts.find();
        try (OnlineStore store = store(port)) {
            failsWithinTimeout(() -> store.read(VIEW, List.of(KEY), List.of("x")), READ, port);
            failsWithinTimeout(() -> store.write(VIEW, List.of(new FeatureRow(KEY, Map.of("x", Value.ofInt64(1)), java.time.Instant.EPOCH)), r -> { }), WRITE, port);
            failsWithinTimeout(() -> store.update(InfraChange.keep(List.of(VIEW))), UPDATE, port);
        }
    }

    /** A peer that accepts connections and never answers: only the timeout ends the wait. */
    @Test
    void silentPeer() throws IOException {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            int port = silent.getLocalPort();
            try (OnlineStore store = store(port)) {
                failsWithinTimeout(() -> store.read(VIEW, List.of(KEY), List.of("x")), READ, port);
                failsWithinTimeout(() -> {
                    try {
                        store.readAsync(VIEW, List.of(KEY), List.of("x")).join();
                    } catch (CompletionException e) {
                        throw (RuntimeException) e.getCause();
                    }
                }, READ, port);
                failsWithinTimeout(() -> store.plan(InfraChange.keep(List.of(VIEW))), PLAN, port);
            }
        } finally {
            synchronized (accepted) {
                for (Socket s : accepted) s.close();
            }
        }
    }
}
