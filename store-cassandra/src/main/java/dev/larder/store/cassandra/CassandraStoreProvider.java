package dev.larder.store.cassandra;

import dev.larder.spi.Capability;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;

import java.util.EnumSet;
import java.util.Set;

/** {@code type: cassandra}: Apache Cassandra (and compatible databases) through the Apache Cassandra Java driver. */
public final class CassandraStoreProvider implements OnlineStoreProvider {
    @Override
    public String type() {
        return "cassandra";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN,
                Capability.READABLE_FROM_JAVA, Capability.ENTITYLESS_FEATURE_VIEWS, Capability.CONCURRENT_WRITES_SAME_KEY,
                Capability.TTL_AT_RETRIEVAL, Capability.DELETE_EXPIRED_DATA, Capability.COLLOCATED_BY_FEATURE_VIEW,
                Capability.ASYNC_READ, Capability.BATCHED_READ);
    }

    /** Connects here, so bad hosts, credentials or {@code local_dc} fail at creation with one clear line. */
    @Override
    public OnlineStore create(StoreContext context) {
        CassandraStoreConfig config = CassandraStoreConfig.from(context.options());
        return new CassandraOnlineStore(context.project(), config, CassandraSessions.open(config, context.project()));
    }
}
