package dev.larder.store.sqlite;

import dev.larder.spi.Capability;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;

import java.util.EnumSet;
import java.util.Set;

/** {@code type: sqlite}, the embedded default. */
public final class SqliteStoreProvider implements OnlineStoreProvider {
    @Override
    public String type() {
        return "sqlite";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN,
                Capability.READABLE_FROM_JAVA, Capability.ENTITYLESS_FEATURE_VIEWS, Capability.CONCURRENT_WRITES_SAME_KEY,
                Capability.TTL_AT_RETRIEVAL, Capability.COLLOCATED_BY_FEATURE_VIEW, Capability.BATCHED_READ);
    }

    @Override
    public OnlineStore create(StoreContext context) {
        return new SqliteOnlineStore(context.project(), SqliteStoreConfig.from(context.options(), context.repoPath()));
    }
}
