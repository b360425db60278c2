package dev.larder.materialize;

/**
 * A column of an offline source as an engine sees it: its name, the engine's own name for its type
 * (shown in messages) and the kind of values it holds, which Larder's shared conversion rules
 * ({@link ColumnRules}) decide on.
 *
 * @param name     the column name
 * @param typeName the engine's type name, e.g. {@code VARCHAR} (DuckDB) or {@code string} (Spark)
 * @param kind     what the values are
 * @param element  for {@link Kind#LIST}, the element column (its name is the list's); otherwise null
 */
public record SourceColumn(String name, String typeName, Kind kind, SourceColumn element) {
    /** Kinds of source values; engines map their own types onto these. */
    public enum Kind {
        /** Whole numbers of any width, signed or not. */
        INTEGER,
        /** Binary floating point. */
        FLOATING,
        /** Fixed-point decimals. */
        DECIMAL,
        STRING,
        UUID,
        BOOLEAN,
        BINARY,
        /** An instant (with a zone) or a naive date-time, read as UTC. */
        TIMESTAMP,
        /** A calendar date, read as UTC midnight. */
        DATE,
        LIST,
        /** Anything else (maps, structs, intervals, ...): never convertible. */
        OTHER
    }

    public static SourceColumn of(String name, String typeName, Kind kind) {
        return new SourceColumn(name, typeName, kind, null);
    }

    public static SourceColumn list(String name, String typeName, SourceColumn element) {
        return new SourceColumn(name, typeName, Kind.LIST, element);
    }

    public boolean isNumeric() {
        return kind == Kind.INTEGER || kind == Kind.FLOATING || kind == Kind.DECIMAL;
    }

    public boolean isTime() {
        return kind == Kind.TIMESTAMP || kind == Kind.DATE;
    }
}
