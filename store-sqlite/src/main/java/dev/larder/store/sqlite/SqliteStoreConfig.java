package dev.larder.store.sqlite;

import dev.larder.spi.StoreOptions;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Options of {@code online_store: {type: sqlite}}.
 *
 * @param path            the database file; relative paths resolve against the repo (default {@code data/online.db}, Feast's)
 * @param busyTimeout     how long a writer waits for another writer's lock (default 30 s)
 * @param readPoolSize    the most connections open for concurrent reads (default 4)
 * @param readPoolTimeout how long a read waits for a free connection when all are busy (default 10 s)
 * @param readOnly        serve only: open the file read-only, never write, create or drop (default false)
 * @param fullEkIndex     whether new tables get Feast's {@code <table>_ek} index as a full index ({@code ek_index: full})
 *                        or as an empty partial index ({@code ek_index: empty}, the default): see docs/stores/sqlite.md
 */
public record SqliteStoreConfig(Path path, Duration busyTimeout, int readPoolSize, Duration readPoolTimeout, boolean readOnly,
                                boolean fullEkIndex) {
    public static final String DEFAULT_PATH = "data/online.db";

    public static SqliteStoreConfig from(StoreOptions options, Path repo) {
        String path = options.string("path", DEFAULT_PATH);
        Duration busy = options.duration("busy_timeout", Duration.ofSeconds(30));
        int pool = options.integer("read_pool_size", 4, 1, 64);
        Duration poolTimeout = options.duration("read_pool_timeout", Duration.ofSeconds(10));
        boolean readOnly = options.bool("read_only", false);
        boolean fullEk = options.choice("ek_index", "empty", "empty", "full").equals("full");
        options.validate();
        return new SqliteStoreConfig(repo.resolve(path).toAbsolutePath().normalize(), busy, pool, poolTimeout, readOnly, fullEk);
    }
}
