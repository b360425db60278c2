package dev.larder.store.dynamodb;

import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** {@code type: dynamodb}: Feast's DynamoDB layout on the AWS SDK for Java v2. */
public final class DynamoDBStoreProvider implements OnlineStoreProvider {
    @Override
    public String type() {
        return "dynamodb";
    }

    /**
     * Each proven by the compatibility kit with default options; {@code COLLOCATED_BY_FEATURE_VIEW}
     * (a table per view) by the Feast-layout test. {@code CONCURRENT_WRITES_SAME_KEY} holds with the
     * default {@code conditional_writes: true} only.
     */
    @Override
    public Map<Capability, CapabilitySupport> capabilities() {
        Map<Capability, CapabilitySupport> m = new EnumMap<>(Capability.class);
        for (Capability c : EnumSet.of(Capability.WRITE, Capability.READ, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.PLAN, Capability.ENTITYLESS_FEATURE_VIEWS, Capability.CONCURRENT_WRITES_SAME_KEY, Capability.COLLOCATED_BY_FEATURE_VIEW, Capability.ASYNC_READ, Capability.BATCHED_READ)) {
            m.put(c, CapabilitySupport.always());
        }
        return m;
    }

    @Override
    public OnlineStore create(StoreContext context) {
        return DynamoDBOnlineStore.open(context.project(), DynamoDBStoreConfig.from(context.options()));
    }
}
