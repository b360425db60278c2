package dev.larder.store.bigtable;

import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;

import java.time.Clock;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: bigtable}: Cloud Bigtable (or its emulator) in Feast's layout.
 *
 * <p>Capabilities, each proven by the compatibility kit run against the emulator:
 * newest-wins is native (cell timestamps are event times); reads are one ReadRows call per
 * request and table (BATCHED_READ, MULTI_VIEW_READ for views sharing a table) and non-blocking
 * (ASYNC_READ); rows of one entity in one table are adjacent (COLLOCATED_BY_ENTITY_KEY, checked by
 * the Feast-layout test); with {@code delete_expired_data} the family gets a max-age GC rule and
 * reads hide expired cells (DELETE_EXPIRED_DATA).
 */
public final class BigtableStoreProvider implements OnlineStoreProvider {
    @Override
    public String type() {
        return "bigtable";
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
        return new BigtableOnlineStore(context.project(), BigtableStoreConfig.from(context.options()), Clock.systemUTC());
    }
}
