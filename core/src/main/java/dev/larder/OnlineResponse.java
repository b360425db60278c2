package dev.larder;

import dev.larder.spi.Value;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The answer to {@link FeatureStore#getOnlineFeatures}: one column per join key and per requested
 * feature (join keys first), each with a value, a status and an event time per entity row, in
 * entity-row order. This is the shape of Feast's feature-server response.
 */
public final class OnlineResponse {

    /**
     * One column across the entity rows. A value is {@code null} when the status is NOT_FOUND or
     * OUTSIDE_MAX_AGE; an event time is {@code null} when there is none (join keys, missing rows).
     */
    public record Column(String name, List<Value> values, List<FieldStatus> statuses, List<Instant> eventTimes) {
    }

    private final List<Column> columns;
    private final Map<String, Integer> index;
    private final int rowCount;

    private OnlineResponse(List<Column> columns, Map<String, Integer> index, int rowCount) {
        this.columns = List.copyOf(columns);
        this.index = Map.copyOf(index); // a no-op for the immutable maps index() makes
        this.rowCount = rowCount;
    }

    /**
     * A response from its columns.
     *
     * @param aliases per column, another name it answers to (a feature's {@code view:feature}
     *                reference), or null
     */
    public static OnlineResponse of(List<Column> columns, List<String> aliases, int rowCount) {
        return new OnlineResponse(columns, index(columns.stream().map(Column::name).toList(), aliases), rowCount);
    }

    /** A response whose name index was built with {@link #index} for these columns' names (e.g. once per feature selection). */
    public static OnlineResponse indexed(List<Column> columns, Map<String, Integer> index, int rowCount) {
        return new OnlineResponse(columns, index, rowCount);
    }

    /** Name to column: each alias, then each name not already taken by an alias. Immutable. */
    public static Map<String, Integer> index(List<String> names, List<String> aliases) {
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            if (aliases.get(i) != null) index.put(aliases.get(i), i);
        }
        for (int i = 0; i < names.size(); i++) index.putIfAbsent(names.get(i), i);
        return Map.copyOf(index);
    }

    /** Column names: join keys, then features ({@code feature} or {@code view__feature} with full names). */
    public List<String> featureNames() {
        return columns.stream().map(Column::name).toList();
    }

    public List<Column> columns() {
        return columns;
    }

    public int rowCount() {
        return rowCount;
    }

    /**
     * The column for a name: a join key, a feature name as returned, or a {@code view:feature}
     * reference as requested.
     */
    public Column column(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("No column '" + name + "' in the response; columns: " + featureNames());
        }
        return columns.get(i);
    }

    public Value value(int row, String name) {
        return column(name).values().get(row);
    }

    public FieldStatus status(int row, String name) {
        return column(name).statuses().get(row);
    }

    public Instant eventTime(int row, String name) {
        return column(name).eventTimes().get(row);
    }
}
