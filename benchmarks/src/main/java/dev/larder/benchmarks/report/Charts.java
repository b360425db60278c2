package dev.larder.benchmarks.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Grouped bar charts as PNG, drawn with XChart (headless). */
final class Charts {
    private Charts() {
    }

    /**
     * @param series series name → (category → value); a category a series lacks is left empty
     * @param log    logarithmic value axis, for values spanning orders of magnitude
     */
    static void bar(Path file, String title, String xTitle, String yTitle, Map<String, Map<String, Double>> series, boolean log) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> categories = new ArrayList<>();
        for (Map<String, Double> s : series.values()) {
            for (String c : s.keySet()) if (!categories.contains(c)) categories.add(c);
        }
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(560).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisLogarithmic(log);
        if (log) {
            // Bars start at the axis minimum; on a log axis that must be above zero.
            double min = series.values().stream().flatMap(m -> m.values().stream()).filter(v -> v != null && v > 0)
                    .mapToDouble(Double::doubleValue).min().orElse(1);
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        }
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        chart.getStyler().setXAxisLabelRotation(longest * categories.size() > 90 ? 25 : 0);
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setYAxisDecimalPattern(log ? "#,##0.###" : "#,##0.#");
        for (Map.Entry<String, Map<String, Double>> s : series.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (String c : categories) ys.add(s.getValue().get(c));
            chart.addSeries(s.getKey(), categories, ys);
        }
        String name = file.toString();
        if (name.endsWith(".png")) name = name.substring(0, name.length() - 4);
        BitmapEncoder.saveBitmapWithDPI(chart, name, BitmapEncoder.BitmapFormat.PNG, 110);
    }
}
