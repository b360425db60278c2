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
import java.util.concurrent.CyclicBarrier;
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
        CyclicBarrier allChecked = new CyclicBarrier(4);
        for (int i = 0; i < 4; i++) writers.add(new MapStore(data, allChecked));
        assertThatThrownBy(() -> RacingWriters.standard().run(writers, writers.get(0), VIEW, BASE))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed")
                .hasMessageContaining("expected its newest version");
    }

    @Test
    void passesAStoreThatWritesAtomically() {
        Map<EntityKey, FeatureRow> data = new ConcurrentHashMap<>();
        List<OnlineStore> writers = new ArrayList<>();
        for (int i = 0; i < 4; i++) writers.add(new MapStore(data, null));
        assertThatCode(() -> RacingWriters.standard().run(writers, writers.get(0), VIEW, BASE)).doesNotThrowAnyException();
    }

    @Test
    void refusesFewerThanFourWriters() {
        Map<EntityKey, FeatureRow> data = new ConcurrentHashMap<>();
        List<OnlineStore> writers = List.of(new MapStore(data, null), new MapStore(data, null));
        assertThatThrownBy(() -> RacingWriters.standard().run(writers, writers.get(0), VIEW, BASE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 4 writers");
    }

    /**
     * Rows in a shared map. Atomic (no barrier): check and write under one lock. Not atomic: each
     * write checks, waits until all four writers have checked (the barrier: every writer makes the
     * same number of calls, so they move in steps), then writes, newer versions first, so that an
     * older version checked against the same stored row lands after the newest: a lost update in
     * every round, whatever the machine's speed (a race left to the scheduler was missed on an idle machine).
     */
    private static final class MapStore implements OnlineStore {
        private static final Object LOCK = new Object();
        private final Map<EntityKey, FeatureRow> data;
        private final CyclicBarrier allChecked;
        private final NewestWins rule = new NewestWins(ChronoUnit.NANOS);

        MapStore(Map<EntityKey, FeatureRow> data, CyclicBarrier allChecked) {
            this.data = data;
            this.allChecked = allChecked;
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
            List<FeatureRow> latest = rule.latestPerKey(view, rows);
            if (allChecked == null) {
                synchronized (LOCK) {
                    data.putAll(winners(latest));
                }
                return;
            }
            Map<EntityKey, FeatureRow> winners = winners(latest);
            try {
                allChecked.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the writers did not meet at the barrier", e);
            }
            long version = (latest.get(0).eventTime().getEpochSecond() - BASE.getEpochSecond()) % 100_000;
            LockSupport.parkNanos((20 - version) * 1_000_000L); // newer versions write first, older ones after
            data.putAll(winners);
        }

        private Map<EntityKey, FeatureRow> winners(List<FeatureRow> rows) {
            Map<EntityKey, FeatureRow> winners = new HashMap<>();
            for (FeatureRow r : rows) {
                FeatureRow stored = data.get(r.entityKey());
                if (stored == null || rule.replaces(r, stored)) winners.put(r.entityKey(), r);
            }
            return winners;
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
