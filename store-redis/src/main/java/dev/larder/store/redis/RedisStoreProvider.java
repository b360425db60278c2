package dev.larder.store.redis;

import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** {@code type: redis}: Redis standalone, Cluster or Sentinel in Feast's Redis layout. */
public final class RedisStoreProvider implements OnlineStoreProvider {
    @Override
    public String type() {
        return "redis";
    }

    @Override
    public Map<Capability, CapabilitySupport> capabilities() {
        Map<Capability, CapabilitySupport> m = new EnumMap<>(Capability.class);
        for (Capability c : EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN, Capability.ENTITYLESS_FEATURE_VIEWS, Capability.CONCURRENT_WRITES_SAME_KEY, Capability.DELETE_EXPIRED_DATA, Capability.COLLOCATED_BY_ENTITY_KEY, Capability.ASYNC_READ, Capability.BATCHED_READ, Capability.MULTI_VIEW_READ)) {
            m.put(c, CapabilitySupport.always());
        }
        return m;
    }

    @Override
    public OnlineStore create(StoreContext context) {
        return new RedisOnlineStore(context.project(), RedisStoreConfig.from(context.options()));
    }
}
