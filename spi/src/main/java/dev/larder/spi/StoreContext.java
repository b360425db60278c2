package dev.larder.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a provider gets to create a store.
 *
 * @param project  the Feast project name; backends use it in table and key names
 * @param repoPath the feature repository directory; relative paths in options resolve against it
 * @param options  the {@code online_store:} options, typed and checked
 */
public record StoreContext(String project, Path repoPath, StoreOptions options) {
    public StoreContext {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(repoPath, "repoPath");
        Objects.requireNonNull(options, "options");
    }
}
