package dev.larder.server;

import dev.larder.FeatureStore;
import dev.larder.OnlineResponse;
import dev.larder.feast.proto.serving.FeatureList;
import dev.larder.feast.proto.serving.FieldStatus;
import dev.larder.feast.proto.serving.GetFeastServingInfoRequest;
import dev.larder.feast.proto.serving.GetOnlineFeaturesRequest;
import dev.larder.feast.proto.serving.GetOnlineFeaturesResponse;
import dev.larder.feast.proto.serving.ServingServiceGrpc;
import dev.larder.feast.proto.types.RepeatedValue;
import dev.larder.feast.proto.types.Value;
import dev.larder.spi.codec.ValueCodec;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * feast.serving.ServingService and grpc.health.v1.Health through a plain grpc-java client (stubs
 * generated from the project's copy of Feast's ServingService.proto and Value.proto).
 */
class GrpcServingTest {
    @TempDir
    static Path dir;
    static TestRepo repo;
    static FeatureServer server;
    static ManagedChannel channel;
    static ServingServiceGrpc.ServingServiceBlockingStub serving;

    @BeforeAll
    static void start() {
        repo = TestRepo.sqlite(dir).fill();
        server = repo.serve(ServerOptions.defaults().withLimits(ServerOptions.DEFAULT_MAX_REQUEST_BYTES, 5, Duration.ofSeconds(60)));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        serving = ServingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }

    static RepeatedValue int64s(long... values) {
        RepeatedValue.Builder b = RepeatedValue.newBuilder();
        for (long v : values) b.addVal(Value.newBuilder().setInt64Val(v));
        return b.build();
    }

    static RepeatedValue strings(String... values) {
        RepeatedValue.Builder b = RepeatedValue.newBuilder();
        for (String v : values) b.addVal(Value.newBuilder().setStringVal(v));
        return b.build();
    }

    @Test
    void servingInfo() {
        assertThat(serving.getFeastServingInfo(GetFeastServingInfoRequest.getDefaultInstance()).getVersion()).isEqualTo("0.66.0+larder.0.1.0");
    }

