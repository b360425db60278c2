package dev.larder.server;

import dev.larder.feast.proto.serving.FeatureList;
import dev.larder.feast.proto.serving.GetOnlineFeaturesRequest;
import dev.larder.feast.proto.serving.ServingServiceGrpc;
import dev.larder.testing.net.DelayProxy;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import dev.larder.testing.redis.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The server over a real redis-server (started by the test): the same answers as over SQLite, 503
 * naming the store when Redis is down (never a hang), 504 at the deadline, and a graceful stop that
 * finishes requests in flight.
 */
class RedisServingTest {
    @TempDir
    Path dir;

    static final String TRIPS = "{\"features\": [\"driver_hourly_stats:avg_daily_trips\", \"customer_profile:tags\"],"
            + " \"entities\": {\"driver_id\": [1001, 1002, 4242], \"customer_id\": [\"C-1\", \"C-2\", \"C-1\"]}}";

    @Test
    void answersLikeSqliteThenReports503WhileRedisIsDownAndRecovers() throws Exception {
        String sqliteAnswer;
        try (FeatureServer sqlite = TestRepo.sqlite(dir.resolve("sqlite")).fill().serve()) {
            sqliteAnswer = new Http(sqlite.url()).post("/get-online-features", TRIPS).body();
        }
        try (RedisServer redis = RedisServer.start(); FeatureServer server = TestRepo.redis(dir.resolve("redis"), redis.address()).fill().serve()) {
            Http http = new Http(server.url());
            Http.Reply ok = http.post("/get-online-features", TRIPS);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo(sqliteAnswer);
            assertThat(http.get("/health").json().get("store").asText()).isEqualTo("redis");

            redis.stop();
            long t0 = System.nanoTime();
            Http.Reply down = http.post("/get-online-features", TRIPS);
            Http.Reply health = http.get("/health");
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertThat(down.status()).as(down.body()).isEqualTo(503);
            assertThat(down.error()).isEqualTo("online store unavailable");
            assertThat(down.detail()).contains("redis").contains("retry later").doesNotContain("\tat ");
            assertThat(health.status()).as(health.body()).isEqualTo(503);
            assertThat(health.detail()).contains("redis online store");
            assertThat(seconds).as("answered within the 2 s command timeout and the 5 s probe bound, not hung").isLessThan(20);
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                StatusRuntimeException unavailable = catchThrowableOfType(() -> ServingServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS).getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                                .setFeatures(FeatureList.newBuilder().addVal("driver_hourly_stats:avg_daily_trips"))
                                .putEntities("driver_id", GrpcServingTest.int64s(1001)).build()), StatusRuntimeException.class);
                assertThat(unavailable.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(unavailable.getStatus().getDescription()).contains("online store unavailable", "redis");
                assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
            } finally {
                channel.shutdownNow();
            }
            Http.Reply push = http.post("/write-to-online-store", "{\"feature_view_name\": \"driver_extra\", \"df\": {\"driver_id\": [1],"
                    + " \"event_timestamp\": [\"2024-01-01\"], \"conv_rate\": [0.5]}}");
            assertThat(push.status()).as(push.body()).isEqualTo(503);
            assertThat(push.error()).isEqualTo("online store unavailable");
            assertThat(push.detail()).contains("redis");

