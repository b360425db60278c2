package dev.larder;

import dev.larder.definitions.FeatureServiceDefinition;
import dev.larder.definitions.FeatureServiceDefinition.Projection;
import dev.larder.spi.FeatureView;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a feature service's name into what a read needs: its projections checked against the
 * catalog (each view servable, each feature present, each join-key-map key a join key of its view),
 * with an empty feature list meaning every feature of the view.
 */
public final class FeatureServiceResolver {
    private FeatureServiceResolver() {
    }

    public static List<Projection> resolve(Catalog catalog, String serviceName) {
        FeatureServiceDefinition service = catalog.service(serviceName);
        List<Projection> out = new ArrayList<>();
        for (Projection p : service.projections()) {
            FeatureView view;
            try {
                view = catalog.view(p.view());
            } catch (LarderException e) {
                throw new LarderException("Feature service '" + serviceName + "': " + e.getMessage());
            }
            List<String> features = p.features().isEmpty() ? view.featureNames() : p.features();
            for (String f : features) {
                if (view.feature(f).isEmpty()) {
                    throw new LarderException("Feature service '" + serviceName + "' reads feature '" + f + "' of feature view '" + view.name()
                            + "', which has no such feature. Its features: " + view.featureNames());
                }
            }
            for (String k : p.joinKeyMap().keySet()) {
                if (!view.joinKeyNames().contains(k)) {
                    throw new LarderException("Feature service '" + serviceName + "' maps join key '" + k + "' of feature view '" + view.name()
                            + "', which has join keys " + view.joinKeyNames());
                }
            }
            out.add(new Projection(p.view(), p.alias(), features, p.joinKeyMap()));
        }
        return out;
    }

    /** The {@code view:feature} references of plain projections (no alias, no join key map). */
    public static List<String> featureRefs(List<Projection> projections) {
        List<String> refs = new ArrayList<>();
        for (Projection p : projections) {
            for (String f : p.features()) refs.add(p.view() + ":" + f);
        }
        return refs;
    }

    /** Whether every projection reads its view as it is, so the service is a plain list of references. */
    public static boolean isPlain(List<Projection> projections) {
        return projections.stream().allMatch(p -> p.alias() == null && p.joinKeyMap().isEmpty());
    }
}
