package dev.larder;

import dev.larder.config.RepoConfig;
import dev.larder.spi.FeatureView;

import java.util.List;

/** The feature views applied to a repository, as its registry records them. */
final class RepositoryViews {
    private RepositoryViews() {
    }

    static List<FeatureView> applied(RepoConfig config) {
        // The registry (issue: definitions, registry and materialization) replaces this.
        throw new LarderException(config.registryPath() + ": no registry yet; run 'larder apply' first");
    }
}
