package dev.larder.cli;

import dev.larder.LarderException;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Dates on the command line: RFC 3339 / ISO-8601 with a zone, a naive date-time or a date (both UTC), or {@code now}. */
final class Dates {
    static final String ACCEPTED = "2024-01-31, 2024-01-31T10:00:00 (UTC), 2024-01-31T10:00:00Z, 2024-01-31T10:00:00+02:00 or now";

    private Dates() {
    }

    static Instant parse(String what, String text, Clock clock) {
        String s = text.trim();
        if (s.equalsIgnoreCase("now")) return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new LarderException(what + " '" + text + "' is not a date; use " + ACCEPTED);
        }
    }
}
