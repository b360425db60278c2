package dev.larder.store.cassandra;

import dev.larder.spi.FeatureRow;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write timestamp (microseconds) of a row's cells, by {@code write_timestamp}. Either way it
 * exceeds every cell the write read under the row's key, so a row the newest-wins rule lets in is
 * never hidden by an older write's cells; when event-time stamps cannot do that, the write fails.
 */
final class CellTimestamps {
    /** Event-time stamps leave the microseconds below the event's millisecond to created-time tie steps. */
    static final long TIE_STEPS = 1000;

    private final WriteTimestamp mode;
    private final Clock clock;
    /**
     * The last clock reading handed out in {@code now} mode, so readings only grow even when the
     * clock stands still. Stored write times are not folded in: a cell stamped far in the future
     * under one key must not push every other key's stamps ahead of Feast's writers.
     */
    private final AtomicLong lastNow = new AtomicLong(Long.MIN_VALUE);

    CellTimestamps(WriteTimestamp mode, Clock clock) {
        this.mode = mode;
        this.clock = clock;
    }

    /**
     * The stamp for a row that replaces {@code stored} (null when the key holds nothing), or
     * {@link Long#MIN_VALUE} when an event-time stamp could not exceed the stored cells.
     */
    long stamp(FeatureRow row, StoredRow stored) {
        long floor = stored == null ? Long.MIN_VALUE : stored.writeTime() + 1;
        if (mode == WriteTimestamp.NOW) {
            long now = lastNow.accumulateAndGet(micros(clock.instant()), (previous, reading) -> Math.max(reading, previous + 1));
            return Math.max(now, floor);
        }
        long base = row.eventTime().toEpochMilli() * TIE_STEPS;
        long stamp = Math.max(base, floor);
        return stamp < base + TIE_STEPS ? stamp : Long.MIN_VALUE;
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }
}
