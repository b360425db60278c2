package dev.larder.spi;

import java.util.List;

/** A view and the subset of its features to read. */
public record ViewRead(FeatureView view, List<String> features) {
    public ViewRead {
        features = List.copyOf(features);
    }
}
