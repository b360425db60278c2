package dev.larder.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an online store needs to know about a feature view: its name, its entities and their
 * join keys, its typed features and its time to live.
 *
 * @param name      the view's name, unique in a project
 * @param entities  entity names (Feast uses them to name Bigtable tables); empty for an entityless view
 * @param joinKeys  the join keys of those entities with their types, sorted by name;
 *                  for an entityless view, Feast's dummy join key
 * @param features  the features in declaration order
 * @param ttl       values older than request time minus ttl are outside max age; {@link Duration#ZERO} means no limit
 */
public record FeatureView(String name, List<String> entities, List<Field> joinKeys, List<Field> features, Duration ttl) {

    public FeatureView {
        Objects.requireNonNull(name, "name");
        entities = List.copyOf(entities);
        List<Field> keys = new ArrayList<>(joinKeys);
        if (keys.isEmpty()) {
            if (!entities.isEmpty()) {
                throw new IllegalArgumentException("Feature view '" + name + "' has entities but no join keys");
            }
            keys.add(new Field(EntityKey.DUMMY_JOIN_KEY, ValueType.STRING));
        }
        keys.sort((a, b) -> a.name().compareTo(b.name()));
        joinKeys = List.copyOf(keys);
        features = List.copyOf(features);
        ttl = ttl == null ? Duration.ZERO : ttl;
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("Feature view '" + name + "' has a negative ttl " + ttl);
        }
        Set<String> seen = new HashSet<>();
        for (Field f : features) {
            if (!seen.add(f.name())) {
                throw new IllegalArgumentException("Feature view '" + name + "' declares feature '" + f.name() + "' twice");
            }
        }
    }

    /** A view with one entity whose join key has the entity's name; handy in tests and examples. */
    public static FeatureView of(String name, Field joinKey, List<Field> features, Duration ttl) {
        return new FeatureView(name, List.of(joinKey.name()), List.of(joinKey), features, ttl);
    }

    public boolean isEntityless() {
        return entities.isEmpty();
    }

    public List<String> joinKeyNames() {
        List<String> names = new ArrayList<>(joinKeys.size());
        for (Field f : joinKeys) names.add(f.name());
        return names;
    }

    public List<String> featureNames() {
        List<String> names = new ArrayList<>(features.size());
        for (Field f : features) names.add(f.name());
        return names;
    }

    public Optional<Field> feature(String featureName) {
        for (Field f : features) {
            if (f.name().equals(featureName)) return Optional.of(f);
        }
        return Optional.empty();
    }

    public Optional<Duration> maxAge() {
        return ttl.isZero() ? Optional.empty() : Optional.of(ttl);
    }
}
