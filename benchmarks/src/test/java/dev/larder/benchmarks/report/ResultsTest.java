package dev.larder.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsTest {

    @Test
    void scoresAreMediansOfEveryMeasuredIterationSoOneSlowIterationDoesNotMoveThem() throws Exception {
        String json = """
                [{"benchmark": "dev.larder.benchmarks.SqliteReadBenchmark.read", "mode": "avgt", "forks": 2,
                  "params": {"keys": "500", "reader": "larder"},
                  "primaryMetric": {"score": 13.9, "scoreError": 9.0, "scoreUnit": "ms/op",
                                    "rawData": [[10.0, 24.0, 11.0], [10.5, 12.0, 9.0]]}}]
                """;
        Results results = new Results(new ObjectMapper().readTree(json));

        Results.Row row = results.find("SqliteReadBenchmark.read", "reader", "larder").orElseThrow();
        assertThat(row.score()).isEqualTo(10.75); // median of 9, 10, 10.5, 11, 12, 24
        assertThat(row.average()).isEqualTo(13.9);
        assertThat(row.formatted()).isEqualTo("10.8 [9.00–24.0]");
        assertThat(results.all("SqliteReadBenchmark.read", "reader", "rawJdbc")).isEmpty();
    }

    @Test
    void pairedRatiosDivideTheTwoReadersTimesIterationByIteration() throws Exception {
        String json = """
                {"larderNanos": {"rawData": [[110.0, 240.0], [90.0]]},
                 "rawJdbcNanos": {"rawData": [[100.0, 200.0], [100.0]]}}
                """;
        assertThat(Results.pairedRatios(new ObjectMapper().readTree(json), "larderNanos", "rawJdbcNanos"))
                .containsExactly(0.9, 1.1, 1.2);
        assertThat(Results.pairedRatios(new ObjectMapper().readTree(json), "larderNanos", "missing")).isEmpty();
    }
}
