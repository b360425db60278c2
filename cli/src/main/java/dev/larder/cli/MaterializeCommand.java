package dev.larder.cli;

import dev.larder.Dates;
import dev.larder.materialize.Materializer;
import dev.larder.materialize.ViewResult;
import dev.larder.registry.Repository;
import dev.larder.spi.OnlineStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "materialize", description = "Load the latest row per entity with event time in [START, END] (both included) into the online store.")
final class MaterializeCommand implements Callable<Integer> {
    @ParentCommand
    LarderCli cli;

    @Parameters(index = "0", paramLabel = "START", description = "Start of the event-time interval: " + Dates.ACCEPTED)
    String start;

    @Parameters(index = "1", paramLabel = "END", description = "End of the event-time interval (included).")
    String end;

    @Option(names = "--views", split = ",", paramLabel = "VIEW", description = "Only these feature views (comma-separated). Default: all.")
    List<String> views = new ArrayList<>();

    @Override
    public Integer call() {
        Instant s = Dates.parse("START", start, cli.clock);
        Instant e = Dates.parse("END", end, cli.clock);
        Repository repo = openApplied(cli);
        try (OnlineStore store = repo.openStore()) {
            report(cli, new Materializer(repo, store, new ProgressReporter(cli.out, cli.interactive)).materialize(views, s, e));
        }
        return 0;
    }

    /**
     * The repository, checked to have a registry before the store is opened: opening a SQLite store
     * creates its file, which a run that cannot materialize anything must not leave behind.
     */
    static Repository openApplied(LarderCli cli) {
        Repository repo = Repository.open(cli.repo(), cli.clock);
        repo.appliedRegistry();
        return repo;
    }

    static void report(LarderCli cli, List<ViewResult> results) {
        long rows = results.stream().mapToLong(ViewResult::rows).sum();
        cli.out.println(String.format(Locale.ROOT, "Materialized %d feature view%s: %,d rows sent to the online store,"
                + " which keeps the newest row per entity.", results.size(), results.size() == 1 ? "" : "s", rows));
    }
}
