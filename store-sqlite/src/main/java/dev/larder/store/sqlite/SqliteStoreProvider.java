package dev.larder.store.sqlite;

import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** {@code type: sqlite}, the embedded default. */
public final class SqliteStoreProvider implements OnlineStoreProvider {
    @Override
    public String type() {
        return "sqlite";
    }

    @Override
    public Map<Capability, CapabilitySupport> capabilities() {
        Map<Capability, CapabilitySupport> m = new EnumMap<>(Capability.class);
        for (Capability c : EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN, Capability.ENTITYLESS_FEATURE_VIEWS, Capability.CONCURRENT_WRITES_SAME_KEY, Capability.COLLOCATED_BY_FEATURE_VIEW, Capability.BATCHED_READ)) {
            m.put(c, CapabilitySupport.always());
        }
        return m;
    }

    @Override
    public OnlineStore create(StoreContext context) {
        return new SqliteOnlineStore(context.project(), SqliteStoreConfig.from(context.options(), context.repoPath()));
    }
}
