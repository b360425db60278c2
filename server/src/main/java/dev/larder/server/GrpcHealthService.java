package dev.larder.server;

import dev.larder.StoreHealth;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

import java.util.Set;

/**
 * The standard {@code grpc.health.v1.Health} check: SERVING when the online store answers a probe
 * read (as {@code GET /health}), NOT_SERVING when it does not. The service name may be empty (the
 * server) or {@code feast.serving.ServingService}; another name is NOT_FOUND, as the protocol says.
 * {@code Watch} is not offered (UNIMPLEMENTED): probing a store in a loop is the caller's choice.
 */
final class GrpcHealthService extends HealthGrpc.HealthImplBase {
    static final Set<String> SERVICES = Set.of("", "feast.serving.ServingService");

    private final StoreHealth health;

    GrpcHealthService(StoreHealth health) {
        this.health = health;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
        if (!SERVICES.contains(request.getService())) {
            out.onError(Status.NOT_FOUND.withDescription("unknown service '" + request.getService() + "'; this server has " + SERVICES)
                    .asRuntimeException());
            return;
        }
        HealthCheckResponse.ServingStatus status = health.problem().isEmpty()
                ? HealthCheckResponse.ServingStatus.SERVING : HealthCheckResponse.ServingStatus.NOT_SERVING;
        out.onNext(HealthCheckResponse.newBuilder().setStatus(status).build());
        out.onCompleted();
    }
}
