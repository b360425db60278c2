package dev.larder.store.dynamodb;

import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** {@code type: dynamodb}: Feast's DynamoDB layout on the AWS SDK for Java v2. */
public final class DynamoDBStoreProvider implements OnlineStoreProvider {
    /** Option keys whose values may carry a secret: an endpoint URL can hold user info. */
    static final Set<String> SENSITIVE = Set.of("endpoint_url");

    @Override
    public String type() {
        return "dynamodb";
    }

    /**
     * Each proven by the compatibility kit against DynamoDB Local ({@code BATCHED_READ} by counting
     * requests through a proxy), {@code COLLOCATED_BY_FEATURE_VIEW} (a table per view) by the
     * Feast-layout test. {@code CONCURRENT_WRITES_SAME_KEY} needs the conditional writes of the
     * default {@code conditional_writes: true}.
     */
    @Override
    public Map<Capability, CapabilitySupport> capabilities() {
        Map<Capability, CapabilitySupport> m = new EnumMap<>(Capability.class);
        for (Capability c : EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN,
                Capability.ENTITYLESS_FEATURE_VIEWS, Capability.COLLOCATED_BY_FEATURE_VIEW, Capability.ASYNC_READ, Capability.BATCHED_READ)) {
            m.put(c, CapabilitySupport.always());
        }
        m.put(Capability.CONCURRENT_WRITES_SAME_KEY, CapabilitySupport.withOption("conditional_writes", "true (the default)"));
        return Collections.unmodifiableMap(m);
    }

    /** What a store with these options has: the unconditional capabilities, and those its options meet. */
    static Set<Capability> capabilitiesOf(DynamoDBStoreConfig config) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        new DynamoDBStoreProvider().capabilities().forEach((c, support) -> {
            if (!support.isConditional()) out.add(c);
        });
        if (config.conditionalWrites()) out.add(Capability.CONCURRENT_WRITES_SAME_KEY);
        return Collections.unmodifiableSet(out);
    }

    @Override
    public Set<String> sensitiveOptions() {
        return SENSITIVE;
    }

    @Override
    public OnlineStore create(StoreContext context) {
        return DynamoDBOnlineStore.open(context.project(), DynamoDBStoreConfig.from(context.options().withSensitive(SENSITIVE)));
    }

    /** Region, endpoint and table naming: where the view tables are. */
    @Override
    public String location(StoreOptions options) {
        return "region " + options.string("region").orElse("(default)")
                + options.string("endpoint_url").map(u -> " endpoint " + u).orElse("")
                + " tables " + options.string("table_name_template", DynamoDBStoreConfig.DEFAULT_TABLE_NAME_TEMPLATE);
    }
}
