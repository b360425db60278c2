package dev.larder.definitions;

import dev.larder.spi.FeatureView;

import java.util.Objects;

/** A feature view as {@code features.yaml} defines it: what the online store needs, plus where its data comes from. */
public record FeatureViewDefinition(FeatureView view, SourceDefinition source) {
    public FeatureViewDefinition {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(source, "source");
    }

    public String name() {
        return view.name();
    }
}
