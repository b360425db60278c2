package dev.larder.store.cassandra;

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

/** {@code type: cassandra}: Apache Cassandra (and compatible databases) through the Apache Cassandra Java driver. */
public final class CassandraStoreProvider implements OnlineStoreProvider {
    static final CapabilitySupport WITH_EVENT_TIME_STAMPS = CapabilitySupport.withOption("write_timestamp", "set to event_time");
    static final CapabilitySupport WITH_KEY_TTL = CapabilitySupport.withOption("key_ttl_seconds", "> 0");

    @Override
    public String type() {
        return "cassandra";
    }

    @Override
    public Map<Capability, CapabilitySupport> capabilities() {
        Map<Capability, CapabilitySupport> m = new EnumMap<>(Capability.class);
        for (Capability c : EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN,
                Capability.ENTITYLESS_FEATURE_VIEWS, Capability.COLLOCATED_BY_FEATURE_VIEW, Capability.ASYNC_READ, Capability.BATCHED_READ)) {
            m.put(c, CapabilitySupport.always());
        }
        m.put(Capability.CONCURRENT_WRITES_SAME_KEY, WITH_EVENT_TIME_STAMPS);
        m.put(Capability.DELETE_EXPIRED_DATA, WITH_KEY_TTL);
        return m;
    }

    @Override
    public Set<String> sensitiveOptions() {
        return Set.of("password");
    }

    /** What a store with these options can do. */
    static Set<Capability> capabilities(CassandraStoreConfig config) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        new CassandraStoreProvider().capabilities().forEach((c, support) -> {
            boolean met = !support.isConditional()
                    || (c == Capability.CONCURRENT_WRITES_SAME_KEY && config.writeTimestamp() == WriteTimestamp.EVENT_TIME)
                    || (c == Capability.DELETE_EXPIRED_DATA && config.keyTtlSeconds() > 0);
            if (met) out.add(c);
        });
        return out;
    }

    /** Connects here, so bad hosts, credentials or {@code local_dc} fail at creation with one clear line. */
    @Override
    public OnlineStore create(StoreContext context) {
        CassandraStoreConfig config = CassandraStoreConfig.from(context.options());
        return new CassandraOnlineStore(context.project(), config, CassandraSessions.open(config, context.options(), context.project()),
                context.clock(), capabilities(config));
    }

    /** Contact points, port and keyspace; never the credentials. */
    @Override
    public String location(StoreOptions options) {
        return options.stringList("hosts", java.util.List.of()).stream().sorted().collect(java.util.stream.Collectors.joining(","))
                + ":" + options.integer("port", CassandraStoreConfig.DEFAULT_PORT, 1, 65535)
                + " keyspace " + options.string("keyspace", CassandraStoreConfig.DEFAULT_KEYSPACE);
    }
}
