package dev.larder.registry;

import dev.larder.LarderException;
import dev.larder.config.RegistryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.larder.registry.RegistryTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Registry updates from several JVMs at once (what concurrent CLI runs are): processes, not
 * threads, since a lock that works within one JVM was exactly what lost watermarks.
 */
class RegistryLockProcessesTest {
    static final int PROCESSES = 4;
    static final int VIEWS_EACH = 30;

    @TempDir
    Path repo;

    static Process java(Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    static String finish(Process p) throws Exception {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child process finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void processesRecordingWatermarksOfDisjointViewsLoseNone() throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), "project: demo\nregistry: data/registry.json\n");
        String[] names = IntStream.range(0, PROCESSES * VIEWS_EACH).mapToObj(i -> "v" + i).toArray(String[]::new);
        RegistryFilesTest.applied(names).save(repo.resolve("data/registry.json"));

        List<Process> children = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            children.add(java(RecordWatermarksProcess.class, repo.toString(), Integer.toString(p * VIEWS_EACH), Integer.toString(VIEWS_EACH)));
        }
        for (Process p : children) finish(p);

        Registry after = Registry.load(repo.resolve("data/registry.json")).orElseThrow();
        for (int i = 0; i < names.length; i++) {
            assertThat(after.view(names[i]).orElseThrow().watermark()).as(names[i]).contains(RecordWatermarksProcess.end(i));
        }
    }

    @Test
    void aWriterWaitsForTheLockAtMostItsTimeoutAndSaysWhichFile() throws Exception {
        Path file = repo.resolve("data/registry.json");
        RegistryFilesTest.applied("a").save(file);
        String before = Files.readString(file);
        Process holder = java(HoldRegistryLockProcess.class, file.toString(), "30000");
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("locked");
            LarderJsonRegistryStore store = new LarderJsonRegistryStore(RegistryConfig.file(file, Duration.ZERO), Duration.ofMillis(300));
            long began = System.nanoTime();
            assertThatThrownBy(() -> store.save(RegistryFilesTest.applied("a", "b"))).isInstanceOf(LarderException.class)
                    .hasMessageContaining(repo.resolve("data/registry.json.lock").toString())
                    .hasMessageContaining("held the registry lock for more than 300 ms").hasMessageContaining("nothing was changed");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
            assertThat(Files.readString(file)).isEqualTo(before);
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        // The operating system released the killed holder's lock: the next writer goes ahead.
        new LarderJsonRegistryStore(RegistryConfig.file(file, Duration.ZERO), Duration.ofSeconds(10)).save(RegistryFilesTest.applied("a", "b"));
        assertThat(Registry.load(file).orElseThrow().views()).containsOnlyKeys("a", "b");
    }

    /** A child: records a watermark for each of its views, one registry update per view, as fast as it can. */
    public static final class RecordWatermarksProcess {
        static java.time.Instant end(int view) {
            return T0.plusSeconds(3600L + view);
        }

        public static void main(String[] args) {
            Repository repo = Repository.open(Path.of(args[0]));
            int first = Integer.parseInt(args[1]);
            int count = Integer.parseInt(args[2]);
            for (int i = first; i < first + count; i++) {
                repo.recordMaterialized("v" + i, new Registry.Interval(T0, end(i)));
            }
        }
    }

    /** A child: takes the registry lock, says so, and holds it until killed or the time is up. */
    public static final class HoldRegistryLockProcess {
        public static void main(String[] args) {
            RegistryFileLock.holding(Path.of(args[0]), Duration.ofSeconds(10), () -> {
                System.out.println("locked");
                System.out.flush();
                try {
                    Thread.sleep(Long.parseLong(args[1]));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
        }
    }
}