    @Test
    void getOnlineFeaturesEqualsTheFacadeValueForValue() {
        List<String> refs = List.of("driver_hourly_stats:conv_rate", "driver_hourly_stats:avg_daily_trips", "driver_fresh:fresh_rate",
                "customer_profile:avatar", "customer_profile:tags", "customer_profile:signup", "customer_profile:name");
        GetOnlineFeaturesResponse r = serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                .setFeatures(FeatureList.newBuilder().addAllVal(refs))
                .putEntities("driver_id", int64s(1001, 1002, 9999))
                .putEntities("customer_id", strings("C-1", "C-2", "C-9"))
                .build());
        OnlineResponse expected;
        try (FeatureStore fs = repo.openStore()) {
            expected = fs.getOnlineFeatures(refs, List.of(Map.of("driver_id", 1001L, "customer_id", "C-1"),
                    Map.of("driver_id", 1002L, "customer_id", "C-2"), Map.of("driver_id", 9999L, "customer_id", "C-9")));
        }
        assertThat(r.getMetadata().getFeatureNames().getValList()).isEqualTo(expected.featureNames());
        assertThat(r.getResultsCount()).isEqualTo(expected.columns().size());
        for (int c = 0; c < expected.columns().size(); c++) {
            OnlineResponse.Column col = expected.columns().get(c);
            GetOnlineFeaturesResponse.FeatureVector v = r.getResults(c);
            for (int row = 0; row < 3; row++) {
                dev.larder.spi.Value want = col.values().get(row);
                Value got = v.getValues(row);
                if (want == null || want.isNull()) {
                    assertThat(got).as(col.name() + " row " + row).isEqualTo(Value.getDefaultInstance());
                } else {
                    assertThat(ValueCodec.decode(got.toByteArray())).as(col.name() + " row " + row).isEqualTo(want);
                    assertThat(got.toByteArray()).isEqualTo(ValueCodec.encode(want));
                }
                assertThat(v.getStatuses(row).name()).isEqualTo(col.statuses().get(row).name());
                Instant t = col.eventTimes().get(row);
                assertThat(v.getEventTimestamps(row).getSeconds()).isEqualTo(t == null ? 0 : t.getEpochSecond());
            }
        }
        assertThat(r.getMetadata().getFeatureNames().getValList()).startsWith("driver_id", "customer_id");
        assertThat(r.getResults(3).getValues(0).getInt64Val()).isEqualTo(1);
        assertThat(r.getResults(4).getStatusesList()).containsExactly(FieldStatus.PRESENT, FieldStatus.OUTSIDE_MAX_AGE, FieldStatus.NOT_FOUND);
        assertThat(r.getResults(8).getValues(0).getStringVal()).isEqualTo("Ada");
        assertThat(r.getResults(8).getStatuses(1)).isEqualTo(FieldStatus.NULL_VALUE);
    }

    @Test
    void featureServiceWithFullFeatureNames() {
        GetOnlineFeaturesResponse r = serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                .setFeatureService("driver_activity").setFullFeatureNames(true)
                .putEntities("driver_id", int64s(1003)).build());
        assertThat(r.getMetadata().getFeatureNames().getValList()).containsExactly("driver_id", "driver_hourly_stats__conv_rate",
                "driver_hourly_stats__acc_rate", "driver_hourly_stats__avg_daily_trips", "driver_fresh__fresh_rate");
        assertThat(r.getResults(3).getValues(0).getInt64Val()).isEqualTo(3);
        assertThat(r.getResults(4).getStatuses(0)).isEqualTo(FieldStatus.NOT_FOUND);
    }

    @Test
    void badRequestsGetGrpcCodesAndTheSameMessages() {
        expect(() -> serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                        .setFeatures(FeatureList.newBuilder().addVal("driver_hourly:conv_rate")).putEntities("driver_id", int64s(1)).build()),
                Status.Code.NOT_FOUND, "unknown feature view: features[0]", "'driver_hourly'");
        expect(() -> serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                        .setFeatures(FeatureList.newBuilder().addVal("driver_hourly_stats:conv_rate")).putEntities("driver_id", strings("1001")).build()),
                Status.Code.INVALID_ARGUMENT, "invalid join key value: entities.driver_id[0]", "STRING", "INT64");
        expect(() -> serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                        .setFeatures(FeatureList.newBuilder().addVal("driver_hourly_stats:conv_rate")).build()),
                Status.Code.INVALID_ARGUMENT, "missing join key", "'driver_id'");
        expect(() -> serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                        .putEntities("driver_id", int64s(1)).build()),
                Status.Code.INVALID_ARGUMENT, "Give 'features'");
        expect(() -> serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder().setFeatureService("nope")
                        .putEntities("driver_id", int64s(1)).build()),
                Status.Code.NOT_FOUND, "unknown feature service", "'nope'");
        expect(() -> serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                        .setFeatures(FeatureList.newBuilder().addVal("driver_hourly_stats:conv_rate")).putEntities("driver_id", int64s(1, 2, 3, 4, 5, 6)).build()),
                Status.Code.RESOURCE_EXHAUSTED, "too many entity rows", "at most 5");
        expect(() -> serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                        .setFeatures(FeatureList.newBuilder().addVal("driver_hourly_stats:conv_rate")).putEntities("driver_id", int64s(1))
                        .putRequestContext("val_to_add", int64s(1)).build()),
                Status.Code.FAILED_PRECONDITION, "request_context", "on-demand");
        // still serving
        assertThat(serving.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                .setFeatures(FeatureList.newBuilder().addVal("totals:drivers_online")).build()).getResults(0).getValues(0).getInt64Val()).isEqualTo(42);
    }

    @Test
    void healthCheck() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService("feast.serving.ServingService").build()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        expect(() -> health.check(HealthCheckRequest.newBuilder().setService("other").build()), Status.Code.NOT_FOUND, "'other'");
    }

    static void expect(Runnable call, Status.Code code, String... description) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(description);
        });
    }
}