            redis.restart();
            Http.Reply back = null;
            for (int i = 0; i < 100 && (back == null || back.status() != 200); i++) {
                Thread.sleep(100);
                back = http.get("/health");
            }
            assertThat(back.status()).as(back.body()).isEqualTo(200);
        }
    }

    /**
     * Issue 13 item 9: the facade bounds the view reads in flight (serving.max_concurrent_reads). A read beyond the bound waits for
     * a slot until its deadline and fails busy (the server answers 503 "server busy"); the read holding the slot fails at its deadline.
     */
    @Test
    void aReadBeyondTheFacadesBoundWaitsForItsDeadlineThenFailsBusy() throws Exception {
        try (RedisServer redis = RedisServer.start(); DelayProxy slow = DelayProxy.start(redis.port(), Duration.ofMillis(3000))) {
            TestRepo repo = TestRepo.redis(dir, "127.0.0.1:" + slow.port(), "30s");
            try (dev.larder.FeatureStore fs = dev.larder.FeatureStore.builder().config(repo.repo.config())
                    .views(repo.repo.appliedRegistry().featureViews()).maxConcurrentReads(1).requestTimeout(Duration.ofMillis(800)).build()) {
                List<String> features = List.of("driver_hourly_stats:avg_daily_trips");
                List<java.util.Map<String, Object>> rows = List.of(java.util.Map.of("driver_id", 1001L));
                // The first read takes the only slot and keeps it for the proxy's 3 s round trip.
                CompletableFuture<dev.larder.OnlineResponse> first = fs.getOnlineFeaturesAsync(features, rows, false);
                Thread.sleep(100);
                Throwable second = org.assertj.core.api.Assertions.catchThrowable(() -> fs.getOnlineFeatures(features, rows));
                assertThat(second).isInstanceOf(dev.larder.StoreBusyException.class)
                        .hasMessageContaining("all 1 concurrent view reads (serving.max_concurrent_reads)");
                Throwable late = org.assertj.core.api.Assertions.catchThrowable(first::join);
                assertThat(late).hasCauseInstanceOf(dev.larder.RequestTimeoutException.class);
                assertThat(late.getCause()).hasMessageContaining("800 ms (serving.request_timeout)");
            }
        }
    }

    @Test
    void requestOverTheDeadlineIs504() {
        try (RedisServer redis = RedisServer.start(); DelayProxy slow = DelayProxy.start(redis.port(), Duration.ofMillis(1500))) {
            TestRepo repo = TestRepo.redis(dir, "127.0.0.1:" + slow.port(), "20s");
            try (FeatureServer server = repo.serve(ServerOptions.defaults().withLimits(ServerOptions.DEFAULT_MAX_REQUEST_BYTES,
                    ServerOptions.DEFAULT_MAX_ENTITY_ROWS, Duration.ofMillis(500)))) {
                Http.Reply r = new Http(server.url()).post("/get-online-features", TRIPS);
                assertThat(r.status()).as(r.body()).isEqualTo(504);
                assertThat(r.error()).isEqualTo("deadline exceeded");
                assertThat(r.detail()).contains("500 ms", "--request-timeout");
                ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
                try {
                    StatusRuntimeException late = catchThrowableOfType(() -> ServingServiceGrpc.newBlockingStub(channel)
                            .getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                                    .setFeatures(FeatureList.newBuilder().addVal("driver_hourly_stats:avg_daily_trips"))
                                    .putEntities("driver_id", GrpcServingTest.int64s(1001)).build()), StatusRuntimeException.class);
                    assertThat(late.getStatus().getCode()).as(late.getStatus().toString()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                    assertThat(late.getStatus().getDescription()).contains("500 ms", "--request-timeout");
                } finally {
                    channel.shutdownNow();
                }
            }
        }
    }

    @Test
    void stoppingFinishesRequestsInFlight() throws Exception {
        try (RedisServer redis = RedisServer.start(); DelayProxy slow = DelayProxy.start(redis.port(), Duration.ofMillis(800))) {
            TestRepo repo = TestRepo.redis(dir, "127.0.0.1:" + slow.port(), "20s").fill();
            FeatureServer server = repo.serve();
            Http http = new Http(server.url());
            List<CompletableFuture<Http.Reply>> inFlight = new ArrayList<>();
            for (int i = 0; i < 8; i++) inFlight.add(CompletableFuture.supplyAsync(() -> http.post("/get-online-features", TRIPS)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.requestsInFlight() < 8 && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(server.requestsInFlight()).as("all 8 requests reached the server").isEqualTo(8);

            server.close(); // returns once they are answered and the store is closed
            for (CompletableFuture<Http.Reply> f : inFlight) {
                Http.Reply r = f.get();
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().at("/results/2/values").toString()).isEqualTo("[1,2,null]");
            }
            assertThat(server.whenClosed()).isDone();
            assertThat(server.requestsInFlight()).isZero();
            assertThat(CompletableFuture.supplyAsync(() -> {
                try {
                    return http.post("/get-online-features", TRIPS).status();
                } catch (RuntimeException e) {
                    return -1; // connection refused
                }
            }).get()).as("a stopped server takes no requests").isEqualTo(-1);
        }
    }
}
