package dev.larder.store.sqlite;

import dev.larder.spi.Capability;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 21 item 12: serving a materialized file from a read-only directory (a container image).
 * The directory is made read-only for real: a read-only bind mount when the test runs as root
 * (root ignores permission bits), permission bits otherwise.
 */
class SqliteReadOnlyTest {
    static final FeatureView VIEW = FeatureView.of("v", new Field("id", ValueType.INT64), List.of(new Field("n", ValueType.INT64)), Duration.ZERO);
    static final EntityKey K = EntityKey.of("id", Value.ofInt64(7));

    @TempDir
    Path tmp;

    @Test
    void servesAReadOnlyCopyAndRefusesToWrite() throws Exception {
        Path source = tmp.resolve("build");
        try (OnlineStore writer = open(source, Map.of())) {
            writer.update(InfraChange.keep(List.of(VIEW)));
            writer.write(VIEW, List.of(new FeatureRow(K, Map.of("n", Value.ofInt64(42)), Instant.parse("2024-01-01T00:00:00Z"))), r -> { });
        }
        Path shipped = tmp.resolve("image");
        Files.createDirectories(shipped.resolve("data"));
        Files.copy(source.resolve("data/online.db"), shipped.resolve("data/online.db"));
        String digest = sha256(shipped.resolve("data/online.db"));
        try (ReadOnlyDirectory ro = ReadOnlyDirectory.of(shipped.resolve("data"))) {
            assertThat(Files.isWritable(ro.path())).as("the directory really is read-only").isFalse();
            assertThatThrownBy(() -> Files.createFile(ro.path().resolve("probe"))).isInstanceOf(IOException.class);

            try (OnlineStore serving = open(ro.root(), Map.of("read_only", true))) {
                assertThat(serving.read(VIEW, List.of(K, EntityKey.of("id", Value.ofInt64(8))), List.of("n")))
                        .extracting(r -> r.values().get("n")).containsExactly(Value.ofInt64(42), null);
                assertThat(serving.plan(InfraChange.keep(List.of(VIEW)))).singleElement()
                        .satisfies(c -> assertThat(c.action()).isEqualTo(dev.larder.spi.PlannedChange.Action.UNCHANGED));
                assertThat(serving.capabilities()).contains(Capability.READ, Capability.BATCHED_READ)
                        .doesNotContain(Capability.WRITE, Capability.UPDATE_INFRA, Capability.TEARDOWN, Capability.CONCURRENT_WRITES_SAME_KEY);
                assertThatThrownBy(() -> serving.write(VIEW, List.of(new FeatureRow(K, Map.of("n", Value.ofInt64(1)), Instant.now())), r -> { }))
                        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("read_only");
                assertThatThrownBy(() -> serving.update(InfraChange.keep(List.of(VIEW)))).isInstanceOf(UnsupportedOperationException.class);
                assertThatThrownBy(() -> serving.teardown(List.of(VIEW))).isInstanceOf(UnsupportedOperationException.class);
            }
            assertThatThrownBy(() -> open(ro.root(), Map.of())).as("without read_only the store needs a writable directory")
                    .isInstanceOf(dev.larder.spi.OnlineStoreException.class);
        }
        try (var files = Files.list(shipped.resolve("data"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("online.db");
        }
        assertThat(sha256(shipped.resolve("data/online.db"))).as("the file is untouched").isEqualTo(digest);
    }

    @Test
    void aMissingFileIsAClearErrorInReadOnlyMode() {
        assertThatThrownBy(() -> open(tmp.resolve("nothing"), Map.of("read_only", true)))
                .hasMessageContaining("read_only is set and the database file does not exist");
    }

    static OnlineStore open(Path repo, Map<String, Object> options) {
        return new SqliteStoreProvider().create(new StoreContext("p", repo, StoreOptions.of("sqlite", options)));
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** A directory made read-only for this process, restored on close. */
    static final class ReadOnlyDirectory implements AutoCloseable {
        private final Path dir;
        private final boolean mounted;

        private ReadOnlyDirectory(Path dir, boolean mounted) {
            this.dir = dir;
            this.mounted = mounted;
        }

        static ReadOnlyDirectory of(Path dir) throws Exception {
            if (!"root".equals(System.getProperty("user.name"))) {
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
                return new ReadOnlyDirectory(dir, false);
            }
            run("mount", "--bind", dir.toString(), dir.toString());
            try {
                run("mount", "-o", "remount,ro,bind", dir.toString());
            } catch (Exception e) {
                run("umount", dir.toString());
                throw e;
            }
            return new ReadOnlyDirectory(dir, true);
        }

        Path path() {
            return dir;
        }

        /** The repository holding the directory {@code data}. */
        Path root() {
            return dir.getParent();
        }

        @Override
        public void close() throws Exception {
            if (mounted) run("umount", dir.toString());
            else Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        private static void run(String... command) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new AssertionError("Running as root, this test makes a read-only directory with a read-only bind mount, which failed: "
                        + String.join(" ", command) + ": " + out.trim() + " (the test needs CAP_SYS_ADMIN, or run it as a non-root user)");
            }
        }
    }
}
