package dev.larder.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.spi.Value;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Feast's feature-server response as JSON, the one encoding that {@code larder get --output json}
 * and {@code larder serve} share: {@code {"metadata":{"feature_names":[…]},"results":[{"values":[…],
 * "statuses":[…],"event_timestamps":[…]}, …]}}, one result per column (join keys first).
 * Values: numbers and booleans as JSON numbers and booleans, bytes as base64, UNIX_TIMESTAMP as
 * RFC 3339 UTC text, lists as arrays, null (and withheld values) as {@code null}. A missing event
 * time is Feast's zero timestamp, {@code 1970-01-01T00:00:00Z}.
 *
 * <p>FLOAT and DOUBLE values that JSON has no number for (NaN, +∞, −∞) are written as the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}: protobuf's JSON mapping of Feast's
 * Value message, which keeps the response valid JSON and the value recoverable. (Feast 0.66's
 * feature server has no encoding for them: Starlette's JSONResponse refuses non-finite floats,
 * so such a request fails with 500.) Finite values are always JSON numbers. Requests may carry
 * these strings, or the bare tokens {@code NaN}, {@code Infinity}, {@code -Infinity} that
 * Python's {@code json.dumps} writes and Feast's server reads: {@link #JSON} accepts them.
 */
public final class FeastJson {
    /** A shared, configured mapper (thread-safe); it reads the bare NaN and Infinity tokens Python writes. */
    public static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final JsonFactory FACTORY = JSON.getFactory();
    /** Each status's name, encoded once (a response carries one per cell). */
    private static final SerializedString[] STATUS_NAMES = java.util.Arrays.stream(FieldStatus.values())
            .map(s -> new SerializedString(s.name())).toArray(SerializedString[]::new);

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
        // Every feature of a view repeats its row's event time: each distinct time is formatted once (formatting was
        // 40% of the server's CPU on 100 rows x 50 features).
        Map<Instant, String> timestamps = new HashMap<>();
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
                for (int i = 0; i < r.rowCount(); i++) g.writeString(STATUS_NAMES[c.statuses().get(i).ordinal()]);
                g.writeEndArray();
                g.writeArrayFieldStart("event_timestamps");
                for (int i = 0; i < r.rowCount(); i++) {
                    Instant t = c.eventTimes().get(i);
                    g.writeString(timestamps.computeIfAbsent(t == null ? Instant.EPOCH : t, Instant::toString));
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
            case DOUBLE -> writeDouble(g, v.asDouble());
            case FLOAT -> writeFloat(g, v.asFloat());
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
                for (double x : v.asDoubleList()) writeDouble(g, x);
                g.writeEndArray();
            }
            case FLOAT_LIST -> {
                g.writeStartArray();
                for (float x : v.asFloatList()) writeFloat(g, x);
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

    private static void writeDouble(JsonGenerator g, double x) throws IOException {
        if (Double.isFinite(x)) g.writeNumber(x);
        else g.writeString(nonFiniteName(x));
    }

    private static void writeFloat(JsonGenerator g, float x) throws IOException {
        if (Float.isFinite(x)) g.writeNumber(x);
        else g.writeString(nonFiniteName(x));
    }

    private static String nonFiniteName(double x) {
        return Double.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
    }

    /** The value of {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"} (exactly these), or null for any other text. */
    public static Double nonFinite(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> null;
        };
    }
}
