package dev.larder.spi.codec;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The timestamp encodings of Feast's stores: {@code google.protobuf.Timestamp} (Redis), Python's
 * {@code str()} of an aware UTC datetime (DynamoDB), {@code isoformat()} (Bigtable), and the naive
 * UTC text of Python's sqlite3 adapter (SQLite). Python datetimes carry microseconds, so the text
 * forms truncate to microseconds.
 */
public final class Timestamps {
    private static final DateTimeFormatter SECONDS_SPACE = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    private static final DateTimeFormatter SECONDS_T = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private Timestamps() {
    }

    /** {@code google.protobuf.Timestamp}: seconds = 1 (int64), nanos = 2 (int32), zero fields omitted. */
    public static byte[] encodeProto(Instant t) {
        ProtoWriter w = new ProtoWriter(12);
        if (t.getEpochSecond() != 0) {
            w.tag(1, ProtoReader.VARINT);
            w.varint(t.getEpochSecond());
        }
        if (t.getNano() != 0) {
            w.tag(2, ProtoReader.VARINT);
            w.varint(t.getNano());
        }
        return w.toByteArray();
    }

    public static Instant decodeProto(byte[] bytes) {
        ProtoReader r = new ProtoReader(bytes, 0, bytes.length, "protobuf Timestamp");
        long seconds = 0;
        int nanos = 0;
        while (r.hasMore()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3);
            if ((tag & 7) != ProtoReader.VARINT) throw r.malformed("field " + field + " is not a varint");
            if (field == 1) seconds = r.varint();
            else if (field == 2) nanos = (int) r.varint();
            else throw new CodecException("Unknown field number " + field + " in a protobuf Timestamp");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** Python {@code str(datetime)} of an aware UTC time: {@code 2024-01-01 00:00:00+00:00}, {@code .ffffff} when non-zero. */
    public static String pythonStr(Instant t) {
        return pythonText(t, SECONDS_SPACE) + "+00:00";
    }

    /** Python {@code datetime.isoformat()} of an aware UTC time: {@code 2024-01-01T00:00:00+00:00}. */
    public static String pythonIso(Instant t) {
        return pythonText(t, SECONDS_T) + "+00:00";
    }

    /** Python's sqlite3 adapter for a naive UTC datetime: {@code 2026-03-04 05:06:07.250000}. */
    public static String sqliteText(Instant t) {
        return pythonText(t, SECONDS_SPACE);
    }

    private static String pythonText(Instant t, DateTimeFormatter f) {
        Instant micros = t.truncatedTo(ChronoUnit.MICROS);
        String s = f.format(LocalDateTime.ofInstant(micros, ZoneOffset.UTC));
        int us = micros.getNano() / 1000;
        if (us != 0) {
            s += String.format(".%06d", us);
        }
        return s;
    }

    /**
     * Reads any of the text forms above (space or T, optional fraction, optional offset; a naive
     * time is UTC).
     */
    public static Instant parsePython(String text) {
        Instant fast = parseFast(text);
        if (fast != null) {
            return fast;
        }
        String s = text.trim().replace(' ', 'T');
        try {
            if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(s).toInstant();
            }
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new CodecException("Not a Feast timestamp: '" + text + "'");
        }
    }

    /**
     * The common forms {@code YYYY-MM-DD?HH:MM:SS[.ffffff][+00:00]} without allocation-heavy
     * parsing: this runs once per stored row on the read path. Null when the text has another form.
     */
    private static Instant parseFast(String s) {
        int n = s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') return null;
        char sep = s.charAt(10);
        if (sep != ' ' && sep != 'T') return null;
        int end = n;
        if (s.endsWith("+00:00")) end = n - 6;
        else if (s.endsWith("Z")) end = n - 1;
        int year = digits(s, 0, 4), month = digits(s, 5, 7), day = digits(s, 8, 10);
        int hour = digits(s, 11, 13), minute = digits(s, 14, 16), second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) return null;
        int nanos = 0;
        if (end > 19) {
            if (s.charAt(19) != '.' || end - 20 > 9 || end == 20) return null;
            int frac = digits(s, 20, end);
            if (frac < 0) return null;
            nanos = frac;
            for (int i = end - 20; i < 9; i++) nanos *= 10;
        }
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86400 + hour * 3600L + minute * 60L + second, nanos);
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Microseconds since the epoch (Cassandra write timestamps, Bigtable cell timestamps). */
    public static long toMicros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    public static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }
}
