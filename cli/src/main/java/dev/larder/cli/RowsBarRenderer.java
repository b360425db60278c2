package dev.larder.cli;

import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

import java.time.Duration;
import java.util.Locale;

/**
 * Renders materialization progress to fit the terminal: the text (view, percent, rows with
 * thousands separators, rows/s, ETA) always whole, the bar taking what width is left and
 * disappearing on a terminal too narrow for it. The progressbar library's default renderer
 * gives the bar zero width and cuts the text on an 80-column terminal.
 */
final class RowsBarRenderer implements ProgressBarRenderer {
    private static final int MIN_BAR = 5;
    private static final int MAX_NAME = 20;

    @Override
    public String render(ProgressState s, int maxLength) {
        long done = s.getCurrent();
        long max = s.getMax();
        double seconds = s.getTotalElapsed().toNanos() / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        if (max < 0) { // an engine that does not count first (Spark): rows and speed, no total
            return fit(String.format(Locale.ROOT, "%s %,d rows %,.0f/s", s.getTaskName(), done, rate), maxLength);
        }
        String eta = rate > 0 && max > done ? format(Duration.ofSeconds(Math.round((max - done) / rate))) : "--";
        int percent = max <= 0 ? 100 : (int) (done * 100 / max);
        String name = s.getTaskName().length() > MAX_NAME ? s.getTaskName().substring(0, MAX_NAME - 1) + "…" : s.getTaskName();
        String head = String.format(Locale.ROOT, "%s %3d%% ", name, percent);
        String tail = String.format(Locale.ROOT, " %,d/%,d rows %,.0f/s ETA %s", done, max, rate, eta);
        int barWidth = maxLength - head.length() - tail.length() - 2;
        if (barWidth < MIN_BAR) return fit(head.trim() + tail, maxLength);
        int filled = max <= 0 ? barWidth : (int) Math.min(barWidth, done * barWidth / max);
        return head + "[" + "=".repeat(filled) + " ".repeat(barWidth - filled) + "]" + tail;
    }

    private static String fit(String text, int maxLength) {
        return maxLength > 0 && text.length() > maxLength ? text.substring(0, maxLength) : text;
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
