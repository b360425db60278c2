package dev.larder.server;

import dev.larder.StoreHealth;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.larder.json.FeastJson;

import java.util.Optional;

/** {@code GET /health}: 200 {@code {"status": "SERVING", "store": type}} when the online store answers a read, 503 when it does not. */
final class HealthHandler implements HttpService {
    static final String PATH = "/health";

    private final StoreHealth health;
    private final String storeType;

    HealthHandler(StoreHealth health, String storeType) {
        this.health = health;
        this.storeType = storeType;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.from(() -> {
            Optional<String> problem = health.problem();
            if (problem.isPresent()) {
                return JsonErrors.response(new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "online store unavailable", problem.get()));
            }
            ObjectNode ok = FeastJson.JSON.createObjectNode().put("status", "SERVING").put("store", storeType);
            return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, ok.toString());
        }, ctx.blockingTaskExecutor());
    }
}
