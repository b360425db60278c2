package dev.larder.store.sqlite;

import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: sqlite}, the embedded default. No option is a secret: the only one that names
 * anything is the file's path.
 */
public final class SqliteStoreProvider implements OnlineStoreProvider {
    @Override
    public String type() {
        return "sqlite";
    }

    /** What a store opened with {@code read_only: true} cannot do. */
    private static final Set<Capability> WRITING = EnumSet.of(Capability.WRITE, Capability.UPDATE_INFRA, Capability.TEARDOWN,
            Capability.CONCURRENT_WRITES_SAME_KEY);

    @Override
    public Map<Capability, CapabilitySupport> capabilities() {
        Map<Capability, CapabilitySupport> m = new EnumMap<>(Capability.class);
        for (Capability c : new Capability[] {Capability.READ, Capability.PLAN, Capability.ENTITYLESS_FEATURE_VIEWS,
                Capability.COLLOCATED_BY_FEATURE_VIEW, Capability.BATCHED_READ}) {
            m.put(c, CapabilitySupport.always());
        }
        for (Capability c : WRITING) m.put(c, CapabilitySupport.withOption("read_only", "false"));
        return m;
    }

    @Override
    public OnlineStore create(StoreContext context) {
        SqliteStoreConfig config = SqliteStoreConfig.from(context.options(), context.repoPath());
        return new SqliteOnlineStore(context.project(), config, capabilitiesOf(config));
    }

    /** What a store with these options has: every capability listed above whose condition holds. */
    Set<Capability> capabilitiesOf(SqliteStoreConfig config) {
        Set<Capability> out = EnumSet.copyOf(capabilities().keySet());
        if (config.readOnly()) out.removeAll(WRITING);
        return out;
    }

    /** The database file as configured (relative paths are relative to the repository). */
    @Override
    public String location(StoreOptions options) {
        return options.string("path", SqliteStoreConfig.DEFAULT_PATH);
    }
}
