package dev.larder.spi;

import java.util.Locale;

/**
 * Feast's {@code ValueType}, with Feast's numbering: the number is also the field number of the
 * matching member of the {@code feast.types.Value} protobuf oneof.
 */
public enum ValueType {
    /** An unset {@code Value} message (no oneof member). Reads back as a null value. */
    UNKNOWN(0, null),
    BYTES(1, null),
    STRING(2, null),
    INT32(3, null),
    INT64(4, null),
    DOUBLE(5, null),
    FLOAT(6, null),
    BOOL(7, null),
    /** Seconds since the epoch, as Feast stores it. */
    UNIX_TIMESTAMP(8, null),
    BYTES_LIST(11, BYTES),
    STRING_LIST(12, STRING),
    INT32_LIST(13, INT32),
    INT64_LIST(14, INT64),
    DOUBLE_LIST(15, DOUBLE),
    FLOAT_LIST(16, FLOAT),
    BOOL_LIST(17, BOOL),
    UNIX_TIMESTAMP_LIST(18, UNIX_TIMESTAMP),
    NULL(19, null);

    /** By Feast number; {@code values()} copies its array on every call, and decoding asks once per value. */
    private static final ValueType[] BY_NUMBER = new ValueType[NULL.number + 1];

    static {
        for (ValueType t : values()) {
            BY_NUMBER[t.number] = t;
        }
    }

    private final int number;
    private final ValueType elementType;

    ValueType(int number, ValueType elementType) {
        this.number = number;
        this.elementType = elementType;
    }

    /** Feast's enum number, equal to the protobuf field number of this type's oneof member. */
    public int number() {
        return number;
    }

    public boolean isList() {
        return elementType != null;
    }

    /** The element type of a list type; the type itself for a scalar. */
    public ValueType elementType() {
        return elementType == null ? this : elementType;
    }

    /** The list type whose elements are this scalar type. */
    public ValueType listType() {
        for (ValueType t : values()) {
            if (t.elementType == this) {
                return t;
            }
        }
        throw new IllegalArgumentException(this + " has no list type");
    }

    /** Whether Feast's entity-key serialization accepts values of this type. */
    public boolean isEntityKeyType() {
        return this == STRING || this == BYTES || this == INT32 || this == INT64 || this == UNIX_TIMESTAMP;
    }

    public static ValueType ofNumber(int number) {
        ValueType t = number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
        if (t != null) {
            return t;
        }
        throw new IllegalArgumentException("Unsupported Feast value type number " + number);
    }

    /** Parses a Feast ValueType name such as {@code INT64} or {@code DOUBLE_LIST}, case-insensitively. */
    public static ValueType ofName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown value type '" + name + "'");
        }
    }
}
