package dev.larder.spi;

import java.util.Objects;

/** A named, typed column: a feature of a view or a join key of an entity. */
public record Field(String name, ValueType type) {
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("A field name must not be empty");
        }
    }
}
