package dev.larder.store.sqlite;

import dev.larder.spi.Value;
import dev.larder.spi.ValueType;

/** The {@code value_text} column: the string of string values, NULL otherwise. */
final class ValueText {
    private ValueText() {
    }

    static String of(Value v) {
        return v.type() == ValueType.STRING ? v.asString() : null;
    }
}
