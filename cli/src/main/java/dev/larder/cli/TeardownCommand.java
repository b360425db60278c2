package dev.larder.cli;

import dev.larder.registry.Repository;
import dev.larder.spi.OnlineStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "teardown", description = "Remove the online store's tables of every applied view, and the registry.")
final class TeardownCommand implements Callable<Integer> {
    @ParentCommand
    LarderCli cli;

    @Override
    public Integer call() {
        Repository repo = Repository.open(cli.repo());
        List<String> views;
        try (OnlineStore store = repo.openStore()) {
            views = repo.teardown(store);
        }
        cli.out.println(views.isEmpty() ? "Nothing was applied; removed nothing."
                : "Removed the online data of " + views + " and the project from the " + repo.registryDescription());
        return 0;
    }
}
