package dev.larder;

import dev.larder.definitions.FeatureServiceDefinition.Projection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A feature service whose projections rename things (Feast's {@code name_alias} and
 * {@code join_key_map}): each projection is read on its own, with the request's columns renamed to
 * the view's join keys, and the columns are put together under the names Feast serves them with.
 */
final class ProjectedRead {
    private ProjectedRead() {
    }

    /**
     * @param read reads {@code view:feature} references for entity rows with full feature names
     */
    static OnlineResponse read(List<Projection> projections, List<? extends Map<String, ?>> entityRows, boolean fullFeatureNames,
                               BiFunction<List<String>, List<Map<String, Object>>, OnlineResponse> read) {
        List<OnlineResponse.Column> keyColumns = new ArrayList<>();
        List<OnlineResponse.Column> featureColumns = new ArrayList<>();
        Map<String, Integer> featureOrdinal = new HashMap<>();
        Map<String, String> servedFrom = new HashMap<>();
        for (Projection p : projections) {
            List<Map<String, Object>> rows = new ArrayList<>(entityRows.size());
            for (Map<String, ?> row : entityRows) {
                Map<String, Object> r = new LinkedHashMap<>(row);
                // join_key_map: the view's join key takes its value from the request column it is mapped to.
                p.joinKeyMap().forEach((viewKey, requestColumn) -> {
                    if (row.containsKey(requestColumn)) r.put(viewKey, row.get(requestColumn));
                });
                rows.add(r);
            }
            List<String> refs = new ArrayList<>();
            for (String f : p.features()) refs.add(p.view() + ":" + f);
            OnlineResponse part = read.apply(refs, rows);
            Map<String, String> reverse = new HashMap<>();
            p.joinKeyMap().forEach((viewKey, requestColumn) -> reverse.put(viewKey, requestColumn));
            for (OnlineResponse.Column c : part.columns()) {
                int sep = c.name().indexOf("__");
                boolean isFeature = sep > 0 && c.name().substring(0, sep).equals(p.view()) && p.features().contains(c.name().substring(sep + 2));
                if (!isFeature) {
                    String name = reverse.getOrDefault(c.name(), c.name());
                    if (keyColumns.stream().noneMatch(k -> k.name().equals(name))) {
                        keyColumns.add(new OnlineResponse.Column(name, c.values(), c.statuses(), c.eventTimes()));
                    }
                    continue;
                }
                String feature = c.name().substring(sep + 2);
                String name = fullFeatureNames ? p.servedViewName() + "__" + feature : feature;
                String clash = servedFrom.putIfAbsent(name, p.servedViewName());
                if (clash != null) {
                    throw new LarderException("Feature name '" + name + "' is served from both '" + clash + "' and '" + p.servedViewName()
                            + "'; request full feature names (view__feature) to tell them apart");
                }
                featureOrdinal.put(p.servedViewName() + ":" + feature, featureColumns.size());
                featureColumns.add(new OnlineResponse.Column(name, c.values(), c.statuses(), c.eventTimes()));
            }
        }
        List<OnlineResponse.Column> columns = new ArrayList<>(keyColumns);
        columns.addAll(featureColumns);
        List<String> aliases = new ArrayList<>(java.util.Collections.nCopies(columns.size(), (String) null));
        featureOrdinal.forEach((ref, ordinal) -> aliases.set(keyColumns.size() + ordinal, ref));
        return OnlineResponse.of(columns, aliases, entityRows.size());
    }
}
