package dev.larder.benchmarks.env;

import dev.larder.OnlineStores;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Starts the environment of a store type and creates stores through the SPI, as an application would. */
public final class Environments {
    private Environments() {
    }

    /** Starts (or reaches) the backend of {@code type}. */
    public static BackendEnvironment start(String type) {
        switch (type) {
            case "sqlite":
                return new SqliteEnvironment();
            case "redis":
                return new RedisEnvironment();
            case "dynamodb":
                return new DynamoDbEnvironment();
            case "cassandra":
                return new CassandraEnvironment();
            case "bigtable":
                return new BigtableEnvironment();
            default:
                throw new IllegalArgumentException("No benchmark environment for online store type '" + type
                        + "'; installed types: " + OnlineStores.installed().all().keySet()
                        + ". Add one in " + Environments.class.getName());
        }
    }

    /** The provider of {@code type}, found through {@link java.util.ServiceLoader} like the facade does. */
    public static OnlineStoreProvider provider(String type) {
        return OnlineStores.installed().get(type, "benchmark parameter storeType");
    }

    /** A store of {@code type} for {@code project}, created by its provider from these options. */
    public static OnlineStore open(BackendEnvironment env, String project, Map<String, Object> options) {
        return provider(env.type()).create(new StoreContext(project, env.directory(), StoreOptions.of(env.type(), options)));
    }

    public static OnlineStore open(BackendEnvironment env, String project) {
        return open(env, project, env.storeOptions());
    }

    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
