package dev.larder;

import dev.larder.definitions.FeatureServiceDefinition.Projection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A feature service whose projections rename things (Feast's {@code name_alias} and
 * {@code join_key_map}): each projection is read on its own, with the request's columns renamed to
 * the view's join keys, and the columns are put together under the names Feast serves them with.
 */
final class ProjectedRead {
    private ProjectedRead() {
    }

    static List<String> refs(Projection p) {
        List<String> refs = new ArrayList<>();
        for (String f : p.features()) refs.add(p.view() + ":" + f);
        return refs;
    }

    /** The entity rows as the projection's view sees them: its join keys take their values from the mapped request columns. */
    static List<Map<String, Object>> rows(Projection p, List<? extends Map<String, ?>> entityRows) {
        List<Map<String, Object>> rows = new ArrayList<>(entityRows.size());
        for (Map<String, ?> row : entityRows) {
            Map<String, Object> r = new LinkedHashMap<>(row);
            p.joinKeyMap().forEach((viewKey, requestColumn) -> {
                if (row.containsKey(requestColumn)) r.put(viewKey, row.get(requestColumn));
            });
            rows.add(r);
        }
        return rows;
    }

    /**
     * Puts the projections' responses (read with full feature names) together: join-key columns
     * under the request's names, then each projection's features as {@code alias__feature} (full
     * names) or {@code feature}.
     */
    static OnlineResponse combine(List<Projection> projections, List<OnlineResponse> parts, int rowCount, boolean fullFeatureNames) {
        List<OnlineResponse.Column> keyColumns = new ArrayList<>();
        List<OnlineResponse.Column> featureColumns = new ArrayList<>();
        List<String> featureRefs = new ArrayList<>();
        Map<String, String> servedFrom = new HashMap<>();
        for (int i = 0; i < projections.size(); i++) {
            Projection p = projections.get(i);
            Map<String, String> requestName = new HashMap<>(p.joinKeyMap());
            for (OnlineResponse.Column c : parts.get(i).columns()) {
                String prefix = p.view() + "__";
                String feature = c.name().startsWith(prefix) ? c.name().substring(prefix.length()) : null;
                if (feature == null || !p.features().contains(feature)) {
                    String name = requestName.getOrDefault(c.name(), c.name());
                    if (keyColumns.stream().noneMatch(k -> k.name().equals(name))) {
                        keyColumns.add(new OnlineResponse.Column(name, c.values(), c.statuses(), c.eventTimes()));
                    }
                    continue;
                }
                String name = fullFeatureNames ? p.servedViewName() + "__" + feature : feature;
                String clash = servedFrom.putIfAbsent(name, p.servedViewName());
                if (clash != null) {
                    throw new LarderException("Feature name '" + name + "' is served from both '" + clash + "' and '" + p.servedViewName()
                            + "'; request full feature names (view__feature) to tell them apart");
                }
                featureColumns.add(new OnlineResponse.Column(name, c.values(), c.statuses(), c.eventTimes()));
                featureRefs.add(p.servedViewName() + ":" + feature);
            }
        }
        List<OnlineResponse.Column> columns = new ArrayList<>(keyColumns);
        columns.addAll(featureColumns);
        List<String> aliases = new ArrayList<>();
        keyColumns.forEach(k -> aliases.add(null));
        aliases.addAll(featureRefs);
        return OnlineResponse.of(columns, aliases, rowCount);
    }
}
