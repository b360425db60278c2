package dev.larder.definitions;

import dev.larder.spi.FeatureView;

import java.util.Objects;
import java.util.Optional;

/**
 * A feature view as {@code features.yaml} defines it: what the online store needs, plus where its data comes from.
 *
 * @param view       the view
 * @param source     the offline file it is materialized from (a push source's batch source when it has one)
 * @param pushSource the push source whose pushed rows it takes (Feast's {@code PushSource} name); null for none
 */
public record FeatureViewDefinition(FeatureView view, SourceDefinition source, String pushSource) {
    public FeatureViewDefinition {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(source, "source");
        if (pushSource != null && pushSource.isBlank()) pushSource = null;
    }

    public FeatureViewDefinition(FeatureView view, SourceDefinition source) {
        this(view, source, null);
    }

    public String name() {
        return view.name();
    }

    public Optional<String> pushSourceName() {
        return Optional.ofNullable(pushSource);
    }
}
