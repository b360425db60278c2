package dev.larder.store.dynamodb;

import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreOptions;
import dev.larder.testing.dynamodb.DynamoDBLocalServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening a store that fails half-way releases what it had opened: the SDK refuses an invalid
 * {@code aws.defaultsMode} (as it would {@code AWS_DEFAULTS_MODE}) only when the client is built,
 * after the store's credentials provider and Netty event loops (a selector each: file descriptors)
 * exist. Twenty failed opens must leave the process's descriptors and event-loop threads where
 * they were.
 */
class DynamoDBConnectionTest {
    static final DynamoDBLocalServer SERVER = DynamoDBLocalServer.shared();
    static final int OPENS = 20;

    static DynamoDBStoreConfig config(boolean sessionAuth) {
        Map<String, Object> options = new LinkedHashMap<>(SERVER.storeOptions());
        options.put("session_based_auth", sessionAuth);
        return DynamoDBStoreConfig.from(StoreOptions.of("dynamodb", options));
    }

    @Test
    void aFailedOpenReleasesItsEventLoopsAndCredentials() throws Exception {
        for (boolean sessionAuth : new boolean[] {false, true}) {
            DynamoDBStoreConfig config = config(sessionAuth);
            // A store opened and closed first, so lazily loaded classes and their files are not counted as a leak.
            DynamoDBOnlineStore.open("conn", config).close();
            long fdsBefore = openFileDescriptors();
            long loopsBefore = eventLoopThreads();
            String previous = System.getProperty("aws.defaultsMode");
            System.setProperty("aws.defaultsMode", "bogus");
            try {
                for (int i = 0; i < OPENS; i++) {
                    assertThatThrownBy(() -> DynamoDBOnlineStore.open("conn", config))
                            .isInstanceOfSatisfying(OnlineStoreException.class, e -> {
                                assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.CONNECT);
                                assertThat(e.storeType()).isEqualTo("dynamodb");
                                assertThat(e.isRetryable()).as("a bad environment needs a person").isFalse();
                            })
                            .hasMessageContaining(SERVER.endpoint()).hasMessageContaining("defaults mode");
                }
            } finally {
                if (previous == null) System.clearProperty("aws.defaultsMode");
                else System.setProperty("aws.defaultsMode", previous);
            }
            // Event loops close asynchronously (no quiet period, at most 5 s): wait for them.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((openFileDescriptors() > fdsBefore + 10 || eventLoopThreads() > loopsBefore) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(openFileDescriptors()).as("file descriptors after %d failed opens (session_based_auth %s); before: %d",
                    OPENS, sessionAuth, fdsBefore).isLessThanOrEqualTo(fdsBefore + 10);
            assertThat(eventLoopThreads()).as("Netty event-loop threads").isLessThanOrEqualTo(loopsBefore);
        }
        // And the same configuration opens fine once the environment is right.
        try (DynamoDBOnlineStore store = DynamoDBOnlineStore.open("conn", config(false))) {
            assertThat(store.plan(dev.larder.spi.InfraChange.keep(java.util.List.of()))).isEmpty();
        }
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long eventLoopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("aws-java-sdk-NettyEventLoop")).count();
    }
}
