package dev.larder.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;

/** Runs the real command line in-process and captures what it prints. */
final class CliRunner {
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Clock clock;

    CliRunner(Clock clock) {
        this.clock = clock;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LarderCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false, clock);
        return new Result(code, out.toString(), err.toString());
    }
}
