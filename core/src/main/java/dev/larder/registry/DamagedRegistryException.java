package dev.larder.registry;

import dev.larder.LarderException;

import java.nio.file.Path;

/**
 * Larder's registry file exists but cannot be parsed (empty, not JSON, fields missing): what
 * {@code larder apply} can rebuild from features.yaml, keeping the damaged file aside.
 */
public final class DamagedRegistryException extends LarderException {
    private final Path file;
    private final String damage;

    DamagedRegistryException(Path file, String damage, Throwable cause) {
        super(file + ": " + damage + "; run 'larder apply' to rebuild it from features.yaml (the damaged file is kept"
                + " as a backup; its watermarks are lost, so materialize again)", cause);
        this.file = file;
        this.damage = damage;
    }

    public Path file() {
        return file;
    }

    /** What is wrong, e.g. "the registry is empty (0 bytes)". */
    public String damage() {
        return damage;
    }
}
