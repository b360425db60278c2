package dev.larder.server;

import dev.larder.Catalog;
import dev.larder.FeatureRef;
import dev.larder.FeatureServiceResolver;
import dev.larder.FeatureStore;
import dev.larder.LarderException;
import dev.larder.OnlineResponse;
import dev.larder.definitions.FeatureServiceDefinition.Projection;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Turns the parts of a get-online-features request (HTTP or gRPC) into a facade call, checking
 * each part against the served catalog first so that every mistake is answered with the request
 * field and value it concerns.
 */
final class OnlineRequests {
    /**
     * The features of a request, checked.
     *
     * @param refs          {@code view:feature} references (a list request), or null
     * @param service       the feature service's name (a service request), or null
     * @param columns       the entity columns the request needs, by column name, typed as the join key they feed
     * @param columnsByView each view's entity columns (a service may rename a view's join keys), for messages
     * @param catalog       the catalog checked against (one version for the whole request)
     */
    record Features(List<String> refs, String service, Map<String, Field> columns, Map<String, List<String>> columnsByView, Catalog catalog) {
        boolean allEntityless() {
            return columnsByView.values().stream().allMatch(List::isEmpty);
        }
    }

    /** A checked request, ready for the facade. */
    record Call(Features features, List<Map<String, Object>> rows, boolean fullFeatureNames) {
        /** Reads, within the caller's W3C trace context when the request carried one. */
        OnlineResponse run(FeatureStore store) {
            return IncomingTraceContext.within(() -> features.service() != null
                    ? store.getOnlineFeatures(features.service(), rows, fullFeatureNames)
                    : store.getOnlineFeatures(features.refs(), rows, fullFeatureNames));
        }

        /** {@link #run} without blocking: the read is started here, within the trace context, and completes elsewhere. */
        CompletableFuture<OnlineResponse> runAsync(FeatureStore store) {
            return IncomingTraceContext.within(() -> features.service() != null
                    ? store.getOnlineFeaturesAsync(features.service(), rows, fullFeatureNames)
                    : store.getOnlineFeaturesAsync(features.refs(), rows, fullFeatureNames));
        }
    }

    private final FeatureStore store;
    private final int maxEntityRows;

    OnlineRequests(FeatureStore store, int maxEntityRows) {
        this.store = store;
        this.maxEntityRows = maxEntityRows;
    }

    /**
     * Resolves {@code features} or {@code feature_service} (exactly one must be given).
     *
     * @param featuresField the request's name for the feature list, for messages
     * @param serviceField  the request's name for the feature service, for messages
     */
    Features features(List<String> features, String featureService, String featuresField, String serviceField) {
        boolean hasList = features != null && !features.isEmpty();
        boolean hasService = featureService != null && !featureService.isEmpty();
        if (hasList && hasService) {
            throw ApiException.badRequest("invalid request", "Give either '" + featuresField + "' or '" + serviceField
                    + "', not both (got " + features.size() + " features and feature service '" + featureService + "')");
        }
        if (!hasList && !hasService) {
            throw ApiException.badRequest("invalid request", "Give '" + featuresField + "' (a list such as [\"driver_hourly_stats:conv_rate\"]) or '"
                    + serviceField + "' (a feature service name)");
        }
        Catalog catalog = store.catalog();
        Map<String, Field> columns = new LinkedHashMap<>();
        Map<String, List<String>> byView = new LinkedHashMap<>();
        if (hasService) {
            if (!catalog.services().containsKey(featureService)) {
                throw ApiException.notFound("unknown feature service", serviceField + ": no feature service named '" + featureService
                        + "'. Available: " + new TreeSet<>(catalog.services().keySet()));
            }
            List<Projection> projections;
            try {
                projections = FeatureServiceResolver.resolve(catalog, featureService);
            } catch (LarderException e) {
                // The service's definition does not fit the served views: the repository's problem, reported as it is.
                throw ApiException.unprocessable("feature service cannot be served", serviceField + ": " + e.getMessage());
            }
            for (Projection p : projections) {
                FeatureView view = catalog.view(p.view());
                List<String> viewColumns = byView.computeIfAbsent(p.servedViewName(), k -> new ArrayList<>());
                if (view.isEntityless()) continue;
                for (Field jk : view.joinKeys()) {
                    String column = p.joinKeyMap().getOrDefault(jk.name(), jk.name());
                    columns.putIfAbsent(column, new Field(column, jk.type()));
                    viewColumns.add(column);
                }
            }
            return new Features(null, featureService, columns, byView, catalog);
        }
        for (int i = 0; i < features.size(); i++) {
            String at = featuresField + "[" + i + "]";
            FeatureRef ref;
            try {
                ref = FeatureRef.parse(features.get(i));
            } catch (LarderException e) {
                throw ApiException.badRequest("invalid feature reference", at + ": " + e.getMessage());
            }
            FeatureView view = catalog.views().get(ref.view());
            if (view == null) {
                String why = catalog.unservable().get(ref.view());
                if (why != null) {
                    throw ApiException.unprocessable("feature view cannot be served", at + ": feature view '" + ref.view() + "' cannot be served by Larder: " + why);
                }
                throw ApiException.notFound("unknown feature view", at + ": no feature view named '" + ref.view() + "' (in '" + ref
                        + "'). Available: " + new TreeSet<>(catalog.views().keySet()));
            }
            if (view.feature(ref.feature()).isEmpty()) {
                throw ApiException.notFound("unknown feature", at + ": feature view '" + view.name() + "' has no feature '"
                        + ref.feature() + "'. Its features: " + view.featureNames());
            }
            List<String> viewColumns = byView.computeIfAbsent(view.name(), k -> new ArrayList<>());
            if (!view.isEntityless() && viewColumns.isEmpty()) {
                for (Field jk : view.joinKeys()) {
                    columns.putIfAbsent(jk.name(), jk);
                    viewColumns.add(jk.name());
                }
            }
        }
        return new Features(List.copyOf(features), null, columns, byView, catalog);
    }

