package dev.larder;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.support.InFlight;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the online store answers: one real read of one key (present or not) of a served view,
 * bounded by a timeout. Probes run one at a time on their own thread, so a store that hangs
 * costs one thread, not one per health check: while a probe still waits, the store is reported
 * unavailable at once.
 * Shared by {@code larder serve}'s health checks and the Spring Boot starter's health indicator.
 */
public final class StoreHealth implements AutoCloseable {
    private final FeatureStore store;
    private final String storeType;
    private final Duration timeout;
    private final ExecutorService prober = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "larder-health-probe");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);

    public StoreHealth(FeatureStore store, String storeType, Duration timeout) {
        this.store = store;
        this.storeType = storeType;
        this.timeout = timeout;
    }

    /** Empty when the store answered; otherwise why not, naming the store type. Blocks up to the timeout. */
    public Optional<String> problem() {
        CompletableFuture<Void> probe;
        synchronized (this) {
            if (!running.isDone()) {
                return Optional.of("The " + storeType + " online store has not answered the previous probe read yet");
            }
            probe = CompletableFuture.runAsync(this::probe, prober);
            running = probe;
        }
        try {
            probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of("The " + storeType + " online store did not answer a probe read within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("Interrupted while probing the " + storeType + " online store");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable t = InFlight.unwrap(e);
            return Optional.of("The " + storeType + " online store failed a probe read: "
                    + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()));
        }
    }

    private void probe() {
        Optional<FeatureView> view = store.featureViews().values().stream()
                .filter(v -> !v.features().isEmpty())
                .min(Comparator.comparing(FeatureView::name));
        if (view.isEmpty()) return; // nothing served, nothing to read
        FeatureView v = view.get();
        store.onlineStore().read(v, List.of(probeKey(v)), List.of(v.features().get(0).name()));
    }

    private static EntityKey probeKey(FeatureView v) {
        if (v.isEntityless()) return EntityKey.DUMMY;
        Map<String, Value> values = new HashMap<>();
        for (Field jk : v.joinKeys()) {
            values.put(jk.name(), switch (jk.type()) {
                case INT64 -> Value.ofInt64(0);
                case INT32 -> Value.ofInt32(0);
                case BYTES -> Value.ofBytes(new byte[0]);
                case UNIX_TIMESTAMP -> Value.ofUnixTimestamp(0);
                default -> Value.ofString("");
            });
        }
        return EntityKey.of(values);
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
