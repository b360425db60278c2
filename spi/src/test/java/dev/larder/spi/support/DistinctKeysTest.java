package dev.larder.spi.support;

import dev.larder.spi.EntityKey;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.Value;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DistinctKeysTest {
    static EntityKey k(long id) {
        return EntityKey.of("id", Value.ofInt64(id));
    }

    @Test
    void readsEachKeyOnceAndAnswersInRequestOrder() {
        DistinctKeys d = DistinctKeys.of(List.of(k(3), k(1), k(3), k(2), k(1)));
        assertThat(d.keys()).containsExactly(k(3), k(1), k(2));
        OnlineRow three = OnlineRow.of(Instant.EPOCH, Map.of("f", Value.ofInt64(3)));
        OnlineRow two = OnlineRow.of(Instant.EPOCH, Map.of("f", Value.ofInt64(2)));
        assertThat(d.expand(new OnlineRow[] {three, null, two}))
                .containsExactly(three, OnlineRow.ABSENT, three, two, OnlineRow.ABSENT);
        assertThat(d.slotOf(2)).isEqualTo(0);
        assertThat(DistinctKeys.of(List.of()).expand(new OnlineRow[0])).isEmpty();
    }
}