    /**
     * Checks the entity columns' names and lengths before any value is converted.
     *
     * @return the number of entity rows
     */
    int rowCount(Features f, Map<String, Integer> columnLengths, String entitiesField) {
        for (String column : columnLengths.keySet()) {
            if (!f.columns().containsKey(column)) {
                throw ApiException.badRequest("unknown entity column", entitiesField + "." + column + ": '" + column
                        + "' is not a join key of the requested feature views; their join keys: " + f.columns().keySet());
            }
        }
        for (Map.Entry<String, List<String>> v : f.columnsByView().entrySet()) {
            for (String column : v.getValue()) {
                if (!columnLengths.containsKey(column)) {
                    throw ApiException.badRequest("missing join key", entitiesField + ": join key '" + column + "' is needed by feature view '"
                            + v.getKey() + "'; the request gives " + columnLengths.keySet());
                }
            }
        }
        int n = -1;
        String first = null;
        for (Map.Entry<String, Integer> e : columnLengths.entrySet()) {
            if (n < 0) {
                n = e.getValue();
                first = e.getKey();
            } else if (e.getValue() != n) {
                throw ApiException.badRequest("entity columns of unequal length", entitiesField + ": '" + first + "' has " + n
                        + " values but '" + e.getKey() + "' has " + e.getValue() + "; every join key needs one value per entity row");
            }
        }
        if (n > maxEntityRows) {
            throw ApiException.tooLarge("too many entity rows", entitiesField + ": " + n + " entity rows; at most " + maxEntityRows
                    + " per request (the server's --max-entity-rows)");
        }
        if (n <= 0) {
            if (f.allEntityless()) return 1; // entityless views hold one row: read it once
            throw ApiException.badRequest("no entity rows", entitiesField + ": give at least one entity row, e.g. {\""
                    + f.columns().keySet().iterator().next() + "\": [1001]}");
        }
        return n;
    }

    /** The facade call for converted entity columns (each as long as {@link #rowCount} said). */
    Call call(Features f, Map<String, List<Value>> columns, int rows, boolean fullFeatureNames) {
        List<Map<String, Object>> entityRows = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            Map<String, Object> row = new HashMap<>(columns.size() * 2);
            for (Map.Entry<String, List<Value>> c : columns.entrySet()) row.put(c.getKey(), c.getValue().get(r));
            entityRows.add(row);
        }
        return new Call(f, entityRows, fullFeatureNames);
    }
}
