package dev.larder;

import dev.larder.spi.Value;

import java.util.List;

/**
 * Strings a store can keep as given. Stores encode text as UTF-8, which cannot represent a lone
 * UTF-16 surrogate (Java's encoder writes {@code ?} in its place, so x, U+D800, y would be
 * stored as {@code x?y} and, as a join key, would read or overwrite entity {@code x?y}). Such a
 * string is refused before anything is written or read.
 */
public final class WellFormedStrings {
    private static final int SHOWN = 40;

    private WellFormedStrings() {
    }

    /** The index of the first lone surrogate in {@code s}, or -1 when it is well-formed UTF-16. */
    public static int loneSurrogateAt(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Why a STRING or STRING_LIST value cannot be stored as given, or null when it can (any other type: null). */
    public static String problem(Value v) {
        if (v == null || v.isNull()) return null;
        switch (v.type()) {
            case STRING:
                return problem(v.asString());
            case STRING_LIST: {
                List<String> list = v.asStringList();
                for (int i = 0; i < list.size(); i++) {
                    String p = problem(list.get(i));
                    if (p != null) return "element [" + i + "]: " + p;
                }
                return null;
            }
            default:
                return null;
        }
    }

    /** Why {@code s} cannot be stored as given, or null when it can. */
    public static String problem(String s) {
        int at = loneSurrogateAt(s);
        if (at < 0) return null;
        return "the string \"" + escaped(s) + "\" holds a lone UTF-16 surrogate (\\u" + String.format("%04X", (int) s.charAt(at))
                + " at index " + at + "), which UTF-8 cannot encode (it would be stored as '?'); send well-formed Unicode";
    }

    /** The string with surrogates and control characters escaped, cut to a readable length. */
    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < SHOWN; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c) || c < 0x20) b.append(String.format("\\u%04X", (int) c));
            else b.append(c);
        }
        if (s.length() > SHOWN) b.append("...");
        return b.toString();
    }
}
