package dev.larder.cli;

import dev.larder.materialize.MaterializationListener;
import dev.larder.materialize.ViewResult;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Shows materialization progress: one progress bar per view (rows, rows/s, ETA) on a terminal,
 * plain log lines otherwise; always a summary line per view with its own timing.
 */
final class ProgressReporter implements MaterializationListener {
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final PrintWriter out;
    private final boolean terminal;
    private ProgressBar bar;
    private long total;
    private long done;
    private long started;
    private long lastLog;

    ProgressReporter(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void viewStarted(String view, Instant start, Instant end, long rows) {
        total = rows;
        done = 0;
        started = System.nanoTime();
        lastLog = started;
        // An engine that does not count first (Spark) reports -1: progress without a total.
        String count = rows < 0 ? "writing" : String.format(Locale.ROOT, "%,d", rows) + " rows to write";
        out.println(view + ": " + count + " (latest per entity, event time " + start + " .. " + end + ")");
        out.flush();
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(view).setInitialMax(rows).setRenderer(new RowsBarRenderer())
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
                    .build();
        }
    }

    @Override
    public void rowsWritten(String view, long rows) {
        done += rows;
        if (bar != null) {
            bar.stepBy(rows);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS && total < 0) {
            lastLog = now;
            out.println(String.format(Locale.ROOT, "%s: %,d rows, %,.0f rows/s", view, done, done / Math.max((now - started) / 1e9, 1e-9)));
            out.flush();
        } else if (now - lastLog >= LOG_EVERY_NANOS && done < total) {
            lastLog = now;
            double secs = (now - started) / 1e9;
            double rate = done / Math.max(secs, 1e-9);
            long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
            out.println(String.format(Locale.ROOT, "%s: %,d / %,d rows (%d%%), %,.0f rows/s, ETA %ds", view, done, total,
                    total == 0 ? 100 : done * 100 / total, rate, eta));
            out.flush();
        }
    }

    @Override
    public void note(String message) {
        out.println("Note: " + message);
        out.flush();
    }

    @Override
    public void viewFinished(ViewResult r) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        if (r.skipped()) {
            out.println(r.view() + ": " + r.note() + (r.rows() == 0 && r.note().startsWith("no rows") ? "; watermark set to " + r.end() : ""));
        } else {
            // "sent", not "wrote": the store keeps the newer of a stored and a sent row, so a sent row may change nothing.
            out.println(String.format(Locale.ROOT, "%s: sent %,d rows to the online store in %.2f s (%,.0f rows/s); materialized up to %s",
                    r.view(), r.rows(), r.elapsed().toNanos() / 1e9, r.rowsPerSecond(), r.end()));
        }
        out.flush();
    }
}
