package dev.larder.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The key of one entity row: join keys sorted by name, each with its value, as Feast's entity-key
 * serialization orders them. Values must be of an entity-key type (STRING, BYTES, INT32, INT64,
 * UNIX_TIMESTAMP).
 */
public final class EntityKey {
    /** Feast's dummy entity used by entityless feature views. */
    public static final String DUMMY_JOIN_KEY = "__dummy_id";
    public static final EntityKey DUMMY = EntityKey.of(DUMMY_JOIN_KEY, Value.ofString(""));

    private final List<String> joinKeys;
    private final List<Value> values;
    private final int hash;

    private EntityKey(List<String> joinKeys, List<Value> values) {
        this.joinKeys = joinKeys;
        this.values = values;
        this.hash = 31 * joinKeys.hashCode() + values.hashCode();
    }

    public static EntityKey of(String joinKey, Value value) {
        checkValue(joinKey, value);
        return new EntityKey(List.of(joinKey), List.of(value));
    }

    public static EntityKey of(String k1, Value v1, String k2, Value v2) {
        return of(Map.of(k1, v1, k2, v2));
    }

    /** An entity key from join keys and values in any order; they are sorted by join key. */
    public static EntityKey of(Map<String, Value> keyValues) {
        if (keyValues.isEmpty()) {
            throw new IllegalArgumentException("An entity key needs at least one join key");
        }
        String[] names = keyValues.keySet().toArray(new String[0]);
        Arrays.sort(names, Comparator.naturalOrder());
        List<String> keys = new ArrayList<>(names.length);
        List<Value> vals = new ArrayList<>(names.length);
        for (String name : names) {
            Value v = keyValues.get(name);
            checkValue(name, v);
            keys.add(name);
            vals.add(v);
        }
        return new EntityKey(Collections.unmodifiableList(keys), Collections.unmodifiableList(vals));
    }

    private static void checkValue(String joinKey, Value value) {
        Objects.requireNonNull(joinKey, "join key");
        Objects.requireNonNull(value, "value of join key " + joinKey);
        if (!value.type().isEntityKeyType()) {
            throw new IllegalArgumentException("Join key '" + joinKey + "' has a " + value.type()
                    + " value; entity keys accept STRING, BYTES, INT32, INT64 and UNIX_TIMESTAMP");
        }
    }

    /** Join key names, sorted. */
    public List<String> joinKeys() {
        return joinKeys;
    }

    /** Values, in the order of {@link #joinKeys()}. */
    public List<Value> values() {
        return values;
    }

    public Value value(String joinKey) {
        int i = joinKeys.indexOf(joinKey);
        if (i < 0) {
            throw new IllegalArgumentException("Entity key has no join key '" + joinKey + "': " + this);
        }
        return values.get(i);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof EntityKey)) return false;
        EntityKey other = (EntityKey) o;
        return hash == other.hash && joinKeys.equals(other.joinKeys) && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < joinKeys.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(joinKeys.get(i)).append('=').append(values.get(i));
        }
        return sb.append('}').toString();
    }
}
