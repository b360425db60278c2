package dev.larder.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RowsBarRendererTest {
    /** Renders through the real progressbar library at a given terminal width and keeps every line. */
    private static List<String> render(String view, long max, long done, int width) {
        List<String> lines = new ArrayList<>();
        ProgressBarConsumer consumer = new ProgressBarConsumer() {
            @Override public int getMaxRenderedLength() { return width; }
            @Override public void accept(String s) { lines.add(s); }
            @Override public void close() { }
        };
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName(view).setInitialMax(max).setRenderer(new RowsBarRenderer())
                .setConsumer(consumer).setUpdateIntervalMillis(10).startsFrom(0, java.time.Duration.ofSeconds(10)).build()) {
            bar.stepTo(done);
            bar.refresh();
        }
        return lines;
    }

    /** The line rendered last: the bar's state when it closed. */
    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    @Test
    void eightyColumnsKeepTheBarAndTheWholeText() {
        String line = last(render("driver_hourly_stats", 1_000_000, 450_000, 80));
        assertThat(line.length()).isLessThanOrEqualTo(80);
        assertThat(line).startsWith("driver_hourly_stats  45% [").containsPattern("\\] 450,000/1,000,000 rows 4\\d,\\d{3}/s ETA 0:1\\d$");
        assertThat(line.substring(line.indexOf('[') + 1, line.indexOf(']'))).hasSizeGreaterThanOrEqualTo(10).contains("=");
    }

    @Test
    void aNarrowTerminalDropsTheBarNotTheUnit() {
        String line = last(render("a_very_long_feature_view_name_indeed", 2_000_000, 500_000, 60));
        assertThat(line).doesNotContain("[").contains("500,000/2,000,000 rows").startsWith("a_very_long_feature…");
        assertThat(line.length()).isLessThanOrEqualTo(60);
    }

    @Test
    void durations() {
        assertThat(RowsBarRenderer.format(java.time.Duration.ofSeconds(75))).isEqualTo("1:15");
        assertThat(RowsBarRenderer.format(java.time.Duration.ofSeconds(3725))).isEqualTo("1:02:05");
    }
}
