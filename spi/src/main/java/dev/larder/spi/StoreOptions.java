package dev.larder.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A typed, read-only view of the {@code online_store:} options of {@code feature_store.yaml}.
 *
 * <p>A backend's config class reads every option it knows through the typed getters, which fall
 * back to documented defaults and collect problems instead of throwing, then calls
 * {@link #validate()}: it throws one {@link ConfigException} listing every problem at once, an
 * unknown key among them (the keys the config read are the valid ones). Messages name the file,
 * the YAML path and the value, except for secrets, whose values are never shown.
 */
public final class StoreOptions {
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "token", "credential", "private_key", "access_key", "connection_string");

    private final String source;
    private final String path;
    private final String storeType;
    private final String owner;
    private final Map<String, Object> raw;
    private final Set<String> known = new LinkedHashSet<>();
    private final List<String> problems;
    private final Set<String> sensitive;

    private StoreOptions(String source, String path, String storeType, String owner, Map<String, ?> raw, List<String> problems) {
        this(source, path, storeType, owner, raw, problems, Set.of());
    }

    private StoreOptions(String source, String path, String storeType, String owner, Map<String, ?> raw, List<String> problems,
                         Set<String> sensitive) {
        this.source = source;
        this.path = path;
        this.storeType = storeType;
        this.owner = owner;
        this.raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
        this.problems = problems;
        this.sensitive = Set.copyOf(sensitive);
    }

    /**
     * A copy that also treats these keys as secrets (a provider's
     * {@link OnlineStoreProvider#sensitiveOptions()}): their values never appear in a message.
     */
    public StoreOptions withSensitive(Set<String> keys) {
        Set<String> all = new java.util.HashSet<>(sensitive);
        all.addAll(keys);
        return new StoreOptions(source, path, storeType, owner, raw, new ArrayList<>(), all);
    }

    /** Whether a key's value is a secret: declared sensitive, or named like one (password, token, …). */
    public boolean isSensitive(String key) {
        return sensitive.contains(key) || isSecretKey(key);
    }

    /**
     * @param source    where the options come from, for messages (e.g. the feature_store.yaml path)
     * @param storeType the selected {@code type}
     * @param raw       the options under {@code online_store:} as parsed YAML (maps, lists, scalars); {@code type} is ignored
     */
    public static StoreOptions of(String source, String storeType, Map<String, ?> raw) {
        Map<String, Object> copy = new LinkedHashMap<>(raw);
        copy.remove("type");
        return new StoreOptions(source, "online_store", storeType, "the " + storeType + " store", copy, new ArrayList<>());
    }

    /**
     * Options of another section of a YAML file read the same way, e.g. {@code materialization:}.
     *
     * @param path  the section's YAML path, used in messages
     * @param owner what the options configure, for messages ("materialization")
     */
    public static StoreOptions ofSection(String source, String path, String owner, Map<String, ?> raw) {
        return new StoreOptions(source, path, owner, owner, raw, new ArrayList<>());
    }

    /** Options from code (tests, in-memory definitions). */
    public static StoreOptions of(String storeType, Map<String, ?> raw) {
        return of("in-memory configuration", storeType, raw);
    }

    public String storeType() {
        return storeType;
    }

    /** The options as given, for passing on (e.g. to create a second store). Secrets included: do not log. */
    public Map<String, Object> raw() {
        return raw;
    }

    /** A copy with some options replaced or added. */
    public StoreOptions with(Map<String, ?> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(raw);
        merged.putAll(overrides);
        return new StoreOptions(source, path, storeType, owner, merged, new ArrayList<>(), sensitive);
    }

    // ----------------------------------------------------------------------------- typed getters

    public Optional<String> string(String key) {
        Object v = get(key);
        if (v == null) return Optional.empty();
        if (v instanceof Map || v instanceof List) {
            problem(key, v, "expected a text value");
            return Optional.empty();
        }
        return Optional.of(String.valueOf(v));
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    /** A required text value; a missing one is a problem (and {@code null} is returned). */
    public String requiredString(String key) {
        Optional<String> v = string(key);
        if (v.isEmpty() && !raw.containsKey(key)) {
            problems.add(prefix(key) + "is required for " + owner);
        }
        return v.orElse(null);
    }

    /** One of the allowed values, compared case-insensitively; returned as written in {@code allowed}. */
    public String choice(String key, String defaultValue, String... allowed) {
        Optional<String> v = string(key);
        if (v.isEmpty()) return defaultValue;
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v.get().trim())) return a;
        }
        problem(key, v.get(), "expected one of " + Arrays.toString(allowed));
        return defaultValue;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        Object v = get(key);
        if (v == null) return defaultValue;
        long n;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof java.math.BigInteger) {
            try {
                n = v instanceof java.math.BigInteger ? ((java.math.BigInteger) v).longValueExact() : ((Number) v).longValue();
            } catch (ArithmeticException e) {
                problem(key, v, "out of range (allowed: " + min + " to " + max + ")");
                return defaultValue;
            }
        } else if (v instanceof String && ((String) v).trim().matches("-?\\d+")) {
            n = Long.parseLong(((String) v).trim());
        } else {
            problem(key, v, "expected a whole number from " + min + " to " + max);
            return defaultValue;
        }
        if (n < min || n > max) {
            problem(key, v, "out of range (allowed: " + min + " to " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "any larger number" : max) + ")");
            return defaultValue;
        }
        return n;
    }

    public boolean bool(String key, boolean defaultValue) {
        Object v = get(key);
        if (v == null) return defaultValue;
        if (v instanceof Boolean) return (Boolean) v;
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        problem(key, v, "expected true or false");
        return defaultValue;
    }

    public Duration duration(String key, Duration defaultValue) {
        Object v = get(key);
        if (v == null) return defaultValue;
        if (v instanceof Number) {
            double seconds = ((Number) v).doubleValue();
            if (seconds < 0) {
                problem(key, v, "expected a non-negative duration: " + Durations.ACCEPTED);
                return defaultValue;
            }
            return Duration.ofNanos((long) (seconds * 1_000_000_000L));
        }
        try {
            return Durations.parse(String.valueOf(v));
        } catch (IllegalArgumentException e) {
            problem(key, v, "expected a duration: " + Durations.ACCEPTED);
            return defaultValue;
        }
    }

    /** A list of text values; a single comma-separated string is accepted too. */
    public List<String> stringList(String key, List<String> defaultValue) {
        Object v = get(key);
        if (v == null) return defaultValue;
        List<String> out = new ArrayList<>();
        if (v instanceof List) {
            for (Object o : (List<?>) v) {
                if (o == null || o instanceof Map || o instanceof List) {
                    problem(key, v, "expected a list of text values");
                    return defaultValue;
                }
                out.add(String.valueOf(o).trim());
            }
        } else if (v instanceof Map) {
            problem(key, v, "expected a list of text values");
            return defaultValue;
        } else {
            for (String part : String.valueOf(v).split(",")) {
                if (!part.isBlank()) out.add(part.trim());
            }
        }
        return List.copyOf(out);
    }

    /** A map of text to text (e.g. tags). */
    public Map<String, String> stringMap(String key) {
        Object v = get(key);
        if (v == null) return Map.of();
        if (!(v instanceof Map)) {
            problem(key, v, "expected a map of names to values");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            out.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    /** A secret; its value never appears in a message. */
    public Optional<Secret> secret(String key) {
        known.add(key);
        Object v = raw.get(key);
        if (v == null) return Optional.empty();
        if (v instanceof Map || v instanceof List) {
            problems.add(prefix(key) + "expected a text value (value hidden)");
            return Optional.empty();
        }
        return Optional.of(new Secret(String.valueOf(v)));
    }

    /**
     * A nested section such as {@code load_balancing: {local_dc: ...}}: its options are read the
     * same way, and its problems are reported with this object's. An absent section reads as empty.
     */
    public StoreOptions section(String key) {
        Object v = get(key);
        Map<String, ?> map = Map.of();
        if (v instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<String, ?> m = (Map<String, ?>) v;
            map = m;
        } else if (v != null) {
            problem(key, v, "expected a map of options");
        }
        StoreOptions child = new StoreOptions(source, path + "." + key, storeType, owner, map, problems, sensitive);
        sections.add(child);
        return child;
    }

    private final List<StoreOptions> sections = new ArrayList<>();

    /** Whether the user set this option at all. */
    public boolean isSet(String key) {
        known.add(key);
        return raw.containsKey(key) && raw.get(key) != null;
    }

    // ----------------------------------------------------------------------------- problems

    /** Records a problem found by the backend's own checks (e.g. two options that conflict). */
    public void problem(String key, String message) {
        problems.add(prefix(key) + message);
    }

    /**
     * Throws a {@link ConfigException} listing every problem, including unknown keys, if there
     * are any. Call after reading every option.
     */
    public void validate() {
        List<String> all = new ArrayList<>(problems);
        addUnknown(all);
        if (!all.isEmpty()) {
            throw new ConfigException(all);
        }
    }

    private void addUnknown(List<String> out) {
        for (String key : raw.keySet()) {
            if (!known.contains(key)) {
                out.add(prefix(key) + "unknown option for " + owner + "; valid options: " + new TreeSet<>(known));
            }
        }
        for (StoreOptions s : sections) {
            s.addUnknown(out);
        }
    }

    private Object get(String key) {
        known.add(key);
        return raw.get(key);
    }

    private String prefix(String key) {
        return source + ": " + path + "." + key + ": ";
    }

    private void problem(String key, Object value, String expected) {
        String shown = isSensitive(key) ? "(value hidden)" : "'" + value + "'";
        problems.add(prefix(key) + shown + " is not valid; " + expected);
    }

    static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String w : SECRET_WORDS) {
            if (k.contains(w)) return true;
        }
        return false;
    }

    /** Shows keys only; values may hold secrets. */
    @Override
    public String toString() {
        return "StoreOptions{" + path + " type=" + storeType + ", keys=" + raw.keySet() + "}";
    }
}
