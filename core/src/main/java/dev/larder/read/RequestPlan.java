package dev.larder.read;

import dev.larder.EntityValues;
import dev.larder.FeatureRef;
import dev.larder.LarderException;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first step of an online read: the requested features checked against the views, and per
 * view the distinct entity keys to read and which key each entity row uses. Pure: no I/O.
 *
 * @param refs             the requested features, each once, in request order
 * @param views            one plan per requested view, in first-requested order
 * @param joinKeyColumns   the join keys of the requested views (entityless views have none), in first-seen order
 * @param entityRows       the request's entity rows
 * @param fullFeatureNames whether feature columns are named {@code view__feature}
 */
public record RequestPlan(List<FeatureRef> refs, Map<String, ViewPlan> views, List<Field> joinKeyColumns,
                          List<? extends Map<String, ?>> entityRows, boolean fullFeatureNames) {

    /**
     * One view's part of a request.
     *
     * @param view     the view
     * @param features its requested features, each once
     * @param keys     the distinct entity keys to read
     * @param rowToKey for each entity row, the index of its key in {@code keys}
     */
    public record ViewPlan(FeatureView view, List<String> features, List<EntityKey> keys, int[] rowToKey) {
    }

    /**
     * Plans a request.
     *
     * @throws LarderException for an empty or malformed reference, an unknown view or feature,
     *                         a feature name requested from two views without full names, or an
     *                         entity row lacking a join key or holding a value of the wrong type
     */
    public static RequestPlan of(Map<String, FeatureView> known, List<String> featureRefs,
                                 List<? extends Map<String, ?>> entityRows, boolean fullFeatureNames) {
        if (featureRefs.isEmpty()) {
            throw new LarderException("No features requested; give at least one view:feature reference");
        }
        Map<String, List<String>> byView = new LinkedHashMap<>();
        List<FeatureRef> refs = new ArrayList<>();
        java.util.Set<FeatureRef> seen = new java.util.HashSet<>();
        Map<String, java.util.Set<String>> featuresOf = new HashMap<>(); // hash lookups: a request may name hundreds of features
        Map<String, FeatureRef> byName = new HashMap<>();
        for (String s : featureRefs) {
            FeatureRef ref = FeatureRef.parse(s);
            if (!seen.add(ref)) {
                continue; // asked twice: one column
            }
            FeatureView view = known.get(ref.view());
            if (view == null) {
                throw new LarderException("Unknown feature view '" + ref.view() + "'. Available: " + new java.util.TreeSet<>(known.keySet()));
            }
            if (!featuresOf.computeIfAbsent(view.name(), v -> new java.util.HashSet<>(view.featureNames())).contains(ref.feature())) {
                throw new LarderException("Feature view '" + view.name() + "' has no feature '" + ref.feature() + "'. Features: " + view.featureNames());
            }
            FeatureRef clash = fullFeatureNames ? null : byName.putIfAbsent(ref.feature(), ref);
            if (clash != null) {
                throw new LarderException("Feature name '" + ref.feature() + "' is requested from views '" + clash.view() + "' and '"
                        + ref.view() + "'; request full feature names (view__feature) to tell them apart");
            }
            refs.add(ref);
            byView.computeIfAbsent(ref.view(), k -> new ArrayList<>()).add(ref.feature());
        }
        List<Field> joinKeyColumns = new ArrayList<>();
        Map<String, ViewPlan> plans = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : byView.entrySet()) {
            FeatureView view = known.get(e.getKey());
            if (!view.isEntityless()) {
                for (Field jk : view.joinKeys()) {
                    if (joinKeyColumns.stream().noneMatch(f -> f.name().equals(jk.name()))) joinKeyColumns.add(jk);
                }
            }
            plans.put(view.name(), planView(view, e.getValue(), entityRows));
        }
        return new RequestPlan(List.copyOf(refs), plans, List.copyOf(joinKeyColumns), entityRows, fullFeatureNames);
    }

    private static ViewPlan planView(FeatureView view, List<String> features, List<? extends Map<String, ?>> entityRows) {
        Map<EntityKey, Integer> distinct = new LinkedHashMap<>();
        int[] rowToKey = new int[entityRows.size()];
        for (int r = 0; r < entityRows.size(); r++) {
            EntityKey key = keyOf(view, entityRows.get(r), r);
            Integer i = distinct.putIfAbsent(key, distinct.size());
            rowToKey[r] = i == null ? distinct.size() - 1 : i;
        }
        return new ViewPlan(view, List.copyOf(features), new ArrayList<>(distinct.keySet()), rowToKey);
    }

    private static EntityKey keyOf(FeatureView view, Map<String, ?> row, int rowIndex) {
        if (view.isEntityless()) {
            return EntityKey.DUMMY;
        }
        Map<String, Value> kv = new HashMap<>();
        for (Field jk : view.joinKeys()) {
            Object raw = row.get(jk.name());
            if (raw == null) {
                throw new LarderException("Entity row " + rowIndex + " " + row.keySet() + " lacks join key '" + jk.name()
                        + "' needed by feature view '" + view.name() + "'");
            }
            kv.put(jk.name(), EntityValues.convert(jk, raw));
        }
        return EntityKey.of(kv);
    }

    /** Views in this request that share join keys with another requested view, grouped; singletons otherwise. */
    public List<List<ViewPlan>> groupsByJoinKeys(boolean shareReads) {
        Map<List<String>, List<ViewPlan>> groups = new LinkedHashMap<>();
        for (ViewPlan p : views.values()) {
            List<String> key = shareReads ? p.view().joinKeyNames() : List.of(p.view().name());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        return new ArrayList<>(groups.values());
    }
}
