package dev.larder.spi.support;

import dev.larder.spi.EntityKey;
import dev.larder.spi.OnlineRow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct keys of a read request, in first-seen order, and the way back from one result per
 * distinct key to one result per requested key (request order, duplicates included). Every
 * backend reads each key once and answers in request order through this.
 */
public final class DistinctKeys {
    private final List<EntityKey> distinct;
    private final int[] slot;

    private DistinctKeys(List<EntityKey> distinct, int[] slot) {
        this.distinct = distinct;
        this.slot = slot;
    }

    public static DistinctKeys of(List<EntityKey> keys) {
        Map<EntityKey, Integer> index = new HashMap<>(keys.size() * 2);
        List<EntityKey> distinct = new ArrayList<>(keys.size());
        int[] slot = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            EntityKey k = keys.get(i);
            Integer d = index.putIfAbsent(k, distinct.size());
            if (d == null) {
                slot[i] = distinct.size();
                distinct.add(k);
            } else {
                slot[i] = d;
            }
        }
        return new DistinctKeys(Collections.unmodifiableList(distinct), slot);
    }

    /** The distinct keys, in the order they were first requested. */
    public List<EntityKey> keys() {
        return distinct;
    }

    public int size() {
        return distinct.size();
    }

    /** The index into {@link #keys()} of request position {@code requestIndex}. */
    public int slotOf(int requestIndex) {
        return slot[requestIndex];
    }

    /**
     * One result per requested key from one per distinct key ({@code null} meaning absent).
     */
    public List<OnlineRow> expand(OnlineRow[] perDistinct) {
        if (perDistinct.length != distinct.size()) {
            throw new IllegalArgumentException(perDistinct.length + " results for " + distinct.size() + " distinct keys");
        }
        OnlineRow[] out = new OnlineRow[slot.length];
        for (int i = 0; i < slot.length; i++) {
            OnlineRow r = perDistinct[slot[i]];
            out[i] = r == null ? OnlineRow.ABSENT : r;
        }
        return java.util.Arrays.asList(out);
    }
}
