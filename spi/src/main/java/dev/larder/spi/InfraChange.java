package dev.larder.spi;

import java.util.List;

/**
 * The desired state after an apply: the views that stay (create what they need) and the views
 * that are no longer applied (drop what only they used).
 */
public record InfraChange(List<FeatureView> viewsToKeep, List<FeatureView> viewsToDelete) {
    public InfraChange {
        viewsToKeep = List.copyOf(viewsToKeep);
        viewsToDelete = List.copyOf(viewsToDelete);
    }

    public static InfraChange keep(List<FeatureView> views) {
        return new InfraChange(views, List.of());
    }
}
