package dev.larder;

import dev.larder.definitions.FeatureServiceDefinition;
import dev.larder.read.FeatureSelection;
import dev.larder.registry.Registry;
import dev.larder.spi.FeatureView;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The definitions a {@link FeatureStore} serves at one moment: feature views, feature services,
 * and the views the registry holds that Larder cannot serve (with the reason). Immutable: a
 * registry refresh swaps in a whole new catalog, so a request sees one version throughout.
 */
public final class Catalog {
    private final Map<String, FeatureView> views;
    private final Map<String, FeatureServiceDefinition> services;
    private final Map<String, String> unservable;
    /** Feature selections made against this version, by request; bounded, since callers choose the lists. */
    private final Map<SelectionKey, FeatureSelection> selections = new ConcurrentHashMap<>();
    private static final int MAX_SELECTIONS = 1_000;

    private record SelectionKey(List<String> featureRefs, boolean fullFeatureNames) {
    }

    public Catalog(Collection<FeatureView> views, Collection<FeatureServiceDefinition> services, Map<String, String> unservable) {
        Map<String, FeatureView> v = new LinkedHashMap<>();
        for (FeatureView view : views) {
            if (v.put(view.name(), view) != null) {
                throw new LarderException("Feature view '" + view.name() + "' is defined twice");
            }
        }
        Map<String, FeatureServiceDefinition> s = new LinkedHashMap<>();
        for (FeatureServiceDefinition fs : services) {
            if (s.put(fs.name(), fs) != null) {
                throw new LarderException("Feature service '" + fs.name() + "' is defined twice");
            }
        }
        this.views = java.util.Collections.unmodifiableMap(v);
        this.services = java.util.Collections.unmodifiableMap(s);
        this.unservable = Map.copyOf(unservable);
    }

    public static Catalog of(Collection<FeatureView> views) {
        return new Catalog(views, List.of(), Map.of());
    }

    public static Catalog of(Registry registry) {
        return new Catalog(registry.featureViews(), registry.featureServices(), registry.unservable());
    }

    public Map<String, FeatureView> views() {
        return views;
    }

    public Map<String, FeatureServiceDefinition> services() {
        return services;
    }

    public Map<String, String> unservable() {
        return unservable;
    }

    /** A servable view, or an error saying why not (unknown, on-demand, offline only) and what is available. */
    public FeatureView view(String name) {
        FeatureView v = views.get(name);
        if (v != null) return v;
        String reason = unservable.get(name);
        if (reason != null) {
            throw new LarderException("Feature view '" + name + "' cannot be served by Larder: " + reason);
        }
        throw new LarderException("Unknown feature view '" + name + "'. Available: " + new TreeSet<>(views.keySet()));
    }

    /**
     * The requested features checked against this catalog's views and laid out as response
     * columns; made once per distinct request (list and naming), then reused.
     *
     * @throws LarderException as {@link FeatureSelection#of}, naming a view the registry holds but Larder cannot serve with the reason
     */
    public FeatureSelection selection(List<String> featureRefs, boolean fullFeatureNames) {
        FeatureSelection known = selections.get(new SelectionKey(featureRefs, fullFeatureNames));
        if (known != null) return known;
        for (String ref : featureRefs) {
            view(FeatureRef.parse(ref).view()); // an unservable view is named with its reason before planning
        }
        FeatureSelection made = FeatureSelection.of(views, featureRefs, fullFeatureNames);
        if (selections.size() >= MAX_SELECTIONS) selections.clear();
        selections.put(new SelectionKey(List.copyOf(featureRefs), fullFeatureNames), made);
        return made;
    }

    public FeatureServiceDefinition service(String name) {
        FeatureServiceDefinition fs = services.get(name);
        if (fs == null) {
            throw new LarderException("Unknown feature service '" + name + "'. Available: " + new TreeSet<>(services.keySet()));
        }
        return fs;
    }
}
