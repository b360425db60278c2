package dev.larder.store.dynamodb;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.testing.dynamodb.DynamoDBLocalServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets with , = @ ' : in them never show: not in a failure's message, stack text or causes, not
 * in a log line (the SDK's and Netty's, through slf4j-simple on stderr), not in toString. The
 * store's own options hold no credential (endpoint URLs with user info are refused, see
 * {@link DynamoDBStoreConfigTest}); AWS credentials come from the SDK's chain, here its system
 * properties and a shared credentials file. Every failure a caller can meet is provoked: a refused
 * connection, a server that never answers, a missing table, credentials that cannot be loaded.
 */
class DynamoDBSecretsTest {
    static final DynamoDBLocalServer SERVER = DynamoDBLocalServer.shared();
    static final FeatureView VIEW = FeatureView.of("secrets", new Field("driver_id", ValueType.INT64),
            List.of(new Field("trips", ValueType.INT64)), Duration.ZERO);
    static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken", "aws.sharedCredentialsFile",
            "aws.configFile", "aws.profile", "aws.disableEc2Metadata"};

    @TempDir
    Path dir;

    @Test
    void credentialsFromSystemPropertiesNeverShowInFailuresLogsOrToString() throws Exception {
        Map<String, String> credentials = Map.of("aws.accessKeyId", "larderlocal", "aws.secretAccessKey", Secrets.SECRET,
                "aws.sessionToken", Secrets.SECRET + "token");
        withProperties(credentials, () -> {
            List<String> seen = new ArrayList<>();
            String logs = capturingStderr(() -> {
                try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    int refusedPort = closed.getLocalPort();
                    closed.close();
                    failEverything("http://127.0.0.1:" + refusedPort, seen);
                }
                try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                    List<Socket> accepted = new ArrayList<>();
                    Thread acceptor = new Thread(() -> {
                        try {
                            while (true) accepted.add(silent.accept());
                        } catch (IOException over) {
                            // the test is over
                        }
                    }, "silent-server");
                    acceptor.setDaemon(true);
                    acceptor.start();
                    try {
                        failEverything("http://127.0.0.1:" + silent.getLocalPort(), seen);
                    } finally {
                        for (Socket s : accepted) s.close();
                    }
                }
                // A real server, a table that does not exist.
                try (OnlineStore store = store(SERVER.endpoint())) {
                    seen.add(store.toString());
                    seen.add(failure(() -> store.read(VIEW, List.of(driver(1)), List.of("trips"))));
                    seen.add(failure(() -> store.write(VIEW, List.of(row()), n -> { })));
                }
                return null;
            });
            assertThat(seen).as("failures seen").hasSizeGreaterThan(10);
            for (String text : seen) Secrets.assertNothingOf(Secrets.SECRET, text);
            Secrets.assertNothingOf(Secrets.SECRET, logs);
            return null;
        });
    }

    @Test
    void credentialsThatCannotBeLoadedFailWithoutShowingTheSecretOfTheProfileFile() throws Exception {
        Path file = dir.resolve("credentials");
        // A profile with a secret but no key id: the chain cannot use it.
        Files.writeString(file, "[default]\naws_secret_access_key = " + Secrets.SECRET + "\naws_session_token = " + Secrets.SECRET + "\n");
        Path config = dir.resolve("config");
        Files.writeString(config, "[default]\nregion = us-east-1\n");
        Map<String, String> properties = new HashMap<>();
        properties.put("aws.accessKeyId", null);
        properties.put("aws.secretAccessKey", null);
        properties.put("aws.sharedCredentialsFile", file.toString());
        properties.put("aws.configFile", config.toString());
        properties.put("aws.disableEc2Metadata", "true");
        withProperties(properties, () -> {
            List<String> seen = new ArrayList<>();
            String logs = capturingStderr(() -> {
                for (boolean sessionAuth : new boolean[] {false, true}) {
                    Map<String, Object> options = new LinkedHashMap<>(SERVER.storeOptions());
                    options.put("session_based_auth", sessionAuth);
                    try (OnlineStore store = create(options)) {
                        seen.add(store.toString());
                        seen.add(failure(() -> store.read(VIEW, List.of(driver(1)), List.of("trips"))));
                        seen.add(failure(() -> store.write(VIEW, List.of(row()), n -> { })));
                        seen.add(failure(() -> store.plan(InfraChange.keep(List.of(VIEW)))));
                    }
                }
                return null;
            });
            assertThat(String.join("\n", seen)).as("the chain really failed").contains("credentials");
            for (String text : seen) Secrets.assertNothingOf(Secrets.SECRET, text);
            Secrets.assertNothingOf(Secrets.SECRET, logs);
            return null;
        });
    }

    /** Every operation against an endpoint that fails, each failure's whole text recorded. */
    private static void failEverything(String endpoint, List<String> seen) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("endpoint_url", endpoint);
        options.put("region", "us-east-1");
        options.put("connect_timeout", "1s");
        options.put("read_timeout", "1s");
        options.put("total_max_retry_attempts", 1);
        try (OnlineStore store = create(options)) {
            seen.add(store.toString());
            seen.add(failure(() -> store.read(VIEW, List.of(driver(1)), List.of("trips"))));
            seen.add(failure(() -> store.write(VIEW, List.of(row()), n -> { })));
            seen.add(failure(() -> store.update(InfraChange.keep(List.of(VIEW)))));
            seen.add(failure(() -> store.plan(InfraChange.keep(List.of(VIEW)))));
            seen.add(failure(() -> store.teardown(List.of(VIEW))));
        }
    }

    private static OnlineStore store(String endpoint) {
        Map<String, Object> options = new LinkedHashMap<>(SERVER.storeOptions());
        options.put("endpoint_url", endpoint);
        return create(options);
    }

    /** As the facade and the CLI create it: through the provider, with its sensitive options declared. */
    private static OnlineStore create(Map<String, Object> options) {
        DynamoDBStoreProvider provider = new DynamoDBStoreProvider();
        StoreOptions typed = StoreOptions.of("feature_store.yaml", "dynamodb", options).withSensitive(provider.sensitiveOptions());
        return provider.create(new StoreContext("secrets", Path.of("."), typed));
    }

    private static String failure(Runnable op) {
        try {
            op.run();
        } catch (RuntimeException e) {
            return e + "\n" + Secrets.describe(e);
        }
        throw new AssertionError("expected the operation to fail");
    }

    private static EntityKey driver(long id) {
        return EntityKey.of("driver_id", Value.ofInt64(id));
    }

    private static FeatureRow row() {
        return new FeatureRow(driver(1), Map.of("trips", Value.ofInt64(1)), Instant.parse("2024-01-01T00:00:00Z"));
    }

    /** Runs with system properties set (null: cleared), restoring the previous values after. */
    private static <T> T withProperties(Map<String, String> properties, Callable<T> body) throws Exception {
        Map<String, String> previous = new HashMap<>();
        for (String key : PROPERTIES) previous.put(key, System.getProperty(key));
        try {
            properties.forEach((k, v) -> {
                if (v == null) System.clearProperty(k);
                else System.setProperty(k, v);
            });
            return body.call();
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) System.clearProperty(k);
                else System.setProperty(k, v);
            });
        }
    }

    /** What was written to stderr (where slf4j-simple logs) while the body ran. */
    private static String capturingStderr(Callable<Void> body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.call();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text); // still visible in the test's output
        return text;
    }
}
