package dev.larder.registry;

import dev.larder.config.RegistryConfig;

import java.util.List;
import java.util.Optional;

/**
 * Where a repository's registry lives: Larder's JSON file, Feast's file registry or Feast's SQL
 * registry. Each reads and writes one project's definitions as a {@link Registry}; a Feast
 * registry may hold other projects, which are kept as they are.
 */
public interface RegistryStore {

    RegistryConfig config();

    /** What and where, for messages; never a password. */
    default String describe() {
        return config().describe();
    }

    /**
     * The project's definitions, or empty when the registry does not exist yet or holds nothing
     * of this project (see {@link #projects()} to tell which).
     *
     * @throws dev.larder.LarderException when the registry cannot be read, naming it and what failed
     */
    Optional<Registry> load(String project);

    /** The projects the registry holds, sorted; empty when it does not exist. */
    List<String> projects();

    /**
     * The project's definitions, which must exist: what serving and materialization read.
     *
     * @throws dev.larder.LarderException when there is no registry yet, or it holds other projects only (listing them)
     */
    default Registry loadApplied(String project) {
        Optional<Registry> r = load(project);
        if (r.isPresent()) return r.get();
        List<String> projects = projects();
        if (projects.isEmpty()) {
            throw new dev.larder.LarderException(describe() + ": no registry yet; run 'larder apply' (or 'feast apply') first");
        }
        throw new dev.larder.LarderException(describe() + " holds no project '" + project + "'; it holds " + projects
                + ". Set project: in feature_store.yaml to one of them");
    }

    /** Replaces the project's definitions with {@code registry}'s, written as a whole or not at all. */
    void save(Registry registry);

    /**
     * Records that a view's rows for [start, end] are in the online store. Feast's registries
     * append the interval to the view's {@code materialization_intervals} in place, as Feast's
     * {@code apply_materialization} does, leaving every other object as it is.
     */
    default void recordMaterialized(String project, String view, Registry.Interval interval, java.time.Instant now) {
        recordMaterialized(project, java.util.Map.of(view, interval), null, now);
    }

    /**
     * Records several views' materialized intervals in one update of the registry.
     *
     * @param store the online store's identity ({@link Repository#storeIdentity()}), kept with the intervals where the
     *              registry's format has room for it (Larder's JSON; Feast's formats do not, and ignore it); null: not recorded
     */
    default void recordMaterialized(String project, java.util.Map<String, Registry.Interval> intervals, String store, java.time.Instant now) {
        exclusive(() -> {
            save(loadApplied(project).withMaterialized(intervals, store, now));
            return null;
        });
    }

    /**
     * Runs a read-modify-write of the registry with every other writer kept out, in this process
     * and others ({@link RegistryFileLock} for file registries; a SQL registry's transactions
     * serialize its own updates).
     */
    default <T> T exclusive(java.util.function.Supplier<T> update) {
        return update.get();
    }

    /** Removes the project's definitions (the whole registry when no other project remains in a file). */
    void delete(String project);
}
