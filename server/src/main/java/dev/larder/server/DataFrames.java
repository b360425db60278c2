package dev.larder.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.Dates;
import dev.larder.LarderException;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.json.JsonValues;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feast's {@code df}: a data frame sent column by column, {@code {"driver_id": [1001], "event_timestamp":
 * ["2022-05-13 10:59:42"], "conv_rate": [1.0], ...}}, read into the rows of one feature view. As with
 * pandas, a scalar column is repeated on every row when another column is a list. The view's join keys,
 * its source's timestamp field and every feature must be there; its created-timestamp column is used
 * when present; other columns are ignored (Feast ignores them too) and reported back.
 */
final class DataFrames {
    /** The columns of a checked frame. */
    record Frame(ObjectNode columns, int rows) {
        JsonNode cell(String column, int row) {
            JsonNode c = columns.get(column);
            return c.isArray() ? c.get(row) : c;
        }
    }

    private DataFrames() {
    }

    /** Checks the shape: an object of columns, lists of one length (scalars repeated), at least one row, at most {@code maxRows}. */
    static Frame frame(JsonNode df, String field, int maxRows) {
        if (!(df instanceof ObjectNode)) {
            throw JsonBody.wrongType(field, df, "an object of columns such as {\"driver_id\": [1001], \"event_timestamp\": [\"2024-01-01 00:00:00\"], ...}");
        }
        int n = -1;
        String first = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = df.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            if (c.getValue().isObject()) throw JsonBody.wrongType(field + "." + c.getKey(), c.getValue(), "a list of values, one per row");
            if (!c.getValue().isArray()) continue;
            if (n < 0) {
                n = c.getValue().size();
                first = c.getKey();
            } else if (c.getValue().size() != n) {
                throw ApiException.badRequest("columns of unequal length", field + ": column '" + first + "' has " + n
                        + " values but '" + c.getKey() + "' has " + c.getValue().size() + "; every column needs one value per row");
            }
        }
        if (n < 0) {
            throw ApiException.badRequest("no rows", field + ": no column is a list; send each column as a list of values, one per row");
        }
        if (n == 0) throw ApiException.badRequest("no rows", field + ": the columns are empty; send at least one row");
        if (n > maxRows) {
            throw ApiException.tooLarge("too many rows", field + ": " + n + " rows; at most " + maxRows + " per request (the server's --max-entity-rows)");
        }
        return new Frame((ObjectNode) df, n);
    }

    /**
     * The frame's rows for one view.
     *
     * @throws ApiException 400 naming the missing column or the cell ({@code df.conv_rate[3]}) and its value
     */
    static List<FeatureRow> rows(Frame frame, FeatureViewDefinition def, String field) {
        FeatureView view = def.view();
        SourceDefinition source = def.source();
        List<String> required = new ArrayList<>();
        if (!view.isEntityless()) required.addAll(view.joinKeyNames());
        required.add(source.timestampField());
        required.addAll(view.featureNames());
        List<String> missing = required.stream().filter(c -> !frame.columns().has(c)).toList();
        if (!missing.isEmpty()) {
            throw ApiException.badRequest("missing columns", field + ": feature view '" + view.name() + "' needs column"
                    + (missing.size() == 1 ? " " : "s ") + missing + "; the request has " + names(frame.columns()));
        }
        String created = source.createdTimestampColumn() != null && frame.columns().has(source.createdTimestampColumn())
                ? source.createdTimestampColumn() : null;
        List<FeatureRow> rows = new ArrayList<>(frame.rows());
        for (int r = 0; r < frame.rows(); r++) {
            EntityKey key = EntityKey.DUMMY;
            if (!view.isEntityless()) {
                Map<String, Value> kv = new HashMap<>();
                for (Field jk : view.joinKeys()) {
                    JsonNode cell = frame.cell(jk.name(), r);
                    String where = where(field, frame, jk.name(), r);
                    if (cell == null || cell.isNull()) {
                        throw ApiException.badRequest("invalid value", where + ": join key '" + jk.name() + "' cannot be null");
                    }
                    kv.put(jk.name(), value(cell, jk, where));
                }
                key = EntityKey.of(kv);
            }
            Instant eventTime = time(frame.cell(source.timestampField(), r), where(field, frame, source.timestampField(), r), false);
            Instant createdTime = created == null ? null : time(frame.cell(created, r), where(field, frame, created, r), true);
            Map<String, Value> values = new LinkedHashMap<>();
            for (Field f : view.features()) values.put(f.name(), value(frame.cell(f.name(), r), f, where(field, frame, f.name(), r)));
            rows.add(new FeatureRow(key, values, eventTime, createdTime));
        }
        return rows;
    }

    /** Columns of the frame that no view among {@code defs} reads. */
    static List<String> ignoredColumns(Frame frame, List<FeatureViewDefinition> defs) {
        List<String> ignored = new ArrayList<>();
        for (String c : names(frame.columns())) {
            boolean used = defs.stream().anyMatch(d -> d.view().joinKeyNames().contains(c) || d.view().feature(c).isPresent()
                    || c.equals(d.source().timestampField()) || c.equals(d.source().createdTimestampColumn()));
            if (!used) ignored.add(c);
        }
        return ignored;
    }

    private static Value value(JsonNode cell, Field f, String where) {
        try {
            return JsonValues.read(cell, f.type(), where);
        } catch (LarderException e) {
            throw ApiException.badRequest("invalid value", e.getMessage());
        }
    }

    private static Instant time(JsonNode cell, String where, boolean nullable) {
        if (cell == null || cell.isNull()) {
            if (nullable) return null;
            throw ApiException.badRequest("invalid value", where + ": the event timestamp cannot be null");
        }
        try {
            if (cell.isTextual()) return Dates.parseTimestamp(where, cell.textValue());
            if (cell.isIntegralNumber() && cell.canConvertToLong()) return Instant.ofEpochSecond(cell.longValue());
        } catch (LarderException e) {
            throw ApiException.badRequest("invalid value", e.getMessage());
        }
        throw ApiException.badRequest("invalid value", where + ": " + JsonBody.shown(cell) + " is not a timestamp; use text such as "
                + Dates.ACCEPTED_TIMESTAMPS + ", or whole epoch seconds");
    }

    private static String where(String field, Frame frame, String column, int row) {
        return frame.columns().get(column).isArray() ? field + "." + column + "[" + row + "]" : field + "." + column;
    }

    private static List<String> names(ObjectNode columns) {
        List<String> out = new ArrayList<>();
        columns.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
