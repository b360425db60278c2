package dev.larder.definitions;

import dev.larder.spi.Field;
import dev.larder.spi.ValueType;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An entity of {@code features.yaml}: its name, its join keys and their value type.
 *
 * @param name      the entity's name, referred to by feature views
 * @param joinKeys  the columns that identify it (Feast: usually one)
 * @param valueType the type of every join key, an entity-key type
 */
public record EntityDefinition(String name, List<String> joinKeys, ValueType valueType) {
    public EntityDefinition {
        Objects.requireNonNull(name, "name");
        joinKeys = List.copyOf(joinKeys);
        Objects.requireNonNull(valueType, "valueType");
    }

    public List<Field> joinKeyFields() {
        List<Field> out = new ArrayList<>();
        for (String k : joinKeys) out.add(new Field(k, valueType));
        return out;
    }
}
