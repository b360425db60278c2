package dev.larder.cli;

import dev.larder.LarderException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "quickstart", description = "Create a sample repository in a new folder, apply it, materialize the sample data and read features back.")
final class QuickstartCommand implements Callable<Integer> {
    @ParentCommand
    LarderCli cli;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The new folder. Default: larder_quickstart (or _2, _3, … if taken).")
    Path dir;

    @Override
    public Integer call() {
        Path target = dir != null ? dir : freeFolder();
        String shown = target.toString();
        String repo = shown; // relative to the working directory, as the user would type it
        step("init " + shown, "init", repo);
        step("apply", "--repo", repo, "apply");
        step("materialize-incremental now", "--repo", repo, "materialize-incremental", "now");
        step("get --features driver_hourly_stats:conv_rate,driver_hourly_stats:acc_rate,driver_hourly_stats:avg_daily_trips"
                        + " --entity driver_id=1001 --entity driver_id=1002 --entity driver_id=1003",
                "--repo", repo, "get",
                "--features", "driver_hourly_stats:conv_rate,driver_hourly_stats:acc_rate,driver_hourly_stats:avg_daily_trips",
                "--entity", "driver_id=1001", "--entity", "driver_id=1002", "--entity", "driver_id=1003");
        cli.out.println();
        cli.out.println("Done: the features above were read back from the SQLite online store " + shown + "/data/online.db.");
        cli.out.println("Try next:");
        cli.out.println("  " + Invocation.withRepo(shown, "get --features driver_hourly_stats:conv_rate --entity driver_id=1004 --output json"));
        cli.out.println("  " + Invocation.withRepo(shown, "stores") + "             # backends on the class path and what each supports");
        cli.out.println("  edit " + shown + "/features.yaml, then: " + Invocation.withRepo(shown, "plan") + "   and   apply");
        cli.out.println("  " + Invocation.withRepo(shown, "materialize 2024-01-01 now --views driver_hourly_stats"));
        return 0;
    }

    private void step(String shown, String... args) {
        cli.out.println();
        cli.out.println("$ larder " + shown);
        cli.out.flush();
        int code = LarderCli.run(args, cli.out, cli.err, cli.interactive, cli.clock);
        if (code != 0) throw new LarderException("quickstart stopped: 'larder " + shown + "' failed (exit code " + code + ")");
    }

    private static Path freeFolder() {
        Path p = Path.of("larder_quickstart");
        for (int i = 2; Files.exists(p); i++) p = Path.of("larder_quickstart_" + i);
        return p;
    }
}
