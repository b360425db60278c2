package dev.larder.cli;

import dev.larder.Dates;
import dev.larder.materialize.Materializer;
import dev.larder.registry.Repository;
import dev.larder.spi.OnlineStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "materialize-incremental",
        description = "Load each view from where its last materialization ended (or END minus its ttl the first time) up to END.")
final class MaterializeIncrementalCommand implements Callable<Integer> {
    @ParentCommand
    LarderCli cli;

    @Parameters(index = "0", paramLabel = "END", description = "End of the event-time interval (included): " + Dates.ACCEPTED)
    String end;

    @Option(names = "--views", split = ",", paramLabel = "VIEW", description = "Only these feature views (comma-separated). Default: all.")
    List<String> views = new ArrayList<>();

    @Override
    public Integer call() {
        Instant e = Dates.parse("END", end, cli.clock);
        Repository repo = Repository.open(cli.repo(), cli.clock);
        try (OnlineStore store = repo.openStore()) {
            MaterializeCommand.report(cli, new Materializer(repo, store, new ProgressReporter(cli.out, cli.interactive))
                    .materializeIncremental(views, e));
        }
        return 0;
    }
}
