package dev.larder.spi.support;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NewestWinsTest {
    private static final FeatureView VIEW = FeatureView.of("v", new Field("id", ValueType.INT64),
            List.of(new Field("a", ValueType.INT64), new Field("b", ValueType.INT64)), Duration.ZERO);
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static FeatureRow row(long id, long a, Instant event, Instant created) {
        return new FeatureRow(EntityKey.of("id", Value.ofInt64(id)), Map.of("a", Value.ofInt64(a), "b", Value.ofInt64(a)), event, created);
    }

    @Test
    void newerEventWinsThenNewerCreatedThenTheStoredRow() {
        NewestWins rule = new NewestWins(ChronoUnit.NANOS);
        assertThat(rule.replaces(T.plusNanos(1), null, T, T.plusSeconds(9))).isTrue();
        assertThat(rule.replaces(T, null, T.plusNanos(1), null)).isFalse();
        assertThat(rule.replaces(T, T.plusSeconds(2), T, T.plusSeconds(1))).isTrue();
        assertThat(rule.replaces(T, T.plusSeconds(1), T, T.plusSeconds(2))).isFalse();
        assertThat(rule.replaces(T, T, T, T)).as("full tie keeps the stored row").isFalse();
        assertThat(rule.replaces(T, T, T, null)).as("a created time beats none").isTrue();
        assertThat(rule.replaces(T, null, T, null)).isFalse();
    }

    @Test
    void comparesAtThePrecision() {
        NewestWins seconds = new NewestWins(ChronoUnit.SECONDS);
        assertThat(seconds.replaces(T.plusMillis(999), null, T, null)).isFalse();
        assertThat(seconds.replaces(T.plusMillis(1000), null, T.plusMillis(999), null)).isTrue();
        assertThat(seconds.replaces(T.plusMillis(500), T.plusMillis(1500), T, T.plusMillis(1200))).as("created times tie too").isFalse();
        assertThat(seconds.truncate(T.plusMillis(1999))).isEqualTo(T.plusSeconds(1));
        assertThat(seconds.truncate(null)).isNull();
    }

    @Test
    void latestPerKeyPicksByTheRuleInFirstSeenOrder() {
        NewestWins rule = new NewestWins(ChronoUnit.MICROS);
        List<FeatureRow> rows = List.of(row(2, 1, T, T), row(1, 1, T, T), row(2, 2, T.plusSeconds(1), null), row(1, 2, T, T), row(1, 3, T, T.plusNanos(1000)));
        List<FeatureRow> out = rule.latestPerKey(VIEW, rows);
        assertThat(out).containsExactly(row(2, 2, T.plusSeconds(1), null), row(1, 3, T, T.plusNanos(1000)));
        List<FeatureRow> distinct = List.of(row(1, 1, T, null), row(2, 1, T, null));
        assertThat(rule.latestPerKey(VIEW, distinct)).isSameAs(distinct);
    }

    @Test
    void timesOutOfRangeAreRejectedNamingViewKeyAndTime() {
        NewestWins rule = new NewestWins(ChronoUnit.NANOS);
        assertThat(rule.latestPerKey(VIEW, List.of(row(1, 1, NewestWins.MIN, NewestWins.MAX)))).hasSize(1);
        assertThatThrownBy(() -> rule.latestPerKey(VIEW, List.of(row(1, 1, T, null), row(7, 1, NewestWins.MAX.plusNanos(1), null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'v'").hasMessageContaining("id=INT64(7)").hasMessageContaining("+10000-01-01T00:00:00Z").hasMessageContaining("out of range");
        assertThatThrownBy(() -> rule.latestPerKey(VIEW, List.of(row(1, 1, T, Instant.EPOCH.minusNanos(1)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("created time");
    }

    @Test
    void partialRows() {
        assertThat(NewestWins.isPartial(VIEW, row(1, 1, T, null))).isFalse();
        assertThat(NewestWins.isPartial(VIEW, new FeatureRow(EntityKey.of("id", Value.ofInt64(1)), Map.of("a", Value.ofInt64(1)), T))).isTrue();
    }
}
