package dev.larder;

import dev.larder.config.RepoConfig;
import dev.larder.registry.Registry;
import dev.larder.spi.FeatureView;

import java.util.List;

/** The feature views applied to a repository, as its registry records them. */
final class RepositoryViews {
    private RepositoryViews() {
    }

    static List<FeatureView> applied(RepoConfig config) {
        Registry registry = Registry.load(config.registryPath()).orElseThrow(() ->
                new LarderException(config.registryPath() + ": no registry yet; run 'larder apply' first"));
        if (!registry.project().equals(config.project())) {
            throw new LarderException(config.registryPath() + ": the registry belongs to project '" + registry.project()
                    + "' but " + config.source() + " says '" + config.project() + "'");
        }
        return registry.featureViews();
    }
}
