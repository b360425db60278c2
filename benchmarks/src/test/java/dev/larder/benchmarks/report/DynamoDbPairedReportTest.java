package dev.larder.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's paired sections: raw_parity for every backend, DynamoDB's sequential and parallel readers and the targets they check. */
class DynamoDbPairedReportTest {
    @TempDir
    Path dir;

    @Test
    void dynamodbRatiosSpeedUpsAndTheirTargetsComeFromTheSameIterations() throws Exception {
        // 500 keys, +10 ms. Per iteration: Larder seq 110, raw seq 100, Larder par 25, raw par 20, 10 workers 25 (ns, scaled).
        String run = """
                {"benchmark": "dev.larder.benchmarks.DynamoDbPairedReadBenchmark.pair", "mode": "avgt", "forks": 1,
                 "params": {"addedRoundTripMs": "10", "features": "10", "keys": "500"},
                 "primaryMetric": {"score": 1, "scoreError": 0, "scoreUnit": "ms/op", "rawData": [[280.0, 280.0, 280.0]]},
                 "secondaryMetrics": {"larderNanos": {"rawData": [[1100.0, 2200.0, 1100.0]]}, "rawSdkNanos": {"rawData": [[1000.0, 2000.0, 1000.0]]},
                                      "larderParallelNanos": {"rawData": [[250.0, 500.0, 250.0]]}, "rawSdkParallelNanos": {"rawData": [[200.0, 400.0, 200.0]]},
                                      "larderTenWorkersNanos": {"rawData": [[250.0, 500.0, 250.0]]}}}
                """;
        Path in = dir.resolve("jmh.json");
        Files.writeString(in, "[" + run + "]");
        Report.main(new String[] {in.toString(), dir.resolve("out").toString()});
        String md = Files.readString(dir.resolve("out/results.md"));
        // Larder seq: 280 × 1100 / 2800 = 110 ms; raw seq 100; par 25 / 20.
        assertThat(md).contains("| 500 | 10 | 10 ms | 110 | 100 | **1.10×** | 25.0 | 20.0 | 1.25× | 5.00× | 4.40× | **0.88×** | 4.40× |")
                .contains("Larder's parallel speed-up over the raw SDK's, same run | 0.88× | ≥ 0.95× | **no**")
                .contains("Larder max_read_workers 10 over 1, paired | 4.40× | ≥ 3.5× | yes");
        // +10 ms rows are not raw parity (DynamoDB's parity entry is the sequential read without added latency).
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("out/results.json").toFile());
        assertThat(doc.path("raw_parity")).isEmpty();
    }

    @Test
    void rawParityListsEveryBackendAndShapeWithMediansAndTheirTarget() throws Exception {
        String cassandra = """
                {"benchmark": "dev.larder.benchmarks.CassandraPairedReadBenchmark.pair", "mode": "avgt", "forks": 1,
                 "params": {"features": "50", "keys": "500"},
                 "primaryMetric": {"score": 1, "scoreError": 0, "scoreUnit": "ms/op", "rawData": [[20.0, 30.0, 20.0]]},
                 "secondaryMetrics": {"larderNanos": {"rawData": [[1200.0, 1500.0, 1100.0]]}, "rawDriverNanos": {"rawData": [[800.0, 1500.0, 900.0]]}}}
                """;
        String dynamo = """
                {"benchmark": "dev.larder.benchmarks.DynamoDbPairedReadBenchmark.pair", "mode": "avgt", "forks": 1,
                 "params": {"addedRoundTripMs": "0", "features": "10", "keys": "100"},
                 "primaryMetric": {"score": 1, "scoreError": 0, "scoreUnit": "ms/op", "rawData": [[4.0, 4.0]]},
                 "secondaryMetrics": {"larderNanos": {"rawData": [[100.0, 100.0]]}, "rawSdkNanos": {"rawData": [[100.0, 100.0]]},
                                      "larderParallelNanos": {"rawData": [[0.0, 0.0]]}, "rawSdkParallelNanos": {"rawData": [[0.0, 0.0]]},
                                      "larderTenWorkersNanos": {"rawData": [[0.0, 0.0]]}}}
                """;
        Path in = dir.resolve("jmh.json");
        Files.writeString(in, "[" + cassandra + "," + dynamo + "]");
        Report.main(new String[] {in.toString(), dir.resolve("out").toString()});
        JsonNode parity = new ObjectMapper().readTree(dir.resolve("out/results.json").toFile()).path("raw_parity");
        assertThat(parity).hasSize(2);
        // Ordered by backend as the report lists them (dynamodb before cassandra), then keys and features.
        assertThat(parity.get(0).path("backend").asText()).isEqualTo("dynamodb");
        assertThat(parity.get(0).path("larder_ms").asDouble()).isEqualTo(2.0);
        assertThat(parity.get(0).path("raw_ms").asDouble()).isEqualTo(2.0);
        JsonNode c = parity.get(1);
        assertThat(c.path("backend").asText()).isEqualTo("cassandra");
        assertThat(c.path("keys").asInt()).isEqualTo(500);
        assertThat(c.path("features").asInt()).isEqualTo(50);
        // Iterations: Larder 12 of 20 ms, 15 of 30, 11 of 20 -> median 12; raw 8, 15, 9 -> 9; ratios 1.5, 1.0, 1.22 -> 1.22.
        assertThat(c.path("larder_ms").asDouble()).isEqualTo(12.0);
        assertThat(c.path("raw_ms").asDouble()).isEqualTo(9.0);
        assertThat(c.path("ratio").asDouble()).isCloseTo(1.2222, org.assertj.core.data.Offset.offset(1e-3));
        String md = Files.readString(dir.resolve("out/results.md"));
        assertThat(md).contains("| cassandra | 500 | 50 | 12.0 | 9.00 | **1.22×** [1.00×–1.50×] | 3 |")
                .contains("cassandra, 500 keys × 50 features: Larder / raw client, paired | 1.22× | ≤ 1.15× | **no**")
                .contains("dynamodb, 100 keys × 10 features: Larder / raw client, paired | 1.00× | ≤ 1.15× | yes");
    }
}
