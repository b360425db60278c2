package dev.larder;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Points in time as people and Feast's clients write them: RFC 3339 / ISO-8601 with a zone, a
 * naive date-time or a date (both UTC, as Feast's {@code make_tzaware} takes them), with a
 * {@code T} or a space between date and time ({@code str(datetime)} in Python), or {@code now}.
 */
public final class Dates {
    /** The forms of a timestamp in data. */
    public static final String ACCEPTED_TIMESTAMPS = "2024-01-31, 2024-01-31T10:00:00 or 2024-01-31 10:00:00 (UTC), 2024-01-31T10:00:00Z, 2024-01-31T10:00:00+02:00";
    /** The forms on a command line: those, or {@code now}. */
    public static final String ACCEPTED = ACCEPTED_TIMESTAMPS + " or now";

    /** Offsets as Python prints them ({@code +00:00}) and as ISO's basic form has them ({@code +0000}). */
    private static final DateTimeFormatter WITH_OFFSET = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private Dates() {
    }

    /**
     * @param what  what the text is, for the message (e.g. {@code START}, {@code end_ts})
     * @param clock the clock {@code now} reads
     * @throws LarderException naming {@code what}, the text and the accepted forms
     */
    public static Instant parse(String what, String text, Clock clock) {
        String s = text.trim();
        if (s.equalsIgnoreCase("now")) return clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant t = parseOrNull(s);
        if (t == null) throw new LarderException(what + " '" + text + "' is not a date; use " + ACCEPTED);
        return t;
    }

    /** Like {@link #parse} without {@code now}: for timestamps carried in data. */
    public static Instant parseTimestamp(String what, String text) {
        Instant t = parseOrNull(text.trim());
        if (t == null) throw new LarderException(what + " '" + text + "' is not a timestamp; use " + ACCEPTED_TIMESTAMPS);
        return t;
    }

    private static Instant parseOrNull(String s) {
        String t = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        try {
            return OffsetDateTime.parse(t, WITH_OFFSET).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
