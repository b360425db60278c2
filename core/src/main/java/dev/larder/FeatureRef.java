package dev.larder;

/** A {@code view:feature} reference. */
public record FeatureRef(String view, String feature) {

    /** References seen before, parsed once: a service asks for the same ones on every request (a bound keeps odd callers from growing it). */
    private static final java.util.concurrent.ConcurrentHashMap<String, FeatureRef> PARSED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int PARSED_MAX = 10_000;

    public static FeatureRef parse(String ref) {
        FeatureRef known = ref == null ? null : PARSED.get(ref);
        if (known != null) return known;
        FeatureRef parsed = parseNew(ref);
        if (PARSED.size() >= PARSED_MAX) PARSED.clear();
        PARSED.put(ref, parsed);
        return parsed;
    }

    private static FeatureRef parseNew(String ref) {
        int colon = ref == null ? -1 : ref.indexOf(':');
        if (colon <= 0 || colon == ref.length() - 1 || ref.indexOf(':', colon + 1) >= 0) {
            throw new LarderException("Feature reference '" + ref + "' must have the form view:feature, e.g. driver_hourly_stats:conv_rate");
        }
        return new FeatureRef(ref.substring(0, colon).trim(), ref.substring(colon + 1).trim());
    }

    /** Feast's full feature name, {@code view__feature}. */
    public String fullName() {
        return view + "__" + feature;
    }

    @Override
    public String toString() {
        return view + ":" + feature;
    }
}
