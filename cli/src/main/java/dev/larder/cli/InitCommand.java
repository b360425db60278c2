package dev.larder.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "init", description = "Create a feature repository: feature_store.yaml on SQLite, features.yaml for Feast's driver example, sample data.")
final class InitCommand implements Callable<Integer> {
    @ParentCommand
    LarderCli cli;

    @Parameters(paramLabel = "DIR", description = "The new repository's directory (must not exist or be empty).")
    Path dir;

    @Override
    public Integer call() {
        SampleRepo.Created c = SampleRepo.create(dir.toAbsolutePath().normalize(), cli.clock);
        cli.out.println("Created feature repository " + dir + " (project '" + c.project() + "')");
        cli.out.println("  feature_store.yaml   online store: SQLite at data/online.db");
        cli.out.println("  features.yaml        entity driver, feature view driver_hourly_stats");
        cli.out.println("  " + SampleRepo.DATA_FILE + "  " + c.rows() + " sample rows, hourly, drivers 1001-1005, up to " + c.lastEventTime());
        cli.out.println("Next: " + Invocation.withRepo(dir.toString(), "apply"));
        return 0;
    }
}
