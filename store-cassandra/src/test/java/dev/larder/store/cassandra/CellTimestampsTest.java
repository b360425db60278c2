package dev.larder.store.cassandra;

import dev.larder.spi.FeatureRow;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static dev.larder.tck.TestData.driver;
import static org.assertj.core.api.Assertions.assertThat;

/** How write timestamps are chosen, without a server: the arithmetic the store tests rely on. */
class CellTimestampsTest {
    static final Instant NOW = Instant.parse("2026-05-06T07:08:09.123456Z");
    static final Instant EVENT = Instant.parse("2025-01-02T03:04:05.678Z");
    static final long NOW_MICROS = CellTimestamps.micros(NOW);
    static final long EVENT_MICROS = EVENT.toEpochMilli() * 1000;

    private static FeatureRow row(Instant event) {
        return new FeatureRow(driver(1), Map.of(), event);
    }

    @Test
    void nowStampsAreTheClockAndGrowWhenItStandsStill() {
        CellTimestamps stamps = new CellTimestamps(WriteTimestamp.NOW, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(stamps.stamp(row(EVENT), null)).isEqualTo(NOW_MICROS);
        assertThat(stamps.stamp(row(EVENT), null)).isEqualTo(NOW_MICROS + 1);
        assertThat(stamps.stamp(row(EVENT), new StoredRow(EVENT, null, NOW_MICROS - 50))).isEqualTo(NOW_MICROS + 2);
    }

    @Test
    void nowStampsExceedTheStoredCellsOfTheirKeyOnly() {
        CellTimestamps stamps = new CellTimestamps(WriteTimestamp.NOW, Clock.fixed(NOW, ZoneOffset.UTC));
        long feastAhead = NOW_MICROS + 3_600_000_000L; // a Feast clock an hour ahead
        assertThat(stamps.stamp(row(EVENT), new StoredRow(EVENT, null, feastAhead))).isEqualTo(feastAhead + 1);
        assertThat(stamps.stamp(row(EVENT), null)).as("another key keeps the clock").isEqualTo(NOW_MICROS + 1);
    }

    @Test
    void eventTimeStampsAreTheEventMillisecondWithTieSteps() {
        CellTimestamps stamps = new CellTimestamps(WriteTimestamp.EVENT_TIME, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(stamps.stamp(row(EVENT.plusNanos(999_999)), null)).as("truncated to the millisecond").isEqualTo(EVENT_MICROS);
        assertThat(stamps.stamp(row(EVENT), new StoredRow(EVENT.minusSeconds(1), null, EVENT_MICROS - 1_000_000))).isEqualTo(EVENT_MICROS);
        assertThat(stamps.stamp(row(EVENT), new StoredRow(EVENT, null, EVENT_MICROS + 4))).as("a newer created time, one step up").isEqualTo(EVENT_MICROS + 5);
        assertThat(stamps.stamp(row(EVENT), new StoredRow(EVENT, null, EVENT_MICROS + 998))).isEqualTo(EVENT_MICROS + 999);
    }

    @Test
    void eventTimeStampsThatCannotExceedTheStoredCellsAreRefused() {
        CellTimestamps stamps = new CellTimestamps(WriteTimestamp.EVENT_TIME, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(stamps.stamp(row(EVENT), new StoredRow(EVENT, null, EVENT_MICROS + 999))).as("steps used up").isEqualTo(Long.MIN_VALUE);
        assertThat(stamps.stamp(row(EVENT), new StoredRow(EVENT.minusSeconds(60), null, NOW_MICROS)))
                .as("cells Feast wrote after the event").isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void theRangeEndsFitAStamp() {
        CellTimestamps stamps = new CellTimestamps(WriteTimestamp.EVENT_TIME, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(stamps.stamp(row(dev.larder.spi.support.NewestWins.MIN), null)).isZero();
        assertThat(stamps.stamp(row(dev.larder.spi.support.NewestWins.MAX), null)).isEqualTo(253_402_300_799_999_000L);
        assertThat(CellTimestamps.instant(CellTimestamps.micros(NOW))).isEqualTo(NOW);
    }
}
