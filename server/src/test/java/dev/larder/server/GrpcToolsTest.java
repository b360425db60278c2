package dev.larder.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What generic gRPC tools rely on: server reflection (grpcurl list/describe/call without .proto
 * files) and gRPC's JSON mapping over plain HTTP (the curl form in docs/server.md).
 */
class GrpcToolsTest {
    @TempDir
    Path dir;

    @Test
    void reflectionListsTheServicesAndDescribesServingService() throws Exception {
        try (FeatureServer server = TestRepo.sqlite(dir).fill().serve()) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                List<ServerReflectionResponse> replies = reflect(channel, List.of(
                        ServerReflectionRequest.newBuilder().setListServices("").build(),
                        ServerReflectionRequest.newBuilder().setFileContainingSymbol("feast.serving.ServingService").build()));
                List<String> services = new ArrayList<>();
                replies.get(0).getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName()));
                assertThat(services).contains("feast.serving.ServingService", "grpc.health.v1.Health");
                assertThat(replies.get(1).getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void grpcJsonOverPlainHttp() {
        try (FeatureServer server = TestRepo.sqlite(dir).fill().serve()) {
            Http http = new Http(server.url());
            Http.Reply r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url()
                            + "/feast.serving.ServingService/GetOnlineFeatures"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"features\": {\"val\": [\"driver_hourly_stats:avg_daily_trips\"]},"
                            + " \"entities\": {\"driver_id\": {\"val\": [{\"int64Val\": \"1001\"}, {\"int64Val\": \"1003\"}]}}}"))
                    .build());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().at("/metadata/featureNames/val").toString()).isEqualTo("[\"driver_id\",\"avg_daily_trips\"]");
            assertThat(r.json().at("/results/1/values").toString()).isEqualTo("[{\"int64Val\":\"1\"},{\"int64Val\":\"3\"}]");
            assertThat(r.json().at("/results/1/statuses").toString()).isEqualTo("[\"PRESENT\",\"PRESENT\"]");
        }
    }

    static List<ServerReflectionResponse> reflect(ManagedChannel channel, List<ServerReflectionRequest> requests) throws Exception {
        List<ServerReflectionResponse> replies = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> out = ServerReflectionGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        synchronized (replies) {
                            replies.add(value);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        for (ServerReflectionRequest r : requests) out.onNext(r);
        out.onCompleted();
        done.get(60, TimeUnit.SECONDS);
        return replies;
    }
}
