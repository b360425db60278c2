package dev.larder.store.redis;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.tck.TestData;
import dev.larder.testing.net.DelayProxy;
import dev.larder.testing.redis.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a Redis store holds and sends is bounded: a huge read goes out in bounded pipelines, and
 * a burst of calls during an outage fails fast without piling commands up in memory.
 */
class RedisBoundsTest {
    static final List<String> FEATURES = List.of("conv_rate", "trips", "note");

    @TempDir
    Path repo;

    private OnlineStore open(Map<String, Object> options) {
        return new RedisStoreProvider().create(new StoreContext("bounds", repo, StoreOptions.of("redis", options)));
    }

    private static List<EntityKey> keys(int from, int count) {
        List<EntityKey> keys = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) keys.add(TestData.driver(i));
        return keys;
    }

    private static List<dev.larder.spi.FeatureRow> rows(int from, int count) {
        List<dev.larder.spi.FeatureRow> rows = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) rows.add(TestData.driverRow(i, 1, TestData.T0));
        return rows;
    }

    @Test
    void aHugeReadGoesOutInBoundedPipelinesNotAllAtOnce() {
        int n = 10_000;
        RedisServer server = RedisServer.shared();
        try (DelayProxy proxy = DelayProxy.start(server.port(), Duration.ofMillis(20));
             OnlineStore writer = open(Map.of("connection_string", server.address(), "command_timeout", "30s"));
             OnlineStore store = open(Map.of("connection_string", "127.0.0.1:" + proxy.port(), "command_timeout", "30s"))) {
            FeatureView view = TestData.driverView("fv_bounded_read");
            writer.write(view, rows(0, n), r -> { });
            store.read(view, keys(0, 1), FEATURES);
            long before = proxy.requestCount();
            List<OnlineRow> got = store.read(view, keys(0, n), FEATURES);
            long requests = proxy.requestCount() - before;
            for (int i = 0; i < n; i += 997) assertThat(got.get(i).values()).isEqualTo(TestData.driverRow(i, 1, TestData.T0).values());
            // 10 pipelines of 1000 keys, 4 in flight: the first 4 go out together, each later one when a reply frees a slot.
            int pipelines = (n + RedisReader.CHUNK - 1) / RedisReader.CHUNK;
            int waves = (pipelines + RedisReader.CHUNKS_IN_FLIGHT - 1) / RedisReader.CHUNKS_IN_FLIGHT;
            System.out.printf("bounded read: %d keys in %d client turns (%d pipelines of %d keys, %d in flight)%n",
                    n, requests, pipelines, RedisReader.CHUNK, RedisReader.CHUNKS_IN_FLIGHT);
            assertThat(requests).as("client turns of a %s-key read", n).isBetween((long) waves, 100L);
            writer.teardown(List.of(view));
        }
    }

    @Test
    void aBurstDuringAnOutageFailsEveryCallWithinTheTimeoutAndHoldsNoMemory() throws Exception {
        Duration commandTimeout = Duration.ofSeconds(2);
        Duration slack = Duration.ofSeconds(5); // scheduling on a busy shared 2-core machine
        int calls = 20_000;
        int killAt = 500;
        RedisServer server = RedisServer.start();
        try (OnlineStore store = open(Map.of("connection_string", server.address(), "command_timeout", "2s"))) {
            FeatureView view = TestData.driverView("fv_outage");
            store.write(view, rows(0, 10), r -> { });
            List<EntityKey> keys = keys(0, 10);
            for (int i = 0; i < 100; i++) store.read(view, keys, FEATURES);
            long baseline = usedHeapAfterGc();

            AtomicLong failed = new AtomicLong();
            AtomicLong slowestInFlightNanos = new AtomicLong();
            AtomicLong slowestAfterKillNanos = new AtomicLong();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(calls);
            long killedAt = 0;
            for (int i = 0; i < calls; i++) {
                if (i == killAt) {
                    server.kill();
                    killedAt = System.nanoTime();
                }
                long start = System.nanoTime();
                AtomicLong slowest = i < killAt ? slowestInFlightNanos : slowestAfterKillNanos;
                store.readAsync(view, keys, FEATURES).whenComplete((rows, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        if (!(cause instanceof OnlineStoreException) || !((OnlineStoreException) cause).isRetryable()) {
                            unexpected.compareAndSet(null, error);
                        }
                    }
                    done.countDown();
                });
            }
            long issuedAllAt = System.nanoTime();
            boolean allDone = done.await(commandTimeout.plus(slack).toMillis(), TimeUnit.MILLISECONDS);
            long settledAt = System.nanoTime();
            long retained = usedHeapAfterGc() - baseline;
            System.out.printf("outage burst: %d calls of 10 keys (server killed after call %d), %d failed; slowest failure: %d ms in flight at the kill, "
                            + "%d ms after it; issuing the calls after the kill took %d ms, all settled %d ms after the last; heap retained after GC %.1f MB%n",
                    calls, killAt, failed.get(), slowestInFlightNanos.get() / 1_000_000, slowestAfterKillNanos.get() / 1_000_000,
                    (issuedAllAt - killedAt) / 1_000_000, (settledAt - issuedAllAt) / 1_000_000, retained / 1e6);
            assertThat(allDone).as("every call settled within command_timeout + slack after the last").isTrue();
            assertThat(unexpected.get()).as("failures are retryable OnlineStoreExceptions").isNull();
            assertThat(failed.get()).as("calls made while the server was dead fail").isGreaterThanOrEqualTo(calls - killAt);
            assertThat(Duration.ofNanos(slowestInFlightNanos.get())).as("slowest failure of a call in flight at the kill").isLessThan(commandTimeout.plus(slack));
            assertThat(Duration.ofNanos(slowestAfterKillNanos.get())).as("slowest failure of a call made during the outage").isLessThan(commandTimeout.plus(slack));
            assertThat(retained).as("heap retained after GC while the server is still down").isLessThan(32L << 20);

            server.restart();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try {
                    store.write(view, List.of(TestData.driverRow(1, 2, TestData.T0)), r -> { });
                    break;
                } catch (OnlineStoreException e) {
                    if (System.nanoTime() > deadline) throw e;
                    Thread.sleep(100);
                }
            }
            assertThat(store.read(view, keys(1, 1), FEATURES).get(0).values()).isEqualTo(TestData.driverRow(1, 2, TestData.T0).values());
        } finally {
            server.stop();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
