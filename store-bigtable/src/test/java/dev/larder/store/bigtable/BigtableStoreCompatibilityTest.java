package dev.larder.store.bigtable;

import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.tck.RequestCounting;
import dev.larder.testing.bigtable.BigtableEmulator;
import dev.larder.testing.bigtable.GrpcCallCounter;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole compatibility kit against the bundled Bigtable emulator, started once per test JVM.
 * Requests are counted as gRPC calls (HTTP/2 streams the client opens) by a {@link GrpcCallCounter}
 * in front of the emulator.
 */
class BigtableStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final BigtableEmulator EMULATOR = BigtableEmulator.shared();
    static final GrpcCallCounter COUNTER = GrpcCallCounter.start(EMULATOR.port());

    @AfterAll
    static void stopCounter() {
        COUNTER.close();
    }

    @Override
    protected String storeType() {
        return "bigtable";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return options(EMULATOR.hostPort(), false);
    }

    /** Expiry is opt-in: the view's ttl becomes a max-age GC rule and the reads' time range. */
    @Override
    protected Map<String, Object> expiringStoreOptions(Duration ttl) {
        return options(EMULATOR.hostPort(), true);
    }

    @Override
    protected RequestCounting requestCounting() {
        return new RequestCounting() {
            @Override
            public Map<String, Object> storeOptions() {
                return options(COUNTER.hostPort(), false);
            }

            @Override
            public long requests() {
                return COUNTER.calls();
            }
        };
    }

    /** One ReadRows call carries every key of a read. */
    @Override
    protected int readBatchSize() {
        return Integer.MAX_VALUE;
    }

    private static Map<String, Object> options(String emulatorHost, boolean deleteExpiredData) {
        Map<String, Object> o = new HashMap<>(Map.of("project_id", "larder-test", "instance", "tck", "emulator_host", emulatorHost));
        if (deleteExpiredData) o.put("delete_expired_data", true);
        return o;
    }
}
