package dev.larder.benchmarks.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's DynamoDB paired section: per-iteration ratios, each reader's ms, the targets it checks. */
class DynamoDbPairedReportTest {
    @TempDir
    Path dir;

    private static String run(String inFlight, String pair, String larder, String raw, String ten) {
        return """
                {"benchmark": "dev.larder.benchmarks.DynamoDbPairedReadBenchmark.pair", "mode": "avgt", "forks": 1,
                 "params": {"addedRoundTripMs": "10", "features": "10", "inFlight": "%s"},
                 "primaryMetric": {"score": 1, "scoreError": 0, "scoreUnit": "ms/op", "rawData": [%s]},
                 "secondaryMetrics": {"larderNanos": {"rawData": [%s]}, "rawSdkNanos": {"rawData": [%s]},
                                      "larderTenWorkersNanos": {"rawData": [%s]}}}
                """.formatted(inFlight, pair, larder, raw, ten);
    }

    @Test
    void pairedRatiosReaderTimesAndTheRelativeSpeedUp() throws Exception {
        // Sequential: Larder 1.10× raw in every iteration; the pair takes 210 ms, split 110 / 100.
        String seq = run("1", "[210.0, 210.0, 210.0]", "[1100.0, 2200.0, 1100.0]", "[1000.0, 2000.0, 1000.0]", "[0.0, 0.0, 0.0]");
        // Parallel: Larder 1.25×, 10 workers = 5 workers; the pair (three reads) takes 150 ms.
        String par = run("5", "[150.0, 150.0, 150.0]", "[500.0, 500.0, 500.0]", "[400.0, 400.0, 400.0]", "[500.0, 500.0, 500.0]");
        Path in = dir.resolve("jmh.json");
        Files.writeString(in, "[" + seq + "," + par + "]");
        Report.main(new String[] {in.toString(), dir.resolve("out").toString()});
        String md = Files.readString(dir.resolve("out/results.md"));
        assertThat(md).contains("DynamoDbPairedReadBenchmark")
                .contains("| 10 | 10 ms | 1 | 110 | 100 | **1.10×** [1.10×–1.10×] | – | 3 |")
                .contains("| 10 | 10 ms | 5 | 53.6 | 42.9 | **1.25×** [1.25×–1.25×] | 1.00× | 3 |")
                .contains("Larder / raw SDK, paired in one fork | 1.10× | ≤ 1.15× | yes")
                .contains("Larder / raw SDK, paired in one fork | 1.25× | ≤ 1.15× | **no**")
                // 1.10 / 1.25: Larder's parallel speed-up is 0.88 of the raw SDK's.
                .contains("Larder's parallel speed-up over the raw SDK's (paired ratio sequential / parallel) | 0.88× | ≥ 0.95× | **no**");
    }
}
