package dev.larder.registry;

import dev.larder.LarderException;
import dev.larder.OnlineStores;
import dev.larder.config.RepoConfig;
import dev.larder.definitions.Definitions;
import dev.larder.spi.Capability;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.StoreContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * A feature repository: its configuration, its definitions and its registry, and the operations
 * that keep them and the online store in step (plan, apply, teardown).
 */
public final class Repository {
    private final RepoConfig config;
    private final Clock clock;
    private final RegistryStore registryStore;

    public Repository(RepoConfig config, Clock clock) {
        this(config, clock, RegistryStores.open(config.registry()));
    }

    public Repository(RepoConfig config, Clock clock, RegistryStore registryStore) {
        this.config = config;
        this.clock = clock;
        this.registryStore = registryStore;
    }

    public static Repository open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new LarderException(dir + ": not a directory; pass --repo DIR or run 'larder init DIR' first");
        }
        return new Repository(RepoConfig.load(dir), Clock.systemUTC());
    }

    public RepoConfig config() {
        return config;
    }

    public Path registryPath() {
        return config.registryPath();
    }

    public RegistryStore registryStore() {
        return registryStore;
    }

    /** Which registry and where, e.g. "Feast SQL registry postgresql://feast@db:5432/feast" (never a password). */
    public String registryDescription() {
        return registryStore.describe();
    }

    /** The registry as applied so far; an empty one before the first apply. */
    public Registry registry() {
        java.util.Optional<Registry> r = registryStore.load(config.project());
        if (r.isPresent()) return r.get();
        if (!registryStore.config().isFeast()) {
            // Larder's registry.json holds one project: another project's file is not overwritten.
            List<String> others = registryStore.projects();
            if (!others.isEmpty()) {
                throw new LarderException(config.registryPath() + ": the registry belongs to project '" + others.get(0) + "' but "
                        + config.source() + " says '" + config.project() + "'; use another registry path or run teardown under the old project");
            }
        }
        return Registry.empty(config.project());
    }

    /** The registry, which must hold the project: materialize and get need applied views. */
    public Registry appliedRegistry() {
        if (!registryStore.config().isFeast() && !Files.exists(config.registryPath())) {
            throw new LarderException(config.registryPath() + ": no registry yet; run 'larder apply' first");
        }
        if (!registryStore.config().isFeast()) return registry();
        return registryStore.loadApplied(config.project());
    }

    public Definitions definitions() {
        return Definitions.load(config.repoPath());
    }

    public OnlineStoreProvider provider() {
        return OnlineStores.installed().get(config.onlineStoreType(), config.source() + ": online_store.type");
    }

    public OnlineStore openStore() {
        return OnlineStores.installed().open(config, clock);
    }

    public RepoPlan plan() {
        return RepoPlan.compute(registry(), definitions());
    }

    /** The store's own plan of the infrastructure change, or empty when the backend cannot plan. */
    public List<PlannedChange> infraPlan(OnlineStore store, RepoPlan plan) {
        Set<Capability> capabilities = store.capabilities();
        if (!capabilities.contains(Capability.PLAN)) return List.of();
        return store.plan(new InfraChange(plan.viewsToKeep(), plan.viewsToDelete()));
    }

    /**
     * Applies a plan: drops what goes, creates what the kept views need, then records the
     * definitions. The registry is written last, so a failed store update leaves it unchanged.
     */
    public Registry apply(OnlineStore store, RepoPlan plan) {
        Set<Capability> capabilities = store.capabilities();
        Registry current = registry();
        if (capabilities.contains(Capability.UPDATE_INFRA)) {
            if (!plan.viewsToDelete().isEmpty() && capabilities.contains(Capability.TEARDOWN)) {
                store.teardown(plan.viewsToDelete());
            }
            store.update(new InfraChange(plan.viewsToKeep(), plan.viewsToDelete()));
        }
        Registry next = current.withDefinitions(plan.desired(), plan.viewsToReset(), clock.instant());
        registryStore.save(next);
        return next;
    }

    /** Removes the online data of every applied view and deletes the registry. */
    public List<String> teardown(OnlineStore store) {
        Set<Capability> capabilities = store.capabilities();
        Registry r = registry();
        List<String> names = r.featureViews().stream().map(v -> v.name()).toList();
        if (capabilities.contains(Capability.TEARDOWN) && !r.featureViews().isEmpty()) {
            store.teardown(r.featureViews());
        }
        registryStore.delete(config.project());
        return names;
    }

    /** Records a materialized interval; re-reads the file so that concurrent updates of other views are kept. */
    public synchronized Registry recordMaterialized(String view, Registry.Interval interval) {
        appliedRegistry().view(view).orElseThrow(() -> new LarderException("Feature view '" + view
                + "' is not in the registry; run 'larder apply' first"));
        registryStore.recordMaterialized(config.project(), view, interval, clock.instant());
        return appliedRegistry();
    }
}
