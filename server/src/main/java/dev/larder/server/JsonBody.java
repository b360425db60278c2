package dev.larder.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.json.FeastJson;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON request body: an object whose fields are read with their types checked, each mistake
 * answered with 400 naming the field, the value and what is expected. Fields the endpoint does
 * not know are refused (a misspelt {@code full_feature_name} would otherwise be ignored silently).
 */
final class JsonBody {
    private final ObjectNode root;

    private JsonBody(ObjectNode root) {
        this.root = root;
    }

    /**
     * @param allowed every field the endpoint takes, including Feast's fields that Larder accepts and does not need
     */
    static JsonBody parse(String endpoint, byte[] body, Set<String> allowed) {
        JsonNode node;
        try {
            node = FeastJson.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON", "The body of " + endpoint + " is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("malformed JSON", "The body of " + endpoint + " cannot be read: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw ApiException.badRequest("empty body", "The body of " + endpoint + " is empty; send a JSON object");
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("malformed JSON", "The body of " + endpoint + " must be a JSON object, not " + kind(node));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiException.badRequest("unknown field", "'" + f + "' is not a field of " + endpoint + "; its fields: " + new TreeSet<>(allowed));
            }
        }
        return new JsonBody((ObjectNode) node);
    }

    JsonNode get(String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n;
    }

    JsonNode required(String field, String example) {
        JsonNode n = get(field);
        if (n == null) throw ApiException.badRequest("missing field", "'" + field + "' is required, e.g. \"" + field + "\": " + example);
        return n;
    }

    String string(String field, String dflt) {
        JsonNode n = get(field);
        if (n == null) return dflt;
        if (!n.isTextual()) throw wrongType(field, n, "a string");
        return n.textValue();
    }

    String requiredString(String field, String example) {
        JsonNode n = required(field, "\"" + example + "\"");
        if (!n.isTextual()) throw wrongType(field, n, "a string such as \"" + example + "\"");
        return n.textValue();
    }

    boolean bool(String field, boolean dflt) {
        JsonNode n = get(field);
        if (n == null) return dflt;
        if (!n.isBoolean()) throw wrongType(field, n, "true or false");
        return n.booleanValue();
    }

    /** A list of strings, or null when absent. */
    List<String> strings(String field) {
        JsonNode n = get(field);
        if (n == null) return null;
        if (!n.isArray()) throw wrongType(field, n, "a list of strings");
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            if (!item.isTextual()) throw wrongType(field + "[" + i + "]", item, "a string");
            out.add(item.textValue());
        }
        return out;
    }

    ObjectNode requiredObject(String field, String example) {
        JsonNode n = required(field, example);
        if (!n.isObject()) throw wrongType(field, n, "an object such as " + example);
        return (ObjectNode) n;
    }

    static ApiException wrongType(String field, JsonNode value, String expected) {
        return ApiException.badRequest("wrong type", "'" + field + "' must be " + expected + "; got " + shown(value) + " (" + kind(value) + ")");
    }

    static String shown(JsonNode value) {
        String s = value.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    static String kind(JsonNode n) {
        if (n.isArray()) return "a list";
        if (n.isObject()) return "an object";
        if (n.isTextual()) return "a string";
        if (n.isNumber()) return "a number";
        if (n.isBoolean()) return "a boolean";
        return "null";
    }
}
