package dev.larder.server;

import dev.larder.FeatureRef;
import dev.larder.FeatureStore;
import dev.larder.LarderException;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns the parts of a get-online-features request (HTTP or gRPC) into a facade call, checking
 * each part against the served definitions first so that every mistake is answered with the
 * request field and value it concerns.
 */
final class OnlineRequests {
    /** The features of a request, checked: references in request order and the join keys they need. */
    record Features(List<String> refs, Map<String, Field> joinKeys, List<FeatureView> views) {
        boolean allEntityless() {
            return views.stream().allMatch(FeatureView::isEntityless);
        }
    }

    /** A checked request, ready for {@link FeatureStore#getOnlineFeatures}. */
    record Call(List<String> refs, List<Map<String, Object>> rows, boolean fullFeatureNames) {
    }

    private final FeatureStore store;
    private final FeatureServices services;
    private final int maxEntityRows;

    OnlineRequests(FeatureStore store, FeatureServices services, int maxEntityRows) {
        this.store = store;
        this.services = services;
        this.maxEntityRows = maxEntityRows;
    }

    int maxEntityRows() {
        return maxEntityRows;
    }

    /**
     * Resolves {@code features} or {@code feature_service} (exactly one must be given).
     *
     * @param featuresField the request's name for the feature list, for messages
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
        List<String> refs;
        String where;
        if (hasService) {
            refs = services.features(featureService)
                    .orElseThrow(() -> ApiException.notFound("unknown feature service", serviceField + ": no feature service named '"
                            + featureService + "'. Available: " + services.names()));
            where = serviceField + " '" + featureService + "'";
        } else {
            refs = features;
            where = featuresField;
        }
        Map<String, Field> joinKeys = new LinkedHashMap<>();
        Map<String, FeatureView> views = new LinkedHashMap<>();
        for (int i = 0; i < refs.size(); i++) {
            String at = hasService ? where : featuresField + "[" + i + "]";
            FeatureRef ref;
            try {
                ref = FeatureRef.parse(refs.get(i));
            } catch (LarderException e) {
                throw ApiException.badRequest("invalid feature reference", at + ": " + e.getMessage());
            }
            FeatureView view = store.featureViews().get(ref.view());
            if (view == null) {
                throw ApiException.notFound("unknown feature view", at + ": no feature view named '" + ref.view() + "' (in '" + ref
                        + "'). Available: " + new TreeSet<>(store.featureViews().keySet()));
            }
            if (view.feature(ref.feature()).isEmpty()) {
                throw ApiException.notFound("unknown feature", at + ": feature view '" + view.name() + "' has no feature '"
                        + ref.feature() + "'. Its features: " + view.featureNames());
            }
            views.put(view.name(), view);
            if (!view.isEntityless()) {
                for (Field jk : view.joinKeys()) joinKeys.putIfAbsent(jk.name(), jk);
            }
        }
        return new Features(List.copyOf(refs), joinKeys, List.copyOf(views.values()));
    }

    /**
     * Checks the entity columns' names and lengths before any value is converted.
     *
     * @return the number of entity rows
     */
    int rowCount(Features f, Map<String, Integer> columnLengths, String entitiesField) {
        for (String column : columnLengths.keySet()) {
            if (!f.joinKeys().containsKey(column)) {
                throw ApiException.badRequest("unknown entity column", entitiesField + "." + column + ": '" + column
                        + "' is not a join key of the requested feature views; their join keys: " + f.joinKeys().keySet());
            }
        }
        for (FeatureView v : f.views()) {
            if (v.isEntityless()) continue;
            for (String jk : v.joinKeyNames()) {
                if (!columnLengths.containsKey(jk)) {
                    throw ApiException.badRequest("missing join key", entitiesField + ": join key '" + jk + "' is needed by feature view '"
                            + v.name() + "'; the request gives " + columnLengths.keySet());
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
                    + f.joinKeys().keySet().iterator().next() + "\": [1001]}");
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
        return new Call(f.refs(), entityRows, fullFeatureNames);
    }
}
