package dev.larder.spark;

import dev.larder.OnlineStores;
import dev.larder.engine.StoreSpec;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.StoreOptions;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The online stores of this JVM (a Spark executor, or the driver in local mode): one per store
 * configuration, opened by the first task that needs it and reused by every later task, since a
 * store is thread-safe and opening one per task would cost a connection pool each time. Closed
 * when the JVM exits, or by {@link #closeAll()} when a local-mode session Larder owns stops.
 */
final class ExecutorStores {
    private static final Map<StoreSpec, OnlineStore> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorStores::closeAll, "larder-close-stores"));
    }

    private ExecutorStores() {
    }

    static OnlineStore get(StoreSpec spec) {
        return OPEN.computeIfAbsent(spec, ExecutorStores::open);
    }

    private static OnlineStore open(StoreSpec spec) {
        String source = Path.of(spec.repoPath()).resolve("feature_store.yaml").toString();
        return OnlineStores.installed().open(spec.project(), Path.of(spec.repoPath()), StoreOptions.of(source, spec.type(), spec.options()),
                source + ": online_store.type", Clock.systemUTC());
    }

    /** Closes and forgets every store this JVM opened. */
    static void closeAll() {
        List<OnlineStore> stores = new ArrayList<>(OPEN.values());
        OPEN.clear();
        for (OnlineStore s : stores) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // closing at the end: nothing left to protect
            }
        }
    }
}
