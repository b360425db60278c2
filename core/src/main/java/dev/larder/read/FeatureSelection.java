package dev.larder.read;

import dev.larder.FeatureRef;
import dev.larder.LarderException;
import dev.larder.OnlineResponse;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The part of a request that does not depend on its entity rows: the requested features checked
 * against the views, grouped per view, and the response's columns (names, aliases, the name index).
 * A service asks for the same features on every request, so the {@link dev.larder.Catalog} keeps
 * the selections it has made and a request only plans its entity rows.
 *
 * @param refs             the requested features, each once, in request order
 * @param featuresByView   per requested view (first-requested order), its requested features
 * @param joinKeyColumns   the join keys of the requested views (entityless views have none), in first-seen order
 * @param columnNames      the response's column names: join keys, then each reference's feature (or {@code view__feature})
 * @param aliases          per column, the {@code view:feature} reference it also answers to (null for join keys)
 * @param columnIndex      the response's name index, built from names and aliases once
 * @param fullFeatureNames whether feature columns are named {@code view__feature}
 */
public record FeatureSelection(List<FeatureRef> refs, Map<String, List<String>> featuresByView, List<Field> joinKeyColumns,
                               List<String> columnNames, List<String> aliases, Map<String, Integer> columnIndex,
                               boolean fullFeatureNames) {

    /**
     * @throws LarderException for an empty or malformed reference, an unknown view or feature, or a
     *                         feature name requested from two views without full names
     */
    public static FeatureSelection of(Map<String, FeatureView> known, List<String> featureRefs, boolean fullFeatureNames) {
        if (featureRefs.isEmpty()) {
            throw new LarderException("No features requested; give at least one view:feature reference");
        }
        Map<String, List<String>> byView = new LinkedHashMap<>();
        List<FeatureRef> refs = new ArrayList<>();
        Set<FeatureRef> seen = new HashSet<>();
        Map<String, Set<String>> featuresOf = new HashMap<>(); // hash lookups: a request may name hundreds of features
        Map<String, FeatureRef> byName = new HashMap<>();
        for (String s : featureRefs) {
            FeatureRef ref = FeatureRef.parse(s);
            if (!seen.add(ref)) {
                continue; // asked twice: one column
            }
            FeatureView view = known.get(ref.view());
            if (view == null) {
                throw new LarderException("Unknown feature view '" + ref.view() + "'. Available: " + new TreeSet<>(known.keySet()));
            }
            if (!featuresOf.computeIfAbsent(view.name(), v -> new HashSet<>(view.featureNames())).contains(ref.feature())) {
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
        Map<String, List<String>> features = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : byView.entrySet()) {
            FeatureView view = known.get(e.getKey());
            if (!view.isEntityless()) {
                for (Field jk : view.joinKeys()) {
                    if (joinKeyColumns.stream().noneMatch(f -> f.name().equals(jk.name()))) joinKeyColumns.add(jk);
                }
            }
            features.put(e.getKey(), List.copyOf(e.getValue()));
        }
        List<String> names = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        for (Field jk : joinKeyColumns) {
            names.add(jk.name());
            aliases.add(null);
        }
        for (FeatureRef ref : refs) {
            names.add(fullFeatureNames ? ref.fullName() : ref.feature());
            aliases.add(ref.toString());
        }
        return new FeatureSelection(List.copyOf(refs), Collections.unmodifiableMap(features), List.copyOf(joinKeyColumns),
                List.copyOf(names), Collections.unmodifiableList(aliases), OnlineResponse.index(names, aliases), fullFeatureNames);
    }
}
