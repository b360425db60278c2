package dev.larder.cli;

import dev.larder.registry.RepoPlan;
import dev.larder.registry.Repository;
import dev.larder.spi.OnlineStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "plan", description = "Show what apply would create, change or drop, without doing it.")
final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    LarderCli cli;

    @Override
    public Integer call() {
        Repository repo = Repository.open(cli.repo(), cli.clock);
        RepoPlan plan = repo.plan();
        try (OnlineStore store = repo.openStore()) {
            ApplyCommand.printPlan(cli.out, repo, plan, repo.infraPlan(store, plan), store.capabilities());
        }
        cli.out.println(plan.hasChanges() ? "Run 'larder apply' to make these changes." : "No changes.");
        return 0;
    }
}
