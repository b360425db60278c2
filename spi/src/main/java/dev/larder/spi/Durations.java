package dev.larder.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations users write in YAML: {@code 90s}, {@code 15m}, {@code 36h}, {@code 1d}, {@code 500ms}, ISO-8601 ({@code PT1H}), or plain seconds. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

    public static final String ACCEPTED = "a number of seconds, 500ms, 90s, 15m, 36h, 1d, 2w or ISO-8601 such as PT1H";

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the text and the accepted forms */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        Matcher m = SHORT.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                case "d": return Duration.ofDays(n);
                default: return Duration.ofDays(7 * n);
            }
        }
        try {
            Duration d = Duration.parse(s.startsWith("P") || s.startsWith("p") ? s : "x");
            if (d.isNegative()) throw new DateTimeParseException("negative", s, 0);
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; use " + ACCEPTED);
        }
    }

    /** Renders a duration the short way it is written in YAML, e.g. {@code 1d}, {@code 90s}. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() != 0) return d.toMillis() + "ms";
        if (s == 0) return "0s";
        if (s % 86400 == 0) return (s / 86400) + "d";
        if (s % 3600 == 0) return (s / 3600) + "h";
        if (s % 60 == 0) return (s / 60) + "m";
        return s + "s";
    }
}
