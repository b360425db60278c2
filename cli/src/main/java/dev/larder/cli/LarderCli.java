package dev.larder.cli;

import dev.larder.LarderException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;

/**
 * {@code larder [--repo DIR] <command>}: the command-line entry point. Errors print one line to
 * stderr (the stack trace with {@code --verbose}) and exit 1; usage errors exit 2 with the
 * command's help.
 */
@Command(name = "larder", mixinStandardHelpOptions = true, version = "larder 0.1.0", scope = ScopeType.INHERIT,
        description = "Larder: an online feature store for the JVM, storage-compatible with Feast.",
        subcommands = {InitCommand.class, ApplyCommand.class, PlanCommand.class, TeardownCommand.class,
                MaterializeCommand.class, MaterializeIncrementalCommand.class, GetCommand.class, StoresCommand.class,
                ServeCommand.class, // issue 16
                QuickstartCommand.class, CommandLine.HelpCommand.class})
public final class LarderCli implements Runnable {
    private Path repo = Path.of("");
    private boolean verbose;
    Clock clock = Clock.systemUTC();
    PrintWriter out;
    PrintWriter err;
    /** Whether stderr is a terminal (progress bars) or not (log lines). */
    boolean interactive;

    @Option(names = "--repo", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The feature repository (feature_store.yaml, features.yaml). Default: the current directory.")
    void setRepo(Path repo) {
        this.repo = repo;
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of errors and the log lines of Larder and its backend clients.")
    void setVerbose(boolean verbose) {
        this.verbose = verbose;
    }

    Path repo() {
        return repo.toAbsolutePath().normalize();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
    }

    public static void main(String[] args) {
        CliLogging.configure(CliLogging.verboseRequested(args));
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(args, out, err, System.console() != null, Clock.systemUTC()));
    }

    /** Runs one command line; returns the exit code (0 ok, 1 error, 2 usage). */
    public static int run(String[] args, PrintWriter out, PrintWriter err, boolean interactive, Clock clock) {
        LarderCli root = new LarderCli();
        root.out = out;
        root.err = err;
        root.interactive = interactive;
        root.clock = clock;
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (root.verbose) {
                StringWriter sw = new StringWriter();
                ex.printStackTrace(new PrintWriter(sw));
                err.print(sw);
            } else {
                err.println("error: " + message(ex));
            }
            err.flush();
            return 1;
        });
        // Usage errors: the message, suggestions for a mistyped command, then the command's help; exit 2.
        cl.setParameterExceptionHandler((ex, badArgs) -> {
            err.println(ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            ex.getCommandLine().usage(err);
            err.flush();
            return 2;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The user-facing message: LarderException and config errors as they are, others with their type for context. */
    static String message(Throwable ex) {
        Throwable t = ex;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) return t.getClass().getSimpleName();
        if (t instanceof LarderException || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof java.io.UncheckedIOException) {
            return m;
        }
        return t.getClass().getSimpleName() + ": " + m;
    }
}
