package dev.larder.registry;

import dev.larder.LarderException;
import dev.larder.config.RegistryConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/** Larder's own {@code registry.json}: one project per file. */
final class LarderJsonRegistryStore implements RegistryStore {
    private final RegistryConfig config;

    LarderJsonRegistryStore(RegistryConfig config) {
        this.config = config;
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
        registry.save(config.file());
    }

    @Override
    public void delete(String project) {
        try {
            Files.deleteIfExists(config.file());
        } catch (IOException e) {
            throw new LarderException(config.file() + ": cannot delete the registry: " + e.getMessage(), e);
        }
    }
}
