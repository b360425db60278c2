package dev.larder.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.larder.OnlineResponse;
import dev.larder.spi.Value;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Feast's feature-server response as JSON, the one encoding that {@code larder get --output json}
 * and {@code larder serve} share: {@code {"metadata":{"feature_names":[…]},"results":[{"values":[…],
 * "statuses":[…],"event_timestamps":[…]}, …]}}, one result per column (join keys first).
 * Values: numbers and booleans as JSON numbers and booleans, bytes as base64, UNIX_TIMESTAMP as
 * RFC 3339 UTC text, lists as arrays, null (and withheld values) as {@code null}. A missing event
 * time is Feast's zero timestamp, {@code 1970-01-01T00:00:00Z}.
 */
public final class FeastJson {
    /** A shared, configured mapper (thread-safe). */
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private FeastJson() {
    }

    public static String render(OnlineResponse r) {
        return new String(toBytes(r), StandardCharsets.UTF_8);
    }

    public static byte[] toBytes(OnlineResponse r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 64 * r.rowCount() * r.columns().size());
        write(r, out);
        return out.toByteArray();
    }

    public static void write(OnlineResponse r, OutputStream out) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("metadata");
            g.writeArrayFieldStart("feature_names");
            for (OnlineResponse.Column c : r.columns()) g.writeString(c.name());
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("results");
            for (OnlineResponse.Column c : r.columns()) {
                g.writeStartObject();
                g.writeArrayFieldStart("values");
                for (int i = 0; i < r.rowCount(); i++) writeValue(g, c.values().get(i));
                g.writeEndArray();
                g.writeArrayFieldStart("statuses");
                for (int i = 0; i < r.rowCount(); i++) g.writeString(c.statuses().get(i).name());
                g.writeEndArray();
                g.writeArrayFieldStart("event_timestamps");
                for (int i = 0; i < r.rowCount(); i++) {
                    Instant t = c.eventTimes().get(i);
                    g.writeString((t == null ? Instant.EPOCH : t).toString());
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One value in the encoding above; {@code null} (no value) is written as JSON null. */
    public static void writeValue(JsonGenerator g, Value v) throws IOException {
        if (v == null || v.isNull()) {
            g.writeNull();
            return;
        }
        switch (v.type()) {
            case BYTES -> g.writeString(Base64.getEncoder().encodeToString(v.asBytes()));
            case STRING -> g.writeString(v.asString());
            case INT32 -> g.writeNumber(v.asInt32());
            case INT64 -> g.writeNumber(v.asInt64());
            case DOUBLE -> g.writeNumber(v.asDouble());
            case FLOAT -> g.writeNumber(v.asFloat());
            case BOOL -> g.writeBoolean(v.asBool());
            case UNIX_TIMESTAMP -> g.writeString(Instant.ofEpochSecond(v.asUnixTimestamp()).toString());
            case BYTES_LIST -> {
                g.writeStartArray();
                for (byte[] b : v.asBytesList()) g.writeString(Base64.getEncoder().encodeToString(b));
                g.writeEndArray();
            }
            case STRING_LIST -> {
                List<String> list = v.asStringList();
                g.writeStartArray();
                for (String s : list) g.writeString(s);
                g.writeEndArray();
            }
            case INT32_LIST -> {
                g.writeStartArray();
                for (int x : v.asInt32List()) g.writeNumber(x);
                g.writeEndArray();
            }
            case INT64_LIST -> {
                g.writeStartArray();
                for (long x : v.asInt64List()) g.writeNumber(x);
                g.writeEndArray();
            }
            case DOUBLE_LIST -> {
                g.writeStartArray();
                for (double x : v.asDoubleList()) g.writeNumber(x);
                g.writeEndArray();
            }
            case FLOAT_LIST -> {
                g.writeStartArray();
                for (float x : v.asFloatList()) g.writeNumber(x);
                g.writeEndArray();
            }
            case BOOL_LIST -> {
                g.writeStartArray();
                for (boolean x : v.asBoolList()) g.writeBoolean(x);
                g.writeEndArray();
            }
            case UNIX_TIMESTAMP_LIST -> {
                g.writeStartArray();
                for (long x : v.asUnixTimestampList()) g.writeString(Instant.ofEpochSecond(x).toString());
                g.writeEndArray();
            }
            default -> throw new IllegalStateException("No JSON encoding for a " + v.type() + " value");
        }
    }
}
