package dev.larder.local;

import dev.larder.spi.StoreOptions;

import java.nio.file.Path;

/**
 * The local engine's options ({@code batch_engine: {type: local, ...}}), all optional.
 *
 * @param memoryLimit   DuckDB's memory limit while selecting the latest rows ({@code memory_limit},
 *                      default {@value #DEFAULT_MEMORY_LIMIT}); beyond it DuckDB spills to disk
 * @param threads       DuckDB's threads ({@code threads}, default 0: one per core)
 * @param tempDirectory where DuckDB spills ({@code temp_directory}, default a new directory under
 *                      the system's temporary directory, deleted after the run); null for the default
 */
public record LocalEngineConfig(String memoryLimit, int threads, Path tempDirectory) {
    public static final String DEFAULT_MEMORY_LIMIT = "512MB";

    public static LocalEngineConfig defaults() {
        return new LocalEngineConfig(DEFAULT_MEMORY_LIMIT, 0, null);
    }

    /** Reads and checks the options; unknown keys and bad values fail with every problem listed. */
    public static LocalEngineConfig from(StoreOptions options, Path repoPath) {
        String memory = options.string("memory_limit", DEFAULT_MEMORY_LIMIT).trim();
        if (!memory.matches("(?i)\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)")) {
            options.problem("memory_limit", "'" + memory + "' is not valid; expected a size such as 512MB or 2GB");
            memory = DEFAULT_MEMORY_LIMIT;
        }
        int threads = options.integer("threads", 0, 0, 1024);
        Path temp = options.string("temp_directory").map(p -> repoPath.resolve(p).toAbsolutePath().normalize()).orElse(null);
        options.validate();
        return new LocalEngineConfig(memory, threads, temp);
    }
}
