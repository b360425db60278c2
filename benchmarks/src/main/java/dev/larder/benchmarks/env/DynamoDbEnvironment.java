package dev.larder.benchmarks.env;

import dev.larder.testing.ServerProcess;
import dev.larder.testing.dynamodb.DynamoDBLocalServer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DynamoDB Local in the benchmark JVM (the tests' launcher), in memory, on a free loopback port.
 * It shares the two cores with the client: its CPU per request counts in every number.
 */
final class DynamoDbEnvironment implements BackendEnvironment {
    private final DynamoDBLocalServer server = DynamoDBLocalServer.start();
    private final Path dir = ServerProcess.tempDir("larder-bench-dynamodb");

    @Override
    public String type() {
        return "dynamodb";
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public Map<String, Object> storeOptions() {
        return server.storeOptions();
    }

    @Override
    public Map<String, Object> storeOptionsVia(int port) {
        Map<String, Object> options = new LinkedHashMap<>(server.storeOptions());
        options.put("endpoint_url", "http://127.0.0.1:" + port);
        return options;
    }

    @Override
    public int serverPort() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        Environments.deleteQuietly(dir);
    }
}
