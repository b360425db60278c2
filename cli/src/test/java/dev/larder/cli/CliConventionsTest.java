package dev.larder.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Command-line conventions: help and version everywhere, usage errors exit 2, quiet logs unless --verbose. */
class CliConventionsTest {
    @TempDir
    Path tmp;

    private final CliRunner cli = new CliRunner(Clock.fixed(Instant.parse("2024-06-01T12:34:56Z"), ZoneOffset.UTC));

    @Test
    void everyCommandTakesHelpAndVersion() {
        for (String command : List.of("init", "apply", "plan", "teardown", "materialize", "materialize-incremental", "get", "stores", "quickstart")) {
            for (String flag : List.of("--help", "-h")) {
                CliRunner.Result r = cli.run(command, flag);
                assertThat(r.code()).as("%s %s: %s", command, flag, r).isZero();
                assertThat(r.out()).as("%s %s", command, flag).contains("Usage: larder " + command);
            }
            CliRunner.Result v = cli.run(command, "--version");
            assertThat(v.code()).as("%s --version: %s", command, v).isZero();
            assertThat(v.out()).contains("larder 0.1.0");
        }
        assertThat(cli.run("-V").out()).contains("larder 0.1.0");
    }

    @Test
    void aRepeatedKeyInOneEntityIsAUsageError() {
        CliRunner.Result r = cli.run("--repo", tmp.toString(), "get", "--features", "v:f", "--entity", "driver_id=1001,driver_id=1002");
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).contains("gives 'driver_id' twice").contains("--entity driver_id=1001 --entity driver_id=1002")
                .contains("Usage: larder get");
    }

    @Test
    void anEntityWithoutKeyIsAUsageError() {
        CliRunner.Result r = cli.run("--repo", tmp.toString(), "get", "--features", "v:f", "--entity", "1001");
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).contains("expected KEY=VALUE");
    }

    @Test
    void aMissingEntitiesFileSaysWhy() throws Exception {
        Path repo = tmp.resolve("r");
        assertThat(cli.run("init", repo.toString()).code()).isZero();
        assertThat(cli.run("--repo", repo.toString(), "apply").code()).isZero();
        CliRunner.Result r = cli.run("--repo", repo.toString(), "get", "--features", "driver_hourly_stats:conv_rate",
                "--entities-file", tmp.resolve("nope.json").toString());
        assertThat(r.code()).isOne();
        assertThat(r.err()).contains("nope.json: cannot read entity rows: no such file or directory");
    }

    /** A backend that cannot be reached: one error line, no client library's warnings or stack traces, unless --verbose. */
    @Test
    void backendClientLogsStayQuietWithoutVerbose() throws Exception {
        Path repo = tmp.resolve("redis_repo");
        assertThat(cli.run("init", repo.toString()).code()).isZero();
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Files.writeString(repo.resolve("feature_store.yaml"),
                "project: driver_demo\nonline_store:\n  type: redis\n  connection_string: \"127.0.0.1:" + closed + "\"\n");
        Proc quiet = larder("--repo", repo.toString(), "apply");
        assertThat(quiet.code).as(quiet.err).isOne();
        List<String> lines = quiet.err.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stderr of a quiet run:\n%s", quiet.err).hasSize(1);
        assertThat(lines.get(0)).startsWith("error: ").contains("127.0.0.1:" + closed);
        Proc verbose = larder("--repo", repo.toString(), "--verbose", "apply");
        assertThat(verbose.code).isOne();
        assertThat(verbose.err).contains("\tat ").contains("Exception");
    }

    private record Proc(int code, String out, String err) {
    }

    /** The CLI in its own JVM, as a user runs it (logging is set up once per JVM). */
    private Proc larder(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LarderCli.class.getName()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("larder " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
