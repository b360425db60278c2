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

    @Test
    void leftoversAreResentUntilNoneAreLeftOrTheLimitPasses() {
        Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(5));
        java.util.List<Integer> sent = new java.util.ArrayList<>();
        // 10 items; each send processes 4 of what it gets.
        assertThat(b.untilDone(10, n -> {
            sent.add(n);
            return java.util.concurrent.CompletableFuture.completedFuture(n > 4 ? n - 4 : null);
        }, n -> n, 10, "items", "why").join()).isNull();
        assertThat(sent).containsExactly(10, 6, 2);

        Backoff brief = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(30));
        assertThat(brief.untilDone(10, n -> java.util.concurrent.CompletableFuture.completedFuture(Math.max(1, n - 1)), n -> n, 10,
                "keys of a test (UnprocessedKeys)", "the table is throttled"))
                .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(DynamoDBErrors.Unprocessed.class)
                .withMessageMatching("[1-9] of 10 keys of a test \\(UnprocessedKeys\\) were still unprocessed after retrying .*the table is throttled");
        assertThat(DynamoDBErrors.isRetryable(new DynamoDBErrors.Unprocessed("x"))).isTrue();
    }
}
