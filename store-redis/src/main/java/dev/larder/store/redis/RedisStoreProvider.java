package dev.larder.store.redis;

import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/** {@code type: redis}: Redis standalone, Cluster or Sentinel in Feast's Redis layout. */
public final class RedisStoreProvider implements OnlineStoreProvider {
    /** What a Redis store can do; each row is proven by the kit on all three deployment kinds. */
    static final Map<Capability, CapabilitySupport> CAPABILITIES;

    static {
        Map<Capability, CapabilitySupport> m = new EnumMap<>(Capability.class);
        for (Capability c : new Capability[]{Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN,
                Capability.PLAN, Capability.ENTITYLESS_FEATURE_VIEWS, Capability.CONCURRENT_WRITES_SAME_KEY,
                Capability.COLLOCATED_BY_ENTITY_KEY, Capability.ASYNC_READ, Capability.BATCHED_READ, Capability.MULTI_VIEW_READ}) {
            m.put(c, CapabilitySupport.always());
        }
        // Redis expires whole keys: only when every write sets EXPIRE.
        m.put(Capability.DELETE_EXPIRED_DATA, CapabilitySupport.withOption("key_ttl_seconds", "set above 0"));
        CAPABILITIES = Collections.unmodifiableMap(m);
    }

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public Map<Capability, CapabilitySupport> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Set<String> sensitiveOptions() {
        return RedisStoreConfig.SENSITIVE_OPTIONS;
    }

    @Override
    public OnlineStore create(StoreContext context) {
        return new RedisOnlineStore(context.project(), RedisStoreConfig.from(context.options()));
    }

    /** The deployment type, nodes and database of connection_string; never its password or username. */
    @Override
    public String location(StoreOptions options) {
        RedisStoreConfig c = RedisStoreConfig.from(options);
        return c.redisType().option() + " " + c.nodes().stream().map(RedisStoreConfig.HostPort::toString).sorted()
                .collect(java.util.stream.Collectors.joining(",")) + "/" + c.database()
                + (c.redisType() == RedisStoreConfig.RedisType.REDIS_SENTINEL ? " master " + c.sentinelMaster() : "");
    }
}
