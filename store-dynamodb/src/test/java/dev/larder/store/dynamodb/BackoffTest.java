package dev.larder.store.dynamodb;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounds of the backoff between retries of unprocessed keys and items. */
class BackoffTest {

    @Test
    void backoffDelaysGrowWithinTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofMillis(300), Duration.ofSeconds(1));
        for (int retry = 0; retry < 40; retry++) {
            Duration ceiling = Duration.ofMillis(Math.min(300, 10L << Math.min(retry, 20)));
            for (int k = 0; k < 50; k++) {
                assertThat(b.delay(retry)).isBetween(Duration.ZERO, ceiling);
            }
        }
        assertThat(Backoff.expired(System.nanoTime() - 1, Duration.ZERO)).isTrue();
        assertThat(Backoff.expired(b.deadlineFromNow(), Duration.ofMillis(1))).isFalse();
        assertThat(Backoff.after(Duration.ofMillis(5)).join()).isNull();
    }
}
