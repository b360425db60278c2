package dev.larder.tck;

import dev.larder.spi.Capability;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.support.NewestWins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kit's race test, tested: it must fail a store that checks then writes without atomicity
 * (the negative control) and pass one that applies the rule atomically. Both are in-memory
 * stand-ins for the kit's own test, not backends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RacingWritersTest {
    private static final FeatureView VIEW = TestData.driverView("fv_race");
    private static final Instant BASE = TestData.T0.truncatedTo(ChronoUnit.SECONDS);

    @Test
    void failsAStoreThatReadsThenWrites() {
        Map<EntityKey, FeatureRow> data = new ConcurrentHashMap<>();
        List<OnlineStore> writers = new ArrayList<>();
        for (int i = 0; i < 4; i++) writers.add(new MapStore(data, false));
        assertThatThrownBy(() -> RacingWriters.standard().run(writers, writers.get(0), VIEW, BASE))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed")
                .hasMessageContaining("expected its newest version");
    }

    @Test
    void passesAStoreThatWritesAtomically() {
        Map<EntityKey, FeatureRow> data = new ConcurrentHashMap<>();
        List<OnlineStore> writers = new ArrayList<>();
        for (int i = 0; i < 4; i++) writers.add(new MapStore(data, true));
        assertThatCode(() -> RacingWriters.standard().run(writers, writers.get(0), VIEW, BASE)).doesNotThrowAnyException();
    }

    @Test
    void refusesFewerThanFourWriters() {
        Map<EntityKey, FeatureRow> data = new ConcurrentHashMap<>();
        List<OnlineStore> writers = List.of(new MapStore(data, true), new MapStore(data, true));
        assertThatThrownBy(() -> RacingWriters.standard().run(writers, writers.get(0), VIEW, BASE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 4 writers");
    }

    /** Rows in a shared map; {@code atomic} decides whether check and write happen under one lock. */
    private static final class MapStore implements OnlineStore {
        private static final Object LOCK = new Object();
        private final Map<EntityKey, FeatureRow> data;
        private final boolean atomic;
        private final NewestWins rule = new NewestWins(ChronoUnit.NANOS);

        MapStore(Map<EntityKey, FeatureRow> data, boolean atomic) {
            this.data = data;
            this.atomic = atomic;
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.WRITE, Capability.READ, Capability.CONCURRENT_WRITES_SAME_KEY);
        }

        @Override
        public ChronoUnit eventTimePrecision() {
            return ChronoUnit.NANOS;
        }

        @Override
        public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
            if (atomic) {
                synchronized (LOCK) {
                    apply(rule.latestPerKey(view, rows), true); // the same pause, inside the lock: slow but atomic
                }
            } else {
                apply(rule.latestPerKey(view, rows), true);
            }
        }

        private void apply(List<FeatureRow> rows, boolean pauseBetweenCheckAndWrite) {
            Map<EntityKey, FeatureRow> winners = new HashMap<>();
            for (FeatureRow r : rows) {
                FeatureRow stored = data.get(r.entityKey());
                if (stored == null || rule.replaces(r, stored)) winners.put(r.entityKey(), r);
            }
            if (pauseBetweenCheckAndWrite) LockSupport.parkNanos(2_000_000); // what a network round trip does
            data.putAll(winners);
        }

        @Override
        public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
            List<OnlineRow> out = new ArrayList<>();
            for (EntityKey k : keys) {
                FeatureRow r = data.get(k);
                out.add(r == null ? OnlineRow.ABSENT : OnlineRow.of(r.eventTime(), new HashMap<>(r.values())));
            }
            return out;
        }

        @Override
        public void update(InfraChange change) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<PlannedChange> plan(InfraChange change) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void teardown(List<FeatureView> views) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
