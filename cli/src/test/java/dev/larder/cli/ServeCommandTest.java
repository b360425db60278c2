package dev.larder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code larder serve} in its own JVM on the quickstart repository: the startup line, Feast's
 * documented request answered with the same JSON as {@code larder get --output json}, and SIGTERM
 * while requests are in flight (they finish; the process says so and exits).
 */
class ServeCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Feast's documented get-online-features request (docs/reference/feature-servers/python-feature-server.md). */
    static final String FEAST_DOC_REQUEST = """
            {
                "features": [
                  "driver_hourly_stats:conv_rate",
                  "driver_hourly_stats:acc_rate",
                  "driver_hourly_stats:avg_daily_trips"
                ],
                "entities": {
                  "driver_id": [1001, 1002, 1003]
                }
              }""";

    @Test
    void servesTheQuickstartRepoAndStopsGracefullyOnSigterm() throws Exception {
        Path repo = tmp.resolve("qs");
        CliRunner cli = new CliRunner(Clock.systemUTC());
        assertThat(cli.run("quickstart", repo.toString()).code()).isZero();
        CliRunner.Result get = cli.run("--repo", repo.toString(), "get", "--features",
                "driver_hourly_stats:conv_rate,driver_hourly_stats:acc_rate,driver_hourly_stats:avg_daily_trips",
                "--entity", "driver_id=1001", "--entity", "driver_id=1002", "--entity", "driver_id=1003", "--output", "json");
        assertThat(get.code()).as(get.toString()).isZero();

        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                LarderCli.class.getName(), "--repo", repo.toString(), "serve", "--port", "0", "--request-timeout", "60s");
        // Output to a file: Process.destroy() closes the pipes, and "Stopped." comes after it.
        Path log = tmp.resolve("serve.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String line = null;
            long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (line == null && p.isAlive() && System.nanoTime() < until) {
                line = Files.readAllLines(log).stream().findFirst().orElse(null);
                if (line == null) Thread.sleep(50);
            }
            assertThat(line).as("the startup line").isNotNull()
                    .matches("Serving project 'qs' \\(1 feature view\\) from the sqlite online store at http://127\\.0\\.0\\.1:\\d+ \\(HTTP/JSON and gRPC\\)");
            Matcher m = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)").matcher(line);
            assertThat(m.find()).isTrue();
            String url = m.group(1);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

            HttpResponse<String> answer = client.send(post(url, FEAST_DOC_REQUEST), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(get.out().strip());
            JsonNode json = JSON.readTree(answer.body());
            assertThat(json.at("/metadata/feature_names").toString()).isEqualTo("[\"driver_id\",\"conv_rate\",\"acc_rate\",\"avg_daily_trips\"]");
            assertThat(json.at("/results/1/statuses").toString()).isEqualTo("[\"PRESENT\",\"PRESENT\",\"PRESENT\"]");

            // Heavy requests (10,000 entity rows each), then SIGTERM while they run.
            StringBuilder ids = new StringBuilder();
            for (int i = 0; i < 10_000; i++) ids.append(i == 0 ? "" : ",").append(1001 + i % 5);
            String heavy = "{\"features\": [\"driver_hourly_stats:conv_rate\", \"driver_hourly_stats:avg_daily_trips\"],"
                    + " \"entities\": {\"driver_id\": [" + ids + "]}}";
            List<CompletableFuture<long[]>> inFlight = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                inFlight.add(client.sendAsync(post(url, heavy), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> new long[]{r.statusCode(), System.nanoTime(), jsonRows(r.body())}));
            }
            Thread.sleep(300);
            long sigterm = System.nanoTime();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the server stops after finishing its requests").isTrue();
            int finishedAfterSigterm = 0;
            for (CompletableFuture<long[]> f : inFlight) {
                long[] r = f.get(30, TimeUnit.SECONDS);
                assertThat(r[0]).as("every request in flight is answered in full").isEqualTo(200);
                assertThat(r[2]).isEqualTo(10_000);
                if (r[1] > sigterm) finishedAfterSigterm++;
            }
            assertThat(finishedAfterSigterm).as("requests were still in flight at SIGTERM and were finished").isPositive();
            assertThat(Files.readString(log)).contains("Stopped.");
            assertThat(p.exitValue()).as("exit status after SIGTERM").isIn(0, 143);
        } finally {
            p.destroyForcibly();
        }
    }

    static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url + "/get-online-features")).timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Rows in a get-online-features answer (the first result's value count). */
    static long jsonRows(String body) {
        try {
            return JSON.readTree(body).at("/results/0/values").size();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
