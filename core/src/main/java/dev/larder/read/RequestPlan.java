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
 * The first step of an online read: the requested features checked against the views (a
 * {@link FeatureSelection}, reusable across requests), and per view the distinct entity keys to
 * read and which key each entity row uses. Pure: no I/O.
 *
 * @param selection  the requested features, per view, and the response's columns
 * @param views      one plan per requested view, in first-requested order
 * @param entityRows the request's entity rows
 */
public record RequestPlan(FeatureSelection selection, Map<String, ViewPlan> views, List<? extends Map<String, ?>> entityRows) {

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
        return of(known, FeatureSelection.of(known, featureRefs, fullFeatureNames), entityRows);
    }

    /**
     * Plans a request's entity rows for features already selected against {@code known}.
     *
     * @throws LarderException for an entity row lacking a join key or holding a value of the wrong type
     */
    public static RequestPlan of(Map<String, FeatureView> known, FeatureSelection selection, List<? extends Map<String, ?>> entityRows) {
        Map<String, ViewPlan> plans = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : selection.featuresByView().entrySet()) {
            FeatureView view = known.get(e.getKey());
            plans.put(view.name(), planView(view, e.getValue(), entityRows));
        }
        return new RequestPlan(selection, plans, entityRows);
    }

    public List<FeatureRef> refs() {
        return selection.refs();
    }

    public List<Field> joinKeyColumns() {
        return selection.joinKeyColumns();
    }

    public boolean fullFeatureNames() {
        return selection.fullFeatureNames();
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
