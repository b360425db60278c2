package dev.larder.store.redis;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.ViewRead;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.tck.RequestCounting;
import dev.larder.tck.TestData;
import dev.larder.testing.redis.RedisClusterServers;
import dev.larder.testing.redis.Resp;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole compatibility kit against a real three-master Redis Cluster started by the test JVM.
 * Every node sits behind a delay proxy whose port it announces, so all client traffic is counted.
 */
class RedisClusterStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final RedisClusterServers CLUSTER = RedisClusterServers.startBehindProxies(Duration.ofMillis(50));

    @Override
    protected String storeType() {
        return "redis";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return Map.of("redis_type", "redis_cluster", "connection_string", CLUSTER.connectionString());
    }

    @Override
    protected Map<String, Object> expiringStoreOptions(Duration ttl) {
        return Map.of("redis_type", "redis_cluster", "connection_string", CLUSTER.connectionString(), "key_ttl_seconds", ttl.getSeconds());
    }

    @Override
    protected RequestCounting requestCounting() {
        return new CountedRequests(storeOptions(), CLUSTER::requestCount);
    }

    /**
     * A read is one pipeline per master holding some of its keys (in chunks of
     * {@link RedisReader#CHUNK} keys): a 500-key read over 3 masters is 3 requests of about 167
     * keys each, so the kit's ceil(500 / batch) is met with a batch of 150 (4 requests allowed).
     */
    @Override
    protected int readBatchSize() {
        return 150;
    }

    /** The port of the master owning a slot, from CLUSTER SLOTS. */
    private static int ownerPort(List<?> slots, int slot) {
        for (Object o : slots) {
            List<?> range = (List<?>) o;
            if (slot >= (Long) range.get(0) && slot <= (Long) range.get(1)) {
                return ((Long) ((List<?>) range.get(2)).get(1)).intValue();
            }
        }
        throw new AssertionError("slot " + slot + " has no owner in " + slots);
    }

    @Test
    void oneReadWhoseKeysFallOnEveryMaster() {
        FeatureView a = apply(TestData.driverView("fv_spread"));
        FeatureView b = apply(TestData.driverView("fv_spread_b"));
        List<?> slots = (List<?>) Resp.call(CLUSTER.ports().get(0), "CLUSTER", "SLOTS");
        List<FeatureRow> rows = driverRows(0, 60, 1, TestData.T0);
        store.write(a, rows, r -> { });
        store.write(b, driverRows(0, 30, 2, TestData.T0), r -> { });
        List<EntityKey> keys = new ArrayList<>();
        Set<Integer> masters = new HashSet<>();
        for (FeatureRow r : rows) {
            keys.add(r.entityKey());
            masters.add(ownerPort(slots, SlotHash.getSlot(EntityKeyCodec.redisKey(r.entityKey(), project))));
        }
        assertThat(masters).as("the keys of the read live on every master").containsExactlyInAnyOrderElementsOf(CLUSTER.clientPorts());

        List<OnlineRow> got = store.read(a, keys, DRIVER_FEATURES);
        for (int i = 0; i < rows.size(); i++) assertRow(got.get(i), rows.get(i));
        List<List<OnlineRow>> both = store.readViews(List.of(new ViewRead(a, DRIVER_FEATURES), new ViewRead(b, DRIVER_FEATURES)), keys);
        assertThat(both.get(0)).isEqualTo(got);
        for (int i = 0; i < rows.size(); i++) {
            if (i < 30) assertRow(both.get(1).get(i), TestData.driverRow(i, 2, TestData.T0));
            else assertThat(both.get(1).get(i).isPresent()).isFalse();
        }
        assertThat(store.readAsync(a, keys, DRIVER_FEATURES).join()).isEqualTo(got);
    }

    /** The node id of the master listening on a port, from CLUSTER MYID. */
    private static String nodeId(int port) {
        return (String) Resp.call(port, "CLUSTER", "MYID");
    }

    @Test
    void aSlotThatMovedAfterConnectingIsFollowed() {
        FeatureView view = apply(TestData.driverView("fv_moved"));
        store.read(view, List.of(TestData.driver(0)), DRIVER_FEATURES); // the store knows the topology now
        List<?> slots = (List<?>) Resp.call(CLUSTER.ports().get(0), "CLUSTER", "SLOTS");
        // A key in an empty slot, so the slot can move without migrating keys.
        long id = 0;
        int slot;
        int owner;
        while (true) {
            slot = SlotHash.getSlot(EntityKeyCodec.redisKey(TestData.driver(id), project));
            owner = ownerPort(slots, slot);
            if ((Long) Resp.call(owner, "CLUSTER", "COUNTKEYSINSLOT", String.valueOf(slot)) == 0) break;
            id++;
        }
        int ownerPort = owner;
        int target = CLUSTER.clientPorts().stream().filter(p -> p != ownerPort).findFirst().orElseThrow();
        String targetId = nodeId(target);
        for (int port : CLUSTER.ports()) Resp.call(port, "CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", targetId);

        // The store still routes the slot to the old owner, which answers MOVED; the store follows it.
        FeatureRow row = TestData.driverRow(id, 1, TestData.T0);
        store.write(view, List.of(row), r -> { });
        assertRow(store.read(view, List.of(row.entityKey()), DRIVER_FEATURES).get(0), row);
        assertThat((Long) Resp.call(target, "CLUSTER", "COUNTKEYSINSLOT", String.valueOf(slot))).as("the row is on the new owner").isEqualTo(1L);
    }
}
