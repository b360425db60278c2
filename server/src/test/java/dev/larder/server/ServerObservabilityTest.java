package dev.larder.server;

import dev.larder.FeatureStore;
import dev.larder.feast.proto.serving.FeatureList;
import dev.larder.feast.proto.serving.GetOnlineFeaturesRequest;
import dev.larder.feast.proto.serving.ServingServiceGrpc;
import dev.larder.feast.proto.types.RepeatedValue;
import dev.larder.feast.proto.types.Value;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /metrics (Prometheus text with Larder's and Armeria's meters) and the caller's W3C trace
 * context continued by the facade's request span, on HTTP and gRPC.
 */
class ServerObservabilityTest {
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";
    static final String REQUEST = "{\"features\": [\"driver_hourly_stats:conv_rate\", \"driver_fresh:fresh_rate\"], \"entities\": {\"driver_id\": [1001, 1002]}}";

    @TempDir
    static Path dir;
    static TestRepo repo;


    @Test
    void metricsShowLarderAndArmeriaMetersAfterOneRequest() {
        try (FeatureServer server = repo.serve()) {
            Http http = new Http(server.url());
            Http.Reply before = http.get("/metrics");
            assertThat(before.status()).isEqualTo(200);
            assertThat(before.body()).doesNotContain("larder_online_view_read_seconds_count{");

            assertThat(http.post("/get-online-features", REQUEST).status()).isEqualTo(200);

            Http.Reply r = http.get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body())
                    .contains("larder_online_read_seconds_count{outcome=\"success\"} 1")
                    .contains("larder_online_read_seconds_bucket{outcome=\"success\",le=") // the percentiles histogram
                    .containsPattern("larder_online_view_read_seconds_count\\{outcome=\"success\",source=\"store\",store=\"sqlite\",view=\"driver_fresh\"} 1")
                    .containsPattern("larder_online_view_read_seconds_count\\{outcome=\"success\",source=\"store\",store=\"sqlite\",view=\"driver_hourly_stats\"} 1")
                    .contains("larder_online_values_total{status=\"PRESENT\",view=\"driver_hourly_stats\"} 2.0")
                    .contains("larder_online_entity_rows_sum 2.0")
                    .containsPattern("armeria_server_requests_total\\{[^}]*http_status=\"200\"[^}]*service=\"[^\"]*\"[^}]*}");
        }
    }

    @Test
    void metricsContentTypeIsPrometheusText() throws Exception {
        try (FeatureServer server = repo.serve()) {
            var reply = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(reply.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(reply.body()).contains("# TYPE larder_online_entity_rows summary");
        }
    }

    @Test
    void aFacadeOnACompositeRegistryIsShownAndUnboundAtClose() {
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        FeatureStore store = FeatureStore.builder().config(repo.repo.config()).views(repo.repo.appliedRegistry().featureViews())
                .meterRegistry(composite).build();
        try (FeatureServer server = FeatureServer.start(repo.repo, store, true, options())) {
            Http http = new Http(server.url());
            assertThat(http.post("/get-online-features", REQUEST).status()).isEqualTo(200);
            assertThat(composite.getRegistries()).hasSize(1);
            assertThat(http.get("/metrics").body()).contains("larder_online_read_seconds_count{outcome=\"success\"} 1");
        }
        assertThat(composite.getRegistries()).isEmpty();
    }

    // ------------------------------------------------------------------ tracing

    static final InMemorySpanExporter spans = InMemorySpanExporter.create();
    static FeatureServer traced;

    @BeforeAll
    static void start() {
        repo = TestRepo.sqlite(dir).fill();
        SdkTracerProvider tracer = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        FeatureStore store = FeatureStore.builder().config(repo.repo.config()).views(repo.repo.appliedRegistry().featureViews())
                .openTelemetry(OpenTelemetrySdk.builder().setTracerProvider(tracer).build()).build();
        traced = FeatureServer.start(repo.repo, store, true, options());
    }

    @AfterAll
    static void stopTraced() {
        traced.close();
    }

    @BeforeEach
    void clearSpans() {
        spans.reset();
    }

    @Test
    void httpRequestSpanContinuesTheCallersTraceparent() {
        Http http = new Http(traced.url());
        Http.Reply r = http.send(HttpRequest.newBuilder(URI.create(traced.url() + "/get-online-features"))
                .header("Content-Type", "application/json").header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        SpanData request = requestSpan();
        assertThat(request.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(request.getParentSpanId()).isEqualTo(CALLER_SPAN);
        assertThat(request.getParentSpanContext().isRemote()).isTrue();
        // the view reads stay children of the request span, in the caller's trace
        List<SpanData> views = spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("larder.read ")).toList();
        assertThat(views).hasSize(2).allSatisfy(v -> {
            assertThat(v.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(v.getParentSpanId()).isEqualTo(request.getSpanId());
        });
    }

    @Test
    void withoutTraceparentTheRequestSpanStartsATrace() {
        assertThat(new Http(traced.url()).post("/get-online-features", REQUEST).status()).isEqualTo(200);
        SpanData request = requestSpan();
        assertThat(request.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(request.getTraceId()).isNotEqualTo(TRACE_ID);
    }

    @Test
    void grpcRequestSpanContinuesTheCallersTraceparent() throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", traced.port()).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01");
            ServingServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                            .setFeatures(FeatureList.newBuilder().addVal("driver_hourly_stats:conv_rate"))
                            .putEntities("driver_id", RepeatedValue.newBuilder().addVal(Value.newBuilder().setInt64Val(1001)).build())
                            .build());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        SpanData request = requestSpan();
        assertThat(request.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(request.getParentSpanId()).isEqualTo(CALLER_SPAN);
    }

    private static SpanData requestSpan() {
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("larder.get_online_features")).toList();
        assertThat(found).as("request spans among %s", spans.getFinishedSpanItems()).hasSize(1);
        return found.get(0);
    }

    private static ServerOptions options() {
        return ServerOptions.defaults().withLimits(ServerOptions.DEFAULT_MAX_REQUEST_BYTES, ServerOptions.DEFAULT_MAX_ENTITY_ROWS,
                Duration.ofSeconds(60)).withPort(0);
    }
}
