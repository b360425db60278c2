package dev.larder.registry;

import dev.larder.definitions.Definitions;
import dev.larder.definitions.FeastTypes;
import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.spi.Durations;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code apply} would do to the registry and the store: views to create, change or drop,
 * and warnings (drops, likely renames) shown before anything is dropped.
 */
public final class RepoPlan {
    public enum Kind { CREATE, CHANGE, DROP, UNCHANGED }

    /** One view's fate; {@code details} say what changes. */
    public record ViewChange(Kind kind, String view, List<String> details) {
        public ViewChange {
            details = List.copyOf(details);
        }
    }

    private final Definitions desired;
    private final List<ViewChange> changes;
    private final List<String> warnings;
    private final List<FeatureView> keep;
    private final List<FeatureView> delete;
    private final List<String> reset;
    private final boolean storeChanged;
    private final RegistryRebuild rebuild;

    /**
     * Larder's registry file is damaged: apply moves it to {@code backup} and writes a new one from features.yaml.
     *
     * @param damage what is wrong with it, e.g. "the registry is empty (0 bytes)"
     */
    public record RegistryRebuild(java.nio.file.Path file, String damage, java.nio.file.Path backup) {
    }

    private RepoPlan(Definitions desired, List<ViewChange> changes, List<String> warnings, List<FeatureView> keep,
                     List<FeatureView> delete, List<String> reset, boolean storeChanged, RegistryRebuild rebuild) {
        this.desired = desired;
        this.changes = List.copyOf(changes);
        this.warnings = List.copyOf(warnings);
        this.keep = List.copyOf(keep);
        this.delete = List.copyOf(delete);
        this.reset = List.copyOf(reset);
        this.storeChanged = storeChanged;
        this.rebuild = rebuild;
    }

    public static RepoPlan compute(Registry current, Definitions desired) {
        return compute(current, desired, null, null);
    }

    /**
     * @param store   the configured online store's identity ({@link Repository#storeIdentity()}); views whose
     *                materialization history was recorded for another store have their watermarks reset. Null: not checked
     * @param rebuild set when the registry file is damaged and {@code current} is the empty registry that replaces it
     */
    public static RepoPlan compute(Registry current, Definitions desired, String store, RegistryRebuild rebuild) {
        List<ViewChange> changes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<FeatureView> keep = new ArrayList<>();
        List<FeatureView> delete = new ArrayList<>();
        List<String> reset = new ArrayList<>();
        Map<String, Registry.ViewEntry> old = current.views();
        List<FeatureView> created = new ArrayList<>();
        for (FeatureViewDefinition d : desired.views()) {
            FeatureView v = d.view();
            keep.add(v);
            Registry.ViewEntry before = old.get(v.name());
            if (before == null) {
                created.add(v);
                changes.add(new ViewChange(Kind.CREATE, v.name(), List.of(describe(v))));
                continue;
            }
            List<String> details = diff(before.definition(), d);
            if (details.isEmpty()) {
                changes.add(new ViewChange(Kind.UNCHANGED, v.name(), List.of()));
                continue;
            }
            FeatureView was = before.view();
            if (!was.joinKeys().equals(v.joinKeys())) {
                // Stored keys no longer match the view: its data is dropped and rebuilt.
                delete.add(was);
                details = new ArrayList<>(details);
                details.add("its join keys changed: the online data is dropped; materialize it again");
                reset.add(v.name());
            } else if (!was.features().equals(v.features()) || !before.definition().source().equals(d.source())) {
                details = new ArrayList<>(details);
                details.add("materialized intervals are reset so that materialize-incremental loads the new data");
                reset.add(v.name());
            }
            changes.add(new ViewChange(Kind.CHANGE, v.name(), details));
        }
        for (Registry.ViewEntry e : old.values()) {
            if (desired.view(e.definition().name()).isPresent()) continue;
            FeatureView gone = e.view();
            delete.add(gone);
            changes.add(new ViewChange(Kind.DROP, gone.name(), List.of("removed from features.yaml: its online data is deleted")));
            for (FeatureView c : created) {
                if (c.joinKeys().equals(gone.joinKeys()) && c.features().equals(gone.features())) {
                    warnings.add("Feature view '" + gone.name() + "' is gone and '" + c.name() + "' is new with the same keys and features:"
                            + " a rename? Online data is not renamed: '" + gone.name() + "' is dropped and '" + c.name()
                            + "' starts empty (materialize it again)");
                }
            }
            warnings.add("Feature view '" + gone.name() + "' will be dropped with its online data");
        }
        // Objects of a Feast registry that Larder does not serve, and services, are replaced by features.yaml's too.
        for (Map.Entry<String, String> u : current.unservable().entrySet()) {
            if (desired.view(u.getKey()).isEmpty()) {
                warnings.add("Feature view '" + u.getKey() + "' of the registry is not in features.yaml (" + u.getValue()
                        + "): apply removes it from the registry");
            }
        }
        for (var fs : current.featureServices()) {
            if (desired.featureServices().stream().noneMatch(d -> d.name().equals(fs.name()))) {
                warnings.add("Feature service '" + fs.name() + "' is not in features.yaml: apply removes it from the registry");
            }
        }
        boolean storeChanged = false;
        if (store != null) {
            java.util.Set<String> previous = new java.util.TreeSet<>();
            List<String> moved = new ArrayList<>();
            for (FeatureViewDefinition d : desired.views()) {
                Registry.ViewEntry e = old.get(d.name());
                if (e != null && !reset.contains(d.name()) && !e.describes(store)) {
                    previous.add(e.store());
                    moved.add(d.name());
                }
            }
            if (!moved.isEmpty()) {
                storeChanged = true;
                warnings.add(0, "online store changed from " + String.join(", ", previous) + " to " + store + ": the watermarks of "
                        + moved.size() + " feature view" + (moved.size() == 1 ? "" : "s") + " " + abbreviated(moved)
                        + " are reset by apply; materialize again (materialize-incremental loads them from the start)");
            }
        }
        if (rebuild != null) {
            warnings.add(0, rebuild.file() + ": " + rebuild.damage() + ". apply rebuilds it from features.yaml and keeps the damaged"
                    + " file as " + rebuild.backup().getFileName() + "; the materialization watermarks it held are lost: materialize again");
        }
        return new RepoPlan(desired, changes, warnings, keep, delete, reset, storeChanged, rebuild);
    }

