package dev.larder.benchmarks.env;

import dev.larder.testing.ServerProcess;
import dev.larder.testing.bigtable.BigtableEmulator;

import java.nio.file.Path;
import java.util.Map;

/**
 * The Bigtable emulator bundled on Maven Central ({@code cbtemulator}, in memory), its own
 * process on a free loopback port, started by the tests' launcher. Its latency is not Bigtable's.
 */
final class BigtableEnvironment implements BackendEnvironment {
    private final BigtableEmulator emulator = BigtableEmulator.start();
    private final Path dir = ServerProcess.tempDir("larder-bench-bigtable");

    @Override
    public String type() {
        return "bigtable";
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public Map<String, Object> storeOptions() {
        return storeOptionsVia(emulator.port());
    }

    @Override
    public Map<String, Object> storeOptionsVia(int port) {
        return Map.of("project_id", "larder-bench", "instance", "bench", "emulator_host", "127.0.0.1:" + port);
    }

    @Override
    public int serverPort() {
        return emulator.port();
    }

    @Override
    public void close() {
        emulator.stop();
        Environments.deleteQuietly(dir);
    }
}
