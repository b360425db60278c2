package dev.larder.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.spi.Value;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Feast's feature-server response: {@code {"metadata":{"feature_names":[…]},"results":[{"values":[…],
 * "statuses":[…],"event_timestamps":[…]}, …]}}, one result per column (join keys first). Bytes are
 * base64, timestamps RFC 3339 UTC; a missing event time is Feast's zero timestamp, 1970-01-01T00:00:00Z.
 */
final class FeastJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private FeastJson() {
    }

    static String render(OnlineResponse r) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode names = root.putObject("metadata").putArray("feature_names");
        r.featureNames().forEach(names::add);
        ArrayNode results = root.putArray("results");
        for (OnlineResponse.Column c : r.columns()) {
            ObjectNode col = results.addObject();
            ArrayNode values = col.putArray("values");
            ArrayNode statuses = col.putArray("statuses");
            ArrayNode times = col.putArray("event_timestamps");
            for (int i = 0; i < r.rowCount(); i++) {
                addValue(values, c.values().get(i));
                statuses.add(c.statuses().get(i).name());
                Instant t = c.eventTimes().get(i);
                times.add((t == null ? Instant.EPOCH : t).toString());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void addValue(ArrayNode out, Value v) {
        if (v == null || v.isNull()) {
            out.addNull();
            return;
        }
        Object o = v.toJava();
        if (o instanceof List) {
            ArrayNode a = out.addArray();
            for (Object x : (List<?>) o) addJava(a, x);
        } else {
            addJava(out, o);
        }
    }

    private static void addJava(ArrayNode out, Object o) {
        if (o == null) out.addNull();
        else if (o instanceof Integer) out.add((Integer) o);
        else if (o instanceof Long) out.add((Long) o);
        else if (o instanceof Float) out.add((Float) o);
        else if (o instanceof Double) out.add((Double) o);
        else if (o instanceof Boolean) out.add((Boolean) o);
        else if (o instanceof byte[]) out.add(Base64.getEncoder().encodeToString((byte[]) o));
        else if (o instanceof Instant) out.add(o.toString());
        else out.add(String.valueOf(o));
    }

    /** A cell of the table output: the value, or the status when there is none. */
    static String cell(Value v, FieldStatus status) {
        if (status == FieldStatus.NOT_FOUND || status == FieldStatus.OUTSIDE_MAX_AGE) return "(" + status + ")";
        if (v == null || v.isNull()) return "null";
        Object o = v.toJava();
        if (o instanceof byte[]) return "base64:" + Base64.getEncoder().encodeToString((byte[]) o);
        return String.valueOf(o);
    }
}
