package dev.larder.store.bigtable;

import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;

import java.time.Clock;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: bigtable}: Cloud Bigtable (or its emulator) in Feast's layout.
 *
 * <p>Capabilities, each proven by the compatibility kit run against the emulator: newest-wins by
 * conditional writes (CheckAndMutateRow compares the stored row's event and created time), so
 * racing writers are safe (CONCURRENT_WRITES_SAME_KEY); reads are one ReadRows call per request and
 * table (BATCHED_READ, MULTI_VIEW_READ for views sharing a table, counted in HTTP/2 streams) and
 * non-blocking (ASYNC_READ); rows of one entity in one table are adjacent (COLLOCATED_BY_ENTITY_KEY,
 * checked by the Feast-layout test); with {@code delete_expired_data: true} the family gets a
 * max-age GC rule and reads hide expired cells (DELETE_EXPIRED_DATA).
 *
 * <p>No option is a secret: credentials are Google's Application Default Credentials.
 */
public final class BigtableStoreProvider implements OnlineStoreProvider {
    static final String TYPE = "bigtable";
    static final String DELETE_EXPIRED_DATA = "delete_expired_data";

    private static final Map<Capability, CapabilitySupport> CAPABILITIES;

    static {
        Map<Capability, CapabilitySupport> m = new EnumMap<>(Capability.class);
        for (Capability c : EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN,
                Capability.ENTITYLESS_FEATURE_VIEWS, Capability.CONCURRENT_WRITES_SAME_KEY, Capability.COLLOCATED_BY_ENTITY_KEY,
                Capability.ASYNC_READ, Capability.BATCHED_READ, Capability.MULTI_VIEW_READ)) {
            m.put(c, CapabilitySupport.always());
        }
        m.put(Capability.DELETE_EXPIRED_DATA, CapabilitySupport.withOption(DELETE_EXPIRED_DATA, "true"));
        CAPABILITIES = Collections.unmodifiableMap(m);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<Capability, CapabilitySupport> capabilities() {
        return CAPABILITIES;
    }

    /** What a store with these options has: every unconditional capability, and expiry when asked for. */
    static Set<Capability> capabilitiesOf(BigtableStoreConfig config) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        for (Map.Entry<Capability, CapabilitySupport> e : CAPABILITIES.entrySet()) {
            if (!e.getValue().isConditional()) out.add(e.getKey());
        }
        if (config.deleteExpiredData()) out.add(Capability.DELETE_EXPIRED_DATA);
        return Collections.unmodifiableSet(out);
    }

    /**
     * The store reads expiry against the system clock, not the context's: expired cells disappear
     * by Bigtable's max-age GC rule, which runs on the server's clock, and reads must agree with it.
     */
    @Override
    public OnlineStore create(StoreContext context) {
        return new BigtableOnlineStore(context.project(), BigtableStoreConfig.from(context.options()), Clock.systemUTC());
    }

    /** Project and instance (and the emulator, when one is used). */
    @Override
    public String location(StoreOptions options) {
        return "project " + options.string("project_id").orElse("(default)") + " instance " + options.string("instance").orElse("")
                + options.string("emulator_host").map(h -> " emulator " + h).orElse("");
    }
}
