package dev.larder.store.dynamodb;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.testing.dynamodb.DynamoDBLocalServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults: the server stopped in the middle of a many-batch read, and a server that accepts
 * connections but never answers. Both must end in a clear error within the configured timeouts
 * (connect_timeout, read_timeout, total_max_retry_attempts), never a hang: the failure must come
 * within those timeouts (with slack); nothing else is timed.
 */
class DynamoDBFaultTest {
    static final FeatureView VIEW = FeatureView.of("faults", new Field("driver_id", ValueType.INT64),
            List.of(new Field("trips", ValueType.INT64)), Duration.ZERO);

    /** 2 attempts × (1 s connect + 2 s read) = 6 s, plus generous slack for the SDK's retry backoff and a busy machine. */
    static final Duration WITHIN_TIMEOUTS = Duration.ofSeconds(20);

    static DynamoDBOnlineStore store(String endpoint, Map<String, Object> extra) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("endpoint_url", endpoint);
        options.put("connect_timeout", "1s");
        options.put("read_timeout", "2s");
        options.put("total_max_retry_attempts", 2);
        options.putAll(extra);
        return DynamoDBOnlineStore.open("faults", DynamoDBStoreConfig.from(StoreOptions.of("dynamodb", options)));
    }

    static EntityKey driver(long id) {
        return EntityKey.of("driver_id", Value.ofInt64(id));
    }

    /** A server that is gone or silent: the failure names the table and says a retry may help. */
    static void assertUnavailable(OnlineStoreException e, OnlineStoreException.Operation operation) {
        assertThat(e.storeType()).isEqualTo("dynamodb");
        assertThat(e.operation()).isEqualTo(operation);
        assertThat(e.resource()).isEqualTo("faults.faults");
        assertThat(e.isRetryable()).as("retryable: %s", e.getMessage()).isTrue();
    }

    @Test
    void serverStoppedMidReadFailsClearlyWithoutHanging() throws Exception {
        DynamoDBLocalServer server = DynamoDBLocalServer.start();
        try (DynamoDBOnlineStore writer = store(server.endpoint(), Map.of("conditional_writes", false));
             DynamoDBOnlineStore reader = store(server.endpoint(), Map.of("max_read_workers", 1, "batch_size", 5))) {
            writer.update(InfraChange.keep(List.of(VIEW)));
            List<FeatureRow> rows = new ArrayList<>();
            List<EntityKey> keys = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                rows.add(new FeatureRow(driver(i), Map.of("trips", Value.ofInt64(i)), Instant.EPOCH.plusSeconds(i)));
                keys.add(driver(i));
            }
            writer.write(VIEW, rows, n -> { });
            List<OnlineRow> sample = reader.read(VIEW, keys.subList(0, 10), List.of("trips"));
            assertThat(sample).allSatisfy(r -> assertThat(r.isPresent()).isTrue());

            // 1,000 sequential BatchGetItem calls: the server goes away while they run.
            CompletableFuture<List<OnlineRow>> read = reader.readAsync(VIEW, keys, List.of("trips"));
            Thread.sleep(300);
            assertThat(read).as("the read is still running when the server stops").isNotDone();
            server.stop();
            long stopped = System.nanoTime();

            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> read.get(60, TimeUnit.SECONDS));
            // Within the configured timeouts: 2 attempts of (1 s connect + 2 s read) plus the SDK's backoff and slack.
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(WITHIN_TIMEOUTS);
            assertThat(e.getCause()).isInstanceOf(OnlineStoreException.class)
                    .hasMessageContaining(server.endpoint())
                    .hasMessageContaining("cannot read 5000 keys of view 'faults'")
                    .hasMessageContaining("faults.faults");
            assertUnavailable((OnlineStoreException) e.getCause(), OnlineStoreException.Operation.READ);

            // And afterwards a read fails fast too: nothing listens any more.
            CompletableFuture<List<OnlineRow>> again = reader.readAsync(VIEW, keys.subList(0, 3), List.of("trips"));
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> again.get(60, TimeUnit.SECONDS));
            assertThat(refused.getCause()).isInstanceOf(OnlineStoreException.class).hasMessageContaining(server.endpoint());
            assertUnavailable((OnlineStoreException) refused.getCause(), OnlineStoreException.Operation.READ);
        } finally {
            server.stop();
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinReadTimeoutTimesAttempts() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) accepted.add(silent.accept()); // accept and never answer
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
            String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
            try (DynamoDBOnlineStore store = store(endpoint, Map.of("read_timeout", "1s"))) {
                long start = System.nanoTime();
                CompletableFuture<List<OnlineRow>> read = store.readAsync(VIEW, List.of(driver(1), driver(2)), List.of("trips"));
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> read.get(60, TimeUnit.SECONDS));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WITHIN_TIMEOUTS);
                assertThat(e.getCause()).isInstanceOf(OnlineStoreException.class)
                        .hasMessageContaining(endpoint).hasMessageContaining("view 'faults'");
                assertUnavailable((OnlineStoreException) e.getCause(), OnlineStoreException.Operation.READ);
                assertThatThrownBy(() -> store.write(VIEW, List.of(new FeatureRow(driver(1), Map.of("trips", Value.ofInt64(1)), Instant.EPOCH)), n -> { }))
                        .isInstanceOfSatisfying(OnlineStoreException.class, w -> assertUnavailable(w, OnlineStoreException.Operation.WRITE))
                        .hasMessageContaining(endpoint).hasMessageContaining("view 'faults'");
            } finally {
                for (Socket s : accepted) s.close();
            }
        }
    }
}