    private static String abbreviated(List<String> names) {
        return names.size() <= 5 ? names.toString() : names.subList(0, 5) + " and " + (names.size() - 5) + " more";
    }

    private static String describe(FeatureView v) {
        return v.features().size() + " features, " + (v.isEntityless() ? "entityless" : "entities " + v.entities())
                + ", ttl " + (v.ttl().isZero() ? "none" : Durations.format(v.ttl()));
    }

    private static List<String> diff(FeatureViewDefinition a, FeatureViewDefinition b) {
        List<String> out = new ArrayList<>();
        FeatureView x = a.view(), y = b.view();
        if (!x.entities().equals(y.entities()) || !x.joinKeys().equals(y.joinKeys())) {
            out.add("entities " + x.entities() + " " + x.joinKeys() + " -> " + y.entities() + " " + y.joinKeys());
        }
        for (Field f : y.features()) {
            Field was = x.feature(f.name()).orElse(null);
            if (was == null) out.add("feature '" + f.name() + "' added (" + FeastTypes.dtypeName(f.type()) + ")");
            else if (was.type() != f.type()) out.add("feature '" + f.name() + "' " + FeastTypes.dtypeName(was.type()) + " -> " + FeastTypes.dtypeName(f.type()));
        }
        for (Field f : x.features()) {
            if (y.feature(f.name()).isEmpty()) out.add("feature '" + f.name() + "' removed");
        }
        if (out.isEmpty() && !x.featureNames().equals(y.featureNames())) out.add("features reordered");
        if (!x.ttl().equals(y.ttl())) out.add("ttl " + Durations.format(x.ttl()) + " -> " + Durations.format(y.ttl()));
        if (!Objects.equals(a.source(), b.source())) out.add("source " + a.source().path() + " -> " + b.source().path()
                + (a.source().path().equals(b.source().path()) ? " (columns changed)" : ""));
        if (!Objects.equals(a.pushSource(), b.pushSource())) {
            // Only where pushed rows go changes; the online data and the materialized intervals stay valid.
            out.add("push source " + (a.pushSource() == null ? "(none)" : a.pushSource()) + " -> " + (b.pushSource() == null ? "(none)" : b.pushSource()));
        }
        return out;
    }

    public Definitions desired() {
        return desired;
    }

    public List<ViewChange> changes() {
        return changes;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** Views that stay after apply. */
    public List<FeatureView> viewsToKeep() {
        return keep;
    }

    /** Views whose online data goes: removed views, and the old form of views whose join keys changed. */
    public List<FeatureView> viewsToDelete() {
        return delete;
    }

    /** Views whose materialization history is cleared. */
    public List<String> viewsToReset() {
        return reset;
    }

    public boolean hasChanges() {
        return storeChanged || rebuild != null || changes.stream().anyMatch(c -> c.kind() != Kind.UNCHANGED);
    }

    /** Whether views' watermarks belong to another online store than the configured one (apply resets them). */
    public boolean storeChanged() {
        return storeChanged;
    }

    /** Set when the registry file is damaged and apply replaces it. */
    public java.util.Optional<RegistryRebuild> registryRebuild() {
        return java.util.Optional.ofNullable(rebuild);
    }

    /** Human-readable lines: one per view, details indented. */
    public List<String> render() {
        List<String> out = new ArrayList<>();
        for (ViewChange c : changes) {
            String mark = switch (c.kind()) {
                case CREATE -> "+ create";
                case CHANGE -> "~ change";
                case DROP -> "- drop  ";
                case UNCHANGED -> "= keep  ";
            };
            out.add(mark + " feature view " + c.view() + (c.kind() == Kind.CREATE ? " (" + c.details().get(0) + ")" : ""));
            if (c.kind() != Kind.CREATE) c.details().forEach(d -> out.add("      " + d));
        }
        return out;
    }
}
