package dev.larder.server;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The feature services a server answers {@code feature_service} requests with: name to {@code view:feature} references. */
interface FeatureServices {
    FeatureServices NONE = new FeatureServices() {
        @Override
        public Optional<List<String>> features(String name) {
            return Optional.empty();
        }

        @Override
        public Set<String> names() {
            return Set.of();
        }
    };

    Optional<List<String>> features(String name);

    Set<String> names();
}
