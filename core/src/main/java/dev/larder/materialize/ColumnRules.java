package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.definitions.FeastTypes;
import dev.larder.engine.MaterializationTask;
import dev.larder.engine.OfflineSource;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which source columns can be read as which Feast types, and the messages when they cannot: one
 * set of rules for every engine, so a file loads (or fails, with the same message) whichever engine
 * reads it.
 *
 * <ul>
 *   <li>Float32 / Float64 from any numeric column;</li>
 *   <li>Int32 / Int64 from whole-number columns (a value out of range is an error, see {@link FeatureValues});</li>
 *   <li>String from text, numbers or UUIDs; Bytes from binary; Bool from booleans;</li>
 *   <li>UnixTimestamp from timestamps (naive ones are UTC), dates or whole-number seconds;</li>
 *   <li>lists from lists of elements readable as the element type;</li>
 *   <li>the event-time and created-time columns must be timestamps or dates.</li>
 * </ul>
 */
public final class ColumnRules {
    private ColumnRules() {
    }

    /** Whether a column of this kind can be read as the type. */
    public static boolean canRead(SourceColumn c, ValueType t) {
        if (t.isList()) {
            return c.kind() == SourceColumn.Kind.LIST && c.element() != null && canRead(c.element(), t.elementType());
        }
        switch (t) {
            case FLOAT:
            case DOUBLE:
                return c.isNumeric();
            case INT32:
            case INT64:
                return c.kind() == SourceColumn.Kind.INTEGER;
            case BOOL:
                return c.kind() == SourceColumn.Kind.BOOLEAN;
            case STRING:
                return c.kind() == SourceColumn.Kind.STRING || c.isNumeric() || c.kind() == SourceColumn.Kind.UUID;
            case BYTES:
                return c.kind() == SourceColumn.Kind.BINARY;
            case UNIX_TIMESTAMP:
                return c.kind() == SourceColumn.Kind.INTEGER || c.isTime();
            default:
                return false;
        }
    }

    /**
     * Checks every column the task needs against the source's columns: join keys, features, the
     * event-time column and the created-time column.
     *
     * @param columns the source's columns by name, in file order
     * @throws LarderException listing every problem, one line each, naming the file and column
     */
    public static void check(MaterializationTask task, Map<String, SourceColumn> columns) {
        FeatureView view = task.view();
        OfflineSource src = task.source();
        String file = src.location();
        List<String> problems = new ArrayList<>();
        for (Field k : joinKeys(view)) {
            checkField(file, columns, k, "join key '" + k.name() + "'", problems);
        }
        for (Field f : view.features()) {
            checkField(file, columns, f, "feature '" + view.name() + ":" + f.name() + "'", problems);
        }
        checkTime(file, columns, src.timestampField(), "timestamp_field", problems);
        if (src.createdTimestampColumn() != null) {
            checkTime(file, columns, src.createdTimestampColumn(), "created_timestamp_column", problems);
        }
        if (!problems.isEmpty()) {
            String where = task.where();
            throw new LarderException(where + String.join(System.lineSeparator() + where, problems));
        }
    }

    /** The view's join keys, none for an entityless view (whose rows share Feast's dummy key). */
    public static List<Field> joinKeys(FeatureView view) {
        return view.isEntityless() ? List.of() : view.joinKeys();
    }

    private static void checkField(String file, Map<String, SourceColumn> columns, Field f, String what, List<String> problems) {
        SourceColumn c = columns.get(f.name());
        if (c == null) {
            problems.add(missing(file, columns, f.name(), what));
        } else if (!canRead(c, f.type())) {
            problems.add(file + ": column '" + f.name() + "' is " + c.typeName() + ", which cannot be read as "
                    + FeastTypes.dtypeName(f.type()) + " (" + what + ")");
        }
    }

    private static void checkTime(String file, Map<String, SourceColumn> columns, String column, String option, List<String> problems) {
        SourceColumn c = columns.get(column);
        if (c == null) {
            problems.add(missing(file, columns, column, "source." + option));
        } else if (!c.isTime()) {
            problems.add(file + ": column '" + column + "' (source." + option + ") is " + c.typeName()
                    + "; it must be a TIMESTAMP or DATE column");
        }
    }

    private static String missing(String file, Map<String, SourceColumn> columns, String column, String what) {
        return file + ": column '" + column + "' (" + what + ") is missing; the file has columns " + columns.keySet();
    }
}
