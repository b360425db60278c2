package dev.larder.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import dev.larder.Dates;
import dev.larder.FeatureStore;
import dev.larder.LarderException;
import dev.larder.spi.OnlineStoreException;
import dev.larder.json.FeastJson;
import dev.larder.materialize.MaterializationMetrics;
import dev.larder.materialize.Materializer;
import dev.larder.materialize.ViewResult;
import dev.larder.registry.Registry;
import dev.larder.registry.Repository;
import dev.larder.spi.OnlineStore;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /materialize} ({@code start_ts}, {@code end_ts}, {@code feature_views}) and
 * {@code POST /materialize-incremental} ({@code end_ts}, {@code feature_views}), answered when the run
 * is over, as Feast's server does (so these two endpoints have no request deadline). One run at a
 * time: a second request while one runs gets 409 naming the running one.
 */
final class MaterializeHandler {
    static final String PATH = "/materialize";
    static final String INCREMENTAL_PATH = "/materialize-incremental";
    private static final Set<String> FIELDS = Set.of("start_ts", "end_ts", "feature_views", "disable_event_timestamp");
    private static final Set<String> INCREMENTAL_FIELDS = Set.of("end_ts", "feature_views");

    private final Repository repo;
    private final FeatureStore facade;
    private final OnlineStore store;
    private final String storeType;
    private final AtomicReference<String> running = new AtomicReference<>();
    private final MaterializationMetrics metrics;

    MaterializeHandler(Repository repo, FeatureStore facade, String storeType) {
        this.repo = repo;
        this.facade = facade;
        this.store = facade.onlineStore();
        this.storeType = storeType;
        this.metrics = new MaterializationMetrics(facade.meterRegistry(), repo.clock());
        // Each served view's lag (now minus its watermark for this store) is on /metrics from the start.
        Registry registry = repo.registry();
        String identity = repo.storeIdentity();
        for (String view : facade.featureViews().keySet()) {
            metrics.track(view, registry.view(view).flatMap(e -> e.watermark(identity)).orElse(null));
        }
    }

    JsonEndpoint interval() {
        return body -> {
            JsonBody req = JsonBody.parse("POST " + PATH, body, FIELDS);
            if (req.bool("disable_event_timestamp", false)) {
                throw ApiException.unprocessable("not supported", "disable_event_timestamp: Larder materializes by event time only;"
                        + " give start_ts and end_ts (nothing was materialized)");
            }
            Instant start = time(req, "start_ts");
            Instant end = time(req, "end_ts");
            if (end.isBefore(start)) {
                throw ApiException.badRequest("invalid interval", "end_ts " + end + " is before start_ts " + start);
            }
            List<String> views = views(req);
            return run("materialize [" + start + ", " + end + "]", m -> m.materialize(views, start, end));
        };
    }

    JsonEndpoint incremental() {
        return body -> {
            JsonBody req = JsonBody.parse("POST " + INCREMENTAL_PATH, body, INCREMENTAL_FIELDS);
            Instant end = time(req, "end_ts");
            List<String> views = views(req);
            return run("materialize-incremental to " + end, m -> m.materializeIncremental(views, end));
        };
    }

    private JsonEndpoint.JsonReply run(String what, java.util.function.Function<Materializer, List<ViewResult>> job) {
        if (!running.compareAndSet(null, what)) {
            throw new ApiException(HttpStatus.CONFLICT, "materialization running",
                    "A materialization is running (" + running.get() + "); one runs at a time: retry when it is done");
        }
        try {
            List<ViewResult> results;
            try {
                results = job.apply(new Materializer(repo, store, metrics));
            } catch (OnlineStoreException e) {
                throw Failures.storeFailure(e);
            } catch (RuntimeException e) {
                // The repository's side: a source file, a missing engine (larder-materialize-local on the class path), its options.
                Throwable t = Failures.unwrap(e);
                if (t instanceof ApiException) throw (ApiException) t;
                throw ApiException.unprocessable("materialization failed", t.getMessage() == null ? t.toString() : t.getMessage());
            }
            ObjectNode reply = FeastJson.JSON.createObjectNode();
            ArrayNode out = reply.putArray("feature_views");
            for (ViewResult r : results) {
                ObjectNode v = out.addObject();
                v.put("name", r.view());
                v.put("start", r.start().toString());
                v.put("end", r.end().toString());
                // Rows sent to the store; newest-wins keeps a stored newer row, so not every sent row changed it.
                v.put("rows_sent", r.rows());
                if (!r.note().isEmpty()) v.put("note", r.note());
            }
            return JsonEndpoint.JsonReply.json(HttpStatus.OK, reply.toString().getBytes(StandardCharsets.UTF_8));
        } finally {
            // Materialization writes to the store directly: the facade's cache forgets the views (even after a partial run).
            facade.featureViews().keySet().forEach(facade::invalidateCache);
            running.set(null);
        }
    }

    private static Instant time(JsonBody req, String field) {
        String text = req.requiredString(field, "2021-01-01T00:00:00");
        try {
            return Dates.parseTimestamp(field, text);
        } catch (LarderException e) {
            throw ApiException.badRequest("invalid timestamp", e.getMessage());
        }
    }

    /** The named views, each checked against the registry; empty means all. */
    private List<String> views(JsonBody req) {
        List<String> names = req.strings("feature_views");
        if (names == null) return List.of();
        Registry registry = repo.appliedRegistry();
        for (int i = 0; i < names.size(); i++) {
            if (registry.view(names.get(i)).isEmpty()) {
                throw ApiException.notFound("unknown feature view", "feature_views[" + i + "]: no feature view named '" + names.get(i)
                        + "'. Available: " + new TreeSet<>(registry.views().keySet()));
            }
        }
        return names;
    }
}
