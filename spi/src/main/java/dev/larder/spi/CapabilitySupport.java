package dev.larder.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What a backend needs to have a capability: nothing ({@link #always()}), or an option set a
 * certain way ({@link #withOption}), e.g. Redis deletes expired data only with
 * {@code key_ttl_seconds}. {@code larder stores} prints it; the created store's
 * {@link OnlineStore#capabilities()} says whether its options meet it.
 */
public final class CapabilitySupport {
    private static final CapabilitySupport ALWAYS = new CapabilitySupport(null, null);

    private final String option;
    private final String condition;

    private CapabilitySupport(String option, String condition) {
        this.option = option;
        this.condition = condition;
    }

    /** Every store of the backend has it, whatever its options. */
    public static CapabilitySupport always() {
        return ALWAYS;
    }

    /**
     * The store has it when an option is set as {@code condition} says.
     *
     * @param option    the option's key under {@code online_store:}
     * @param condition how it must be set, for people ("set", "true", "&gt; 0")
     */
    public static CapabilitySupport withOption(String option, String condition) {
        return new CapabilitySupport(Objects.requireNonNull(option), Objects.requireNonNull(condition));
    }

    /** The option it depends on; empty when always supported. */
    public Optional<String> option() {
        return Optional.ofNullable(option);
    }

    public boolean isConditional() {
        return option != null;
    }

    /** "yes", or "with `key_ttl_seconds` set". */
    @Override
    public String toString() {
        return option == null ? "yes" : "with `" + option + "` " + condition;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapabilitySupport
                && Objects.equals(option, ((CapabilitySupport) o).option)
                && Objects.equals(condition, ((CapabilitySupport) o).condition);
    }

    @Override
    public int hashCode() {
        return Objects.hash(option, condition);
    }
}
