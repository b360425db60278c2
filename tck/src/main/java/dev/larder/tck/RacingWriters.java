package dev.larder.tck;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.larder.tck.TestData.driver;
import static dev.larder.tck.TestData.driverRow;

/**
 * Writers on separate store instances racing on the same keys, each writing its share of
 * versions in a random order: afterwards every key must hold its newest version. A round uses a
 * fresh seed, named in the failure message so the schedule can be replayed; rounds go on until
 * enough of them really interleaved (one writer's call overlapping another's) and the check fails
 * if too few did. Kept apart from the kit so the kit's own tests can run it against a store that
 * is deliberately not atomic (the negative control).
 */
public final class RacingWriters {
    private final int keys;
    private final int versions;
    private final int interleavedRoundsNeeded;
    private final int maxRounds;

    public RacingWriters(int keys, int versions, int interleavedRoundsNeeded, int maxRounds) {
        this.keys = keys;
        this.versions = versions;
        this.interleavedRoundsNeeded = interleavedRoundsNeeded;
        this.maxRounds = maxRounds;
    }

    /** The defaults the kit uses: 100 keys, 16 versions, 3 interleaved rounds within 20. */
    public static RacingWriters standard() {
        return new RacingWriters(100, 16, 3, 20);
    }

    /**
     * Runs the race with one writer per store (at least 4) and reads back through {@code reader}.
     *
     * @param base      the event time of version 0, in whole seconds; version v is written at base + v seconds
     * @throws AssertionError naming the round's seed when a key does not hold its newest version,
     *                        or when the writers did not interleave in enough rounds
     */
    public void run(List<OnlineStore> writers, OnlineStore reader, FeatureView view, Instant base) throws Exception {
        if (writers.size() < 4) throw new IllegalArgumentException("at least 4 writers race; got " + writers.size());
        if (base.getNano() != 0) throw new IllegalArgumentException("the base time must be whole seconds (every store keeps them): " + base);
        int n = writers.size();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        int interleaved = 0;
        try {
            for (int round = 0; round < maxRounds && interleaved < interleavedRoundsNeeded; round++) {
                long seed = new Random().nextLong();
                Instant roundBase = base.plusSeconds(100_000L * round);
                Random seeds = new Random(seed);
                CountDownLatch start = new CountDownLatch(1);
                List<List<long[]>> calls = new ArrayList<>();
                List<Future<?>> running = new ArrayList<>();
                for (int w = 0; w < n; w++) {
                    int writer = w;
                    long writerSeed = seeds.nextLong();
                    List<long[]> spans = Collections.synchronizedList(new ArrayList<>());
                    calls.add(spans);
                    OnlineStore target = writers.get(w);
                    running.add(pool.submit(() -> {
                        List<Integer> order = new ArrayList<>();
                        for (int v = writer; v < versions; v += n) order.add(v);
                        Collections.shuffle(order, new Random(writerSeed));
                        start.await();
                        for (int v : order) {
                            List<FeatureRow> rows = new ArrayList<>(keys);
                            for (int i = 0; i < keys; i++) rows.add(driverRow(i, v, roundBase.plusSeconds(v)));
                            long from = System.nanoTime();
                            target.write(view, rows, r -> { });
                            spans.add(new long[]{from, System.nanoTime()});
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : running) f.get(120, TimeUnit.SECONDS);
                if (overlaps(calls)) interleaved++;
                List<EntityKey> all = new ArrayList<>(keys);
                for (int i = 0; i < keys; i++) all.add(driver(i));
                List<OnlineRow> got = reader.read(view, all, List.of("conv_rate", "trips", "note"));
                for (int i = 0; i < keys; i++) {
                    FeatureRow expected = driverRow(i, versions - 1, roundBase.plusSeconds(versions - 1));
                    OnlineRow row = got.get(i);
                    if (!row.isPresent() || !row.eventTime().equals(expected.eventTime()) || !row.values().equals(expected.values())) {
                        throw new AssertionError("Racing writers, round " + round + " (seed " + seed + "): key " + all.get(i)
                                + " holds " + row + "; expected its newest version " + expected.values() + " at " + expected.eventTime());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (interleaved < interleavedRoundsNeeded) {
            throw new AssertionError("Racing writers: only " + interleaved + " of " + maxRounds + " rounds interleaved (needed "
                    + interleavedRoundsNeeded + "): the race proved nothing");
        }
    }

    /** Whether some write call of one writer overlapped in time with a call of another. */
    static boolean overlaps(List<List<long[]>> calls) {
        for (int a = 0; a < calls.size(); a++) {
            for (int b = a + 1; b < calls.size(); b++) {
                for (long[] x : calls.get(a)) {
                    for (long[] y : calls.get(b)) {
                        if (x[0] < y[1] && y[0] < x[1]) return true;
                    }
                }
            }
        }
        return false;
    }
}
