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
import java.util.Map;
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
        return open(dir, Clock.systemUTC());
    }

    /** @param clock what "now" is: watermarks are never recorded past it, and apply stamps the registry with it */
    public static Repository open(Path dir, Clock clock) {
        if (!Files.isDirectory(dir)) {
            throw new LarderException(dir + ": not a directory; pass --repo DIR or run 'larder init DIR' first");
        }
        return new Repository(RepoConfig.load(dir), clock);
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

    /** The clock materialization reads "now" from (watermarks are never recorded past it). */
    public Clock clock() {
        return clock;
    }

    /**
     * Which online store the configuration points at: its type and where its data lives, without
     * secrets (e.g. "sqlite data/online.db", "redis redis 10.0.0.5:6379/0"). Recorded with each view's
     * materialized intervals, so that watermarks written to one store do not count for another.
     */
    public String storeIdentity() {
        String type = config.onlineStoreType();
        OnlineStoreProvider p;
        try {
            p = provider();
        } catch (LarderException | dev.larder.spi.ConfigException notInstalled) {
            return type; // opening the store fails on its own, with the message saying what to install
        }
        String location = p.location(config.onlineStore().withSensitive(p.sensitiveOptions()));
        return location == null || location.isBlank() ? type : type + " " + location;
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

    /** What apply would do; a damaged registry file is planned to be rebuilt (see {@link RepoPlan#registryRebuild()}). */
    public RepoPlan plan() {
        Definitions desired = definitions();
        String store = registryStore.config().isFeast() ? null : storeIdentity();
        try {
            return RepoPlan.compute(registry(), desired, store, null);
        } catch (DamagedRegistryException e) {
            Path backup = e.file().resolveSibling(e.file().getFileName() + ".corrupt-" + BACKUP_TIME.format(clock.instant()));
            return RepoPlan.compute(Registry.empty(config.project()), desired, store, new RepoPlan.RegistryRebuild(e.file(), e.damage(), backup));
        }
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
        if (plan.registryRebuild().isEmpty()) registry(); // fails before the store is touched when the registry is unreadable
        if (capabilities.contains(Capability.UPDATE_INFRA)) {
            if (!plan.viewsToDelete().isEmpty() && capabilities.contains(Capability.TEARDOWN)) {
                store.teardown(plan.viewsToDelete());
            }
            store.update(new InfraChange(plan.viewsToKeep(), plan.viewsToDelete()));
        }
        String identity = registryStore.config().isFeast() ? null : storeIdentity();
        // Re-read under the lock: watermarks a concurrent materialize recorded since the plan are kept.
        return registryStore.exclusive(() -> {
            Registry current;
            try {
                current = registry();
            } catch (DamagedRegistryException e) {
                RepoPlan.RegistryRebuild rebuild = plan.registryRebuild().orElseThrow(() -> e);
                setAside(e.file(), rebuild.backup());
                current = Registry.empty(config.project());
            }
            Registry next = current.withDefinitions(plan.desired(), plan.viewsToReset(), identity, clock.instant());
            registryStore.save(next);
            return next;
        });
    }

    private static final java.time.format.DateTimeFormatter BACKUP_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

    /** Moves a damaged registry (a link's target) aside, keeping it for inspection. */
    private static void setAside(Path file, Path backup) {
        Path target = RegistryFiles.target(file);
        Path to = backup;
        for (int n = 1; Files.exists(to); n++) to = backup.resolveSibling(backup.getFileName() + "-" + n);
        try {
            Files.move(target, to);
        } catch (java.io.IOException e) {
            throw new LarderException(file + ": cannot move the damaged registry to " + to + ": " + dev.larder.config.Errors.reason(e), e);
        }
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

    /** Records a materialized interval; see {@link #recordMaterialized(Map)}. */
    public Registry recordMaterialized(String view, Registry.Interval interval) {
        return recordMaterialized(Map.of(view, interval));
    }

    /**
     * Records views' materialized intervals, for the configured store, in one update of the registry:
     * re-read and written under the registry lock, so that updates by other processes (other views'
     * watermarks, an apply) are kept.
     */
    public Registry recordMaterialized(Map<String, Registry.Interval> intervals) {
        if (!registryStore.config().isFeast() && !Files.exists(config.registryPath())) {
            throw new LarderException(config.registryPath() + ": no registry yet; run 'larder apply' first");
        }
        registryStore.recordMaterialized(config.project(), intervals,
                registryStore.config().isFeast() ? null : storeIdentity(), clock.instant());
        return appliedRegistry();
    }
}
