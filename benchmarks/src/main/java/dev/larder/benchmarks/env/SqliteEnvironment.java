package dev.larder.benchmarks.env;

import dev.larder.testing.ServerProcess;

import java.nio.file.Path;
import java.util.Map;

/** SQLite is embedded: a fresh database file in a temporary directory. */
final class SqliteEnvironment implements BackendEnvironment {
    private final Path dir = ServerProcess.tempDir("larder-bench-sqlite");

    @Override
    public String type() {
        return "sqlite";
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public Map<String, Object> storeOptions() {
        return Map.of("path", dir.resolve("online.db").toString());
    }

    @Override
    public void close() {
        Environments.deleteQuietly(dir);
    }
}
