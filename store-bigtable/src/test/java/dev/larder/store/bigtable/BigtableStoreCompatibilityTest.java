package dev.larder.store.bigtable;

import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.testing.bigtable.BigtableEmulator;

import java.time.Duration;
import java.util.Map;

/** The whole compatibility kit against the bundled Bigtable emulator, started once per test JVM. */
class BigtableStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final BigtableEmulator EMULATOR = BigtableEmulator.shared();

    @Override
    protected String storeType() {
        return "bigtable";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return Map.of("project_id", "larder-test", "instance", "tck", "emulator_host", EMULATOR.hostPort());
    }

    /** Expiry is opt-in: the view's ttl becomes a max-age GC rule and the reads' time range. */
    @Override
    protected Map<String, Object> expiringStoreOptions(Duration ttl) {
        return Map.of("project_id", "larder-test", "instance", "tck", "emulator_host", EMULATOR.hostPort(), "delete_expired_data", true);
    }
}
