package dev.larder.testing.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.larder.testing.FreePorts;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DynamoDB Local ({@code com.amazonaws:DynamoDBLocal}) as a real HTTP server inside the test JVM,
 * in memory, on a free port; clients reach it on 127.0.0.1 only. With {@code -sharedDb}: every
 * client sees the same tables whatever its credentials and region (DynamoDB Local otherwise keeps
 * a database per access key and region). DynamoDB Local binds all interfaces; send it traffic on
 * 127.0.0.1 only ({@link #endpoint()}).
 *
 * <p>A module that uses this launcher declares {@code com.amazonaws:DynamoDBLocal} itself (test
 * scope): it is optional here so nobody else pulls it in. Surefire should set the environment
 * variable {@code DDB_LOCAL_TELEMETRY=0} (the parent pom does), otherwise DynamoDB Local writes a
 * telemetry metadata file into the working directory.
 *
 * <p>DynamoDB Local accepts any credentials made of letters and digits, but the AWS SDK still needs some to sign requests:
 * {@link #start()} sets the SDK's {@code aws.accessKeyId} / {@code aws.secretAccessKey} system
 * properties to dummy values when they are unset, so a store on the default credential chain
 * works without touching the environment.
 */
public final class DynamoDBLocalServer implements AutoCloseable {
    /** The signing region tests use; DynamoDB Local accepts any. */
    public static final String REGION = "us-east-1";

    private static DynamoDBLocalServer shared;

    private final int port;
    private final DynamoDBProxyServer server;
    private volatile boolean stopped;

    private DynamoDBLocalServer(int port, DynamoDBProxyServer server) {
        this.port = port;
        this.server = server;
    }

    /**
     * The test JVM's shared instance, started on first use and stopped when the JVM exits. Tests
     * that share it must use their own table names (the compatibility kit uses a fresh project each test).
     */
    public static synchronized DynamoDBLocalServer shared() {
        if (shared == null || shared.stopped) {
            DynamoDBLocalServer s = start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::stopQuietly, "stop-dynamodb-local"));
            shared = s;
        }
        return shared;
    }

    /** A new, private instance (e.g. for a test that stops it on purpose); the caller stops it. */
    public static DynamoDBLocalServer start() {
        useDummyCredentials();
        Exception last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = FreePorts.find();
            DynamoDBProxyServer server;
            try {
                server = ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
                server.start();
            } catch (Exception e) {
                // Most likely another process took the port between find() and start(): try another one.
                last = e;
                continue;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!FreePorts.isOpen(port)) {
                if (System.nanoTime() > deadline) {
                    stopQuietly(server);
                    throw new IllegalStateException("DynamoDB Local did not listen on 127.0.0.1:" + port + " within 30 s");
                }
                sleep(20);
            }
            return new DynamoDBLocalServer(port, server);
        }
        throw new IllegalStateException("Cannot start DynamoDB Local (com.amazonaws:DynamoDBLocal, in the test JVM): "
                + last.getMessage() + ". It must be a test dependency of the module running the tests.", last);
    }

    /** Sets dummy SDK credentials as system properties unless some are already set. */
    public static synchronized void useDummyCredentials() {
        if (System.getProperty("aws.accessKeyId") == null && System.getenv("AWS_ACCESS_KEY_ID") == null) {
            System.setProperty("aws.accessKeyId", "larderlocal");
            System.setProperty("aws.secretAccessKey", "larderlocal");
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}: the store's {@code endpoint_url}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Store options that reach this server: {@code endpoint_url} and {@code region}. */
    public Map<String, Object> storeOptions() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("endpoint_url", endpoint());
        options.put("region", REGION);
        return options;
    }

    public boolean isRunning() {
        return !stopped;
    }

    /** Stops the server and waits until its port is closed. */
    public synchronized void stop() {
        if (stopped) return;
        stopped = true;
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop DynamoDB Local on port " + port + ": " + e.getMessage(), e);
        }
        FreePorts.awaitClosed(port, Duration.ofSeconds(10));
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // the JVM is exiting
        }
    }

    private static void stopQuietly(DynamoDBProxyServer server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // failing start already reported
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting DynamoDB Local", e);
        }
    }
}
