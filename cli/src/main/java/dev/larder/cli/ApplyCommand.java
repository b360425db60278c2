package dev.larder.cli;

import dev.larder.registry.RepoPlan;
import dev.larder.registry.Repository;
import dev.larder.spi.Capability;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.PlannedChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import dev.larder.definitions.FeatureViewDefinition;
import dev.larder.definitions.SourceDefinition;
import dev.larder.engine.OfflineSource;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "apply", description = "Validate features.yaml, update the online store's tables and record the definitions in the registry.")
final class ApplyCommand implements Callable<Integer> {
    @ParentCommand
    LarderCli cli;

    @Override
    public Integer call() {
        Repository repo = Repository.open(cli.repo(), cli.clock);
        RepoPlan plan = repo.plan();
        try (OnlineStore store = repo.openStore()) {
            printPlan(cli.out, repo, plan, repo.infraPlan(store, plan), store.capabilities());
            repo.apply(store, plan);
        }
        plan.registryRebuild().ifPresent(r -> cli.out.println("Rebuilt the registry from features.yaml; the damaged file is kept as "
                + r.backup() + ". Materialize again: its watermarks are lost."));
        cli.out.println(plan.hasChanges() ? "Applied. Registry: " + repo.registryDescription() : "No changes. Registry: " + repo.registryDescription());
        return 0;
    }

    /** Views whose local source file is not there: they can be applied (the file may come later) but not materialized. */
    static List<String> missingSources(Repository repo, RepoPlan plan) {
        List<String> out = new ArrayList<>();
        for (FeatureViewDefinition v : plan.desired().views()) {
            SourceDefinition src = v.source();
            if (src == null || OfflineSource.hasScheme(src.path())) continue;
            Path file = src.resolve(repo.config().repoPath());
            if (!Files.exists(file)) {
                out.add("feature view '" + v.name() + "': source file " + file + " does not exist; materialize will fail until it does");
            }
        }
        return out;
    }

    /** Prints the view changes, warnings (drops, renames) and the store's infrastructure steps. */
    static void printPlan(PrintWriter out, Repository repo, RepoPlan plan, List<PlannedChange> infra, Set<Capability> caps) {
        out.println("Project " + repo.config().project() + ", online store " + repo.config().onlineStoreType()
                + ", registry: " + repo.registryDescription() + ":");
        if (plan.changes().isEmpty()) out.println("  (no feature views defined)");
        plan.render().forEach(l -> out.println("  " + l));
        for (String w : plan.warnings()) out.println("  WARNING: " + w);
        for (String w : missingSources(repo, plan)) out.println("  WARNING: " + w);
        for (var fs : plan.desired().featureServices()) {
            out.println("  = feature service " + fs.name() + " (" + fs.projections().size() + " feature view"
                    + (fs.projections().size() == 1 ? "" : "s") + ")");
        }
        if (!caps.contains(Capability.PLAN)) {
            out.println("  (the " + repo.config().onlineStoreType() + " store cannot list its infrastructure changes)");
        } else if (!infra.isEmpty()) {
            out.println("Infrastructure:");
            for (PlannedChange c : infra) out.println("  " + c);
        }
    }
}
