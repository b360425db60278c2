package dev.larder.store.sqlite;

import dev.larder.spi.Value;

/**
 * The {@code value_text} column as Feast 0.66 fills it ({@code helpers.extract_text_and_num}):
 * the string of a string value; Python's {@code str()} of int32, int64, float and double values
 * (a float is first widened to double, as protobuf's Python runtime hands it over, so 0.1f reads
 * {@code 0.10000000149011612}); {@code True} / {@code False} for booleans; NULL for every other
 * type and for null values.
 */
final class ValueText {
    private ValueText() {
    }

    static String of(Value v) {
        switch (v.type()) {
            case STRING: return v.asString();
            case INT32: return Integer.toString(v.asInt32());
            case INT64: return Long.toString(v.asInt64());
            case DOUBLE: return PythonFloat.repr(v.asDouble());
            case FLOAT: return PythonFloat.repr(v.asFloat());
            case BOOL: return v.asBool() ? "True" : "False";
            default: return null;
        }
    }
}
