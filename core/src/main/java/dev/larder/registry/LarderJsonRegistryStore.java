package dev.larder.registry;

import dev.larder.config.RegistryConfig;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Larder's own {@code registry.json}: one project per file. */
final class LarderJsonRegistryStore implements RegistryStore {
    private final RegistryConfig config;
    private final Duration lockTimeout;

    LarderJsonRegistryStore(RegistryConfig config) {
        this(config, RegistryFileLock.DEFAULT_TIMEOUT);
    }

    /** @param lockTimeout how long an update waits for another process's (tests shorten it) */
    LarderJsonRegistryStore(RegistryConfig config, Duration lockTimeout) {
        this.config = config;
        this.lockTimeout = lockTimeout;
    }

    @Override
    public RegistryConfig config() {
        return config;
    }

    @Override
    public Optional<Registry> load(String project) {
        return Registry.load(config.file()).filter(r -> r.project().equals(project));
    }

    @Override
    public List<String> projects() {
        return Registry.load(config.file()).map(r -> List.of(r.project())).orElse(List.of());
    }

    @Override
    public void save(Registry registry) {
        exclusive(() -> {
            registry.save(config.file());
            return null;
        });
    }

    @Override
    public void delete(String project) {
        exclusive(() -> {
            RegistryFiles.delete(config.file(), "registry");
            return null;
        });
    }

    @Override
    public <T> T exclusive(Supplier<T> update) {
        return RegistryFileLock.holding(config.file(), lockTimeout, update);
    }
}
