package dev.larder.store.cassandra;

import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** {@code type: cassandra}: Apache Cassandra (and compatible databases) through the Apache Cassandra Java driver. */
public final class CassandraStoreProvider implements OnlineStoreProvider {
    @Override
    public String type() {
        return "cassandra";
    }

    @Override
    public Map<Capability, CapabilitySupport> capabilities() {
        Map<Capability, CapabilitySupport> m = new EnumMap<>(Capability.class);
        for (Capability c : EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN, Capability.ENTITYLESS_FEATURE_VIEWS, Capability.CONCURRENT_WRITES_SAME_KEY, Capability.DELETE_EXPIRED_DATA, Capability.COLLOCATED_BY_FEATURE_VIEW, Capability.ASYNC_READ, Capability.BATCHED_READ)) {
            m.put(c, CapabilitySupport.always());
        }
        return m;
    }

    /** Connects here, so bad hosts, credentials or {@code local_dc} fail at creation with one clear line. */
    @Override
    public OnlineStore create(StoreContext context) {
        CassandraStoreConfig config = CassandraStoreConfig.from(context.options());
        return new CassandraOnlineStore(context.project(), config, CassandraSessions.open(config, context.project()));
    }
}
