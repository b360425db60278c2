package dev.larder;

/**
 * The rows of Feast's functionality matrix that belong to Larder rather than to a backend: the
 * same for every online store, so they are not {@link dev.larder.spi.Capability capabilities}.
 * {@code larder stores} prints them beside the stores' own rows.
 */
public enum LarderFeatures {
    TTL_AT_RETRIEVAL("ttl applied at retrieval", true, "the facade marks values older than the view's ttl OUTSIDE_MAX_AGE"),
    READABLE_FROM_JAVA("readable by the Java feature server", true, "every store is read through the Java facade and `larder serve`"),
    ON_DEMAND_TRANSFORMS("support on-demand transforms", false, "on-demand feature views load from a Feast registry but cannot be served"),
    COLLOCATED_BY_FEATURE_SERVICE("collocated by feature service", false, "stores lay data out by view or entity key, as Feast's do");

    private final String description;
    private final boolean supported;
    private final String note;

    LarderFeatures(String description, boolean supported, String note) {
        this.description = description;
        this.supported = supported;
        this.note = note;
    }

    public String description() {
        return description;
    }

    /** Whether Larder provides it, for every backend. */
    public boolean supported() {
        return supported;
    }

    /** Why, in one line. */
    public String note() {
        return note;
    }
}
