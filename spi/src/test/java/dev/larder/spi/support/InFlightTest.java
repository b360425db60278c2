package dev.larder.spi.support;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The bounded launcher behind the backends' parallel reads and writes. */
class InFlightTest {

    @Test
    void neverMoreThanTheLimitInFlightAndEveryTaskRunsOnce() {
        List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
        List<Integer> started = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> all = InFlight.run(10, 3, i -> {
            started.add(i);
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        });
        assertThat(started).containsExactly(0, 1, 2);
        int completed = 0;
        while (completed < 10) {
            long open = pending.stream().filter(f -> !f.isDone()).count();
            assertThat(open).isLessThanOrEqualTo(3);
            pending.stream().filter(f -> !f.isDone()).findFirst().orElseThrow().complete(null);
            completed++;
        }
        assertThat(started).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(all).isCompleted();
    }

    @Test
    void synchronouslyCompletingTasksDoNotRecurse() {
        int[] runs = new int[1];
        InFlight.run(200_000, 4, i -> {
            runs[0]++;
            return CompletableFuture.completedFuture(null);
        }).join();
        assertThat(runs[0]).isEqualTo(200_000);
    }

    @Test
    void aFailureStopsNewTasksAndIsReportedAfterTheRunningOnesSettle() {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        CompletableFuture<Void> all = InFlight.run(10, 2, i -> {
            started.add(i);
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        });
        pending.get(0).completeExceptionally(new IllegalStateException("boom"));
        assertThat(all).isNotDone(); // task 1 still runs
        pending.get(1).complete(null);
        assertThat(started).containsExactly(0, 1);
        ExecutionException e = assertThrows(ExecutionException.class, all::get);
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(InFlight.run(0, 1, i -> null)).isCompleted();
    }
}
