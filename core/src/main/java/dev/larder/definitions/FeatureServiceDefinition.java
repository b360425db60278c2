package dev.larder.definitions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A feature service: a named set of feature view projections a model reads together (Feast's
 * {@code FeatureService}).
 *
 * @param name        unique in the project
 * @param projections the views it reads, each with its subset of features
 */
public record FeatureServiceDefinition(String name, List<Projection> projections) {
    public FeatureServiceDefinition {
        Objects.requireNonNull(name, "name");
        projections = List.copyOf(projections);
    }

    /**
     * The part of one feature view a service reads.
     *
     * @param view       the feature view's name
     * @param alias      Feast's {@code name_alias}: the name the features are served under ({@code alias__feature}); null for none
     * @param features   the features read, in order
     * @param joinKeyMap the view's join keys renamed to the request's columns (Feast's {@code with_join_key_map}); empty for none
     */
    public record Projection(String view, String alias, List<String> features, Map<String, String> joinKeyMap) {
        public Projection {
            Objects.requireNonNull(view, "view");
            if (alias != null && alias.isBlank()) alias = null;
            features = List.copyOf(features);
            joinKeyMap = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(joinKeyMap));
        }

        /** The name features are served under: the alias when there is one, else the view's name. */
        public String servedViewName() {
            return alias == null ? view : alias;
        }
    }
}
