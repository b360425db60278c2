package dev.larder.store.sqlite;

import dev.larder.tck.OnlineStoreCompatibilityKit;

import java.util.Map;

/** The whole compatibility kit against a SQLite file in the test's temporary repo. */
class SqliteStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    @Override
    protected String storeType() {
        return "sqlite";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return Map.of("path", repoDir.resolve("online.db").toString());
    }
}
