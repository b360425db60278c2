package dev.larder.spi;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * What a provider gets to create a store.
 *
 * @param project  the Feast project name; backends use it in table and key names
 * @param repoPath the feature repository directory; relative paths in options resolve against it
 * @param options  the {@code online_store:} options, typed and checked
 * @param clock    the time source for anything the store decides by "now" (expiry it applies
 *                 itself, write times it stamps); tests pass a clock they move
 */
public record StoreContext(String project, Path repoPath, StoreOptions options, Clock clock) {
    public StoreContext {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(repoPath, "repoPath");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
    }

    /** A context on the system clock. */
    public StoreContext(String project, Path repoPath, StoreOptions options) {
        this(project, repoPath, options, Clock.systemUTC());
    }
}
