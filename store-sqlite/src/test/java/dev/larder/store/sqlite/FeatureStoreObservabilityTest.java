package dev.larder.store.sqlite;

import dev.larder.FeatureStore;
import dev.larder.LarderException;
import dev.larder.config.RepoConfig;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.Value;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.larder.store.sqlite.FeatureStoreCacheTest.DRIVER;
import static dev.larder.store.sqlite.FeatureStoreCacheTest.OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Larder's meters and spans move when they should, against a real SQLite store. */
class FeatureStoreObservabilityTest {
    @TempDir
    Path repo;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel;
    FeatureStore fs;

    @BeforeEach
    void open() throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), "project: demo\nonline_store: {type: sqlite, path: data/online.db}\n");
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        fs = FeatureStore.builder().config(RepoConfig.load(repo)).views(List.of(DRIVER, OTHER)).meterRegistry(meters).openTelemetry(otel).build();
        fs.updateInfrastructure();
        Instant now = Instant.now();
        fs.write("driver_stats", List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1)),
                Map.of("conv_rate", Value.ofFloat(0.5f), "trips", Value.NULL), now)));
    }

    @AfterEach
    void close() {
        fs.close();
        otel.close();
    }

    @Test
    void aRequestMovesTheRequestViewAndValueMeters() {
        fs.getOnlineFeatures(List.of("driver_stats:conv_rate", "driver_stats:trips", "other_stats:rating"),
                List.of(Map.of("driver_id", 1L), Map.of("driver_id", 2L)));
        assertThat(meters.get("larder.online.read").tag("outcome", "success").timer().count()).isEqualTo(1);
        assertThat(meters.get("larder.online.view.read").tags("view", "driver_stats", "store", "sqlite", "source", "store", "outcome", "success")
                .timer().count()).isEqualTo(1);
        assertThat(meters.get("larder.online.view.read").tag("view", "other_stats").timer().count()).isEqualTo(1);
        assertThat(meters.get("larder.online.entity.rows").summary().totalAmount()).isEqualTo(2);
        assertThat(meters.get("larder.online.features").summary().totalAmount()).isEqualTo(3);
        assertThat(meters.get("larder.online.values").tags("view", "driver_stats", "status", "PRESENT").counter().count()).isEqualTo(1);
        assertThat(meters.get("larder.online.values").tags("view", "driver_stats", "status", "NULL_VALUE").counter().count()).isEqualTo(1);
        assertThat(meters.get("larder.online.values").tags("view", "driver_stats", "status", "NOT_FOUND").counter().count()).isEqualTo(2);
        assertThat(meters.get("larder.online.values").tags("view", "other_stats", "status", "NOT_FOUND").counter().count()).isEqualTo(2);
    }

    @Test
    void badRequestsAndStoreFailuresAreCountedAsErrors() {
        assertThatThrownBy(() -> fs.getOnlineFeatures(List.of("driver_stats:nope"), List.of(Map.of("driver_id", 1L))))
                .isInstanceOf(LarderException.class);
        assertThat(meters.get("larder.online.read").tag("outcome", "error").timer().count()).isEqualTo(1);
        fs.onlineStore().close(); // the store fails underneath the facade
        assertThatThrownBy(() -> fs.getOnlineFeatures(List.of("driver_stats:trips"), List.of(Map.of("driver_id", 1L))));
        assertThat(meters.get("larder.online.read").tag("outcome", "error").timer().count()).isEqualTo(2);
        assertThat(meters.get("larder.store.errors").tag("store", "sqlite").counter().count()).isEqualTo(1);
        assertThat(meters.get("larder.online.view.read").tags("view", "driver_stats", "outcome", "error").timer().count()).isEqualTo(1);
    }

    @Test
    void aSpanPerRequestWithAChildPerViewRead() {
        fs.getOnlineFeatures(List.of("driver_stats:conv_rate", "other_stats:rating"), List.of(Map.of("driver_id", 1L), Map.of("driver_id", 1L)));
        List<SpanData> done = spans.getFinishedSpanItems();
        SpanData request = done.stream().filter(s -> s.getName().equals("larder.get_online_features")).findFirst().orElseThrow();
        assertThat(request.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(request.getAttributes().asMap().toString()).contains("larder.store=sqlite").contains("larder.entity_rows=2");
        List<SpanData> views = done.stream().filter(s -> s.getName().startsWith("larder.read ")).toList();
        assertThat(views).extracting(SpanData::getName).containsExactlyInAnyOrder("larder.read driver_stats", "larder.read other_stats");
        for (SpanData v : views) {
            assertThat(v.getParentSpanId()).isEqualTo(request.getSpanId());
            assertThat(v.getTraceId()).isEqualTo(request.getTraceId());
            assertThat(v.getAttributes().asMap().toString()).contains("larder.keys=1");
        }
    }
}
