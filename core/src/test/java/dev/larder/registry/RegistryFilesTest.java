package dev.larder.registry;

import dev.larder.LarderException;
import dev.larder.config.RegistryConfig;
import dev.larder.definitions.Definitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.larder.registry.RegistryTest.DRIVER;
import static dev.larder.registry.RegistryTest.STATS;
import static dev.larder.registry.RegistryTest.T0;
import static dev.larder.registry.RegistryTest.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How Larder's registry file is written and read back: symbolic links, permissions, leftovers of killed runs, damage. */
class RegistryFilesTest {
    @TempDir
    Path dir;

    static Registry applied(String... views) {
        return Registry.empty("demo").withDefinitions(new Definitions(List.of(DRIVER),
                Stream.of(views).map(v -> view(v, STATS, Duration.ZERO)).toList()), List.of(), T0);
    }

    static RegistryStore store(Path file) {
        return RegistryStores.open(RegistryConfig.file(file, Duration.ZERO));
    }

    @Test
    void aSymlinkedRegistryIsWrittenThroughAndStaysALink() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared")).resolve("registry.json");
        applied("a").save(shared);
        Path link = Files.createDirectories(dir.resolve("repo/data")).resolve("registry.json");
        Files.createSymbolicLink(link, shared);

        store(link).recordMaterialized("demo", Map.of("a", new Registry.Interval(T0, T0.plusSeconds(60))), "sqlite data/online.db", T0);

        assertThat(Files.isSymbolicLink(link)).as("the link is kept").isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(shared);
        assertThat(Registry.load(shared).orElseThrow().view("a").orElseThrow().watermark()).as("the target holds the update")
                .contains(T0.plusSeconds(60));
        assertThat(Files.list(dir.resolve("repo/data")).map(p -> p.getFileName().toString()))
                .as("nothing but the link (and its lock sits next to the target)").containsExactly("registry.json");
    }

    @Test
    void aRelativeLinkChainIsFollowed() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        applied("a").save(data.resolve("real.json"));
        Files.createSymbolicLink(data.resolve("middle.json"), Path.of("real.json"));
        Files.createSymbolicLink(data.resolve("registry.json"), Path.of("middle.json"));
        store(data.resolve("registry.json")).save(applied("a", "b"));
        assertThat(Files.isSymbolicLink(data.resolve("registry.json"))).isTrue();
        assertThat(Files.isSymbolicLink(data.resolve("middle.json"))).isTrue();
        assertThat(Registry.load(data.resolve("real.json")).orElseThrow().views()).containsOnlyKeys("a", "b");
    }

    @Test
    void aDanglingLinkCreatesItsTargetInAnExistingDirectory() throws Exception {
        Path target = Files.createDirectories(dir.resolve("shared")).resolve("registry.json");
        Path link = dir.resolve("registry.json");
        Files.createSymbolicLink(link, target);
        assertThat(store(link).load("demo")).as("nothing applied yet").isEmpty();
        store(link).save(applied("a"));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Registry.load(target).orElseThrow().views()).containsOnlyKeys("a");
    }

    @Test
    void aDanglingLinkIntoAMissingDirectoryIsRefusedNamingBoth() throws Exception {
        Path target = dir.resolve("unmounted/registry.json");
        Path link = dir.resolve("registry.json");
        Files.createSymbolicLink(link, target);
        assertThatThrownBy(() -> store(link).save(applied("a"))).isInstanceOf(LarderException.class)
                .hasMessageContaining(link.toString()).hasMessageContaining(target.toString()).hasMessageContaining("does not exist");
        assertThat(dir.resolve("unmounted")).doesNotExist();
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void anExistingRegistryKeepsItsPermissions() throws Exception {
        Path file = dir.resolve("registry.json");
        applied("a").save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        store(file).save(applied("a", "b"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        store(file).recordMaterialized("demo", Map.of("b", new Registry.Interval(T0, T0)), null, T0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw-r--");
    }

    @Test
    void aNewRegistryGetsTheUmasksPermissionsLikeAnyNewFile() throws Exception {
        Path file = dir.resolve("data/registry.json");
        store(file).save(applied("a"));
        Path plain = Files.createFile(dir.resolve("data/plain-new-file"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .as("not createTempFile's rw-------").isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
    }

    @Test
    void temporaryFilesOfKilledRunsAreRemovedAtTheNextWrite() throws Exception {
        Path file = dir.resolve("registry.json");
        applied("a").save(file);
        Path oldStyle = Files.createFile(dir.resolve("registry.json8123512345.tmp"));  // what a SIGTERM left before
        Path newStyle = Files.createFile(dir.resolve("registry.json.1a2b3c4d.tmp"));
        Path backup = Files.writeString(dir.resolve("registry.json.corrupt-20240101T000000Z"), "{");
        Path other = Files.createFile(dir.resolve("online.db.tmp"));
        store(file).save(applied("a", "b"));
        assertThat(oldStyle).doesNotExist();
        assertThat(newStyle).doesNotExist();
        assertThat(backup).as("not a temporary file").exists();
        assertThat(other).as("not the registry's").exists();
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFileAndTheOldRegistry() throws Exception {
        Path file = dir.resolve("registry.json");
        applied("a").save(file);
        String before = Files.readString(file);
        Path blocker = Files.createDirectories(dir.resolve("registry.json.lock")); // a directory cannot be locked
        assertThatThrownBy(() -> store(file).save(applied("a", "b"))).isInstanceOf(LarderException.class)
                .hasMessageContaining(blocker.toString()).hasMessageContaining("cannot lock the registry");
        assertThat(Files.readString(file)).isEqualTo(before);

        Path occupied = Files.createDirectories(dir.resolve("sub/registry.json/x")).getParent(); // the rename onto it fails
        assertThatThrownBy(() -> applied("a").save(occupied)).isInstanceOf(LarderException.class)
                .hasMessageContaining(occupied + ": cannot write the registry: ");
        try (Stream<Path> files = Files.list(dir.resolve("sub"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("registry.json");
        }
    }

    @Test
    void anEmptyRegistrySaysItIsEmptyAndHowToRebuildIt() throws Exception {
        Path file = Files.createFile(dir.resolve("registry.json"));
        assertThatThrownBy(() -> Registry.load(file)).isInstanceOf(DamagedRegistryException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("is empty (0 bytes)")
                .hasMessageContaining("larder apply").hasMessageContaining("materialize again")
                .hasMessageNotContaining("version -1");
    }

    @Test
    void aRegistryWithoutAVersionIsDamagedButAnotherVersionIsNot() throws Exception {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, "[1, 2]");
        assertThatThrownBy(() -> Registry.load(file)).isInstanceOf(DamagedRegistryException.class).hasMessageContaining("damaged");
        Files.writeString(file, "{\"larder_registry_version\": 7}");
        assertThatThrownBy(() -> Registry.load(file)).isNotInstanceOf(DamagedRegistryException.class)
                .hasMessageContaining("format version 7 is not supported");
    }

    @Test
    void unreadableRegistrySaysWhyInTheOperatingSystemsWords() throws Exception {
        Path file = Files.createDirectories(dir.resolve("registry.json"));
        assertThatThrownBy(() -> Registry.load(file)).hasMessageContaining(file + ": cannot read the registry: ")
                .hasMessageContaining("directory");
    }

    @Test
    void watermarksBelongToTheStoreTheyWereWrittenTo() {
        Registry r = applied("a", "b").withMaterialized(Map.of("a", new Registry.Interval(T0, T0.plusSeconds(10))), "sqlite data/online.db", T0)
                .withMaterialized(Map.of("b", new Registry.Interval(T0, T0.plusSeconds(20))), null, T0);
        Path file = dir.resolve("registry.json");
        r.save(file);
        Registry back = Registry.load(file).orElseThrow();
        Registry.ViewEntry a = back.view("a").orElseThrow();
        assertThat(a.store()).isEqualTo("sqlite data/online.db");
        assertThat(a.watermark("sqlite data/online.db")).contains(T0.plusSeconds(10));
        assertThat(a.watermark("redis redis localhost:6379/0")).as("another store's watermark does not count").isEmpty();
        assertThat(back.view("b").orElseThrow().watermark("redis redis localhost:6379/0"))
                .as("a registry without the store recorded (older Larder) keeps its watermarks").contains(T0.plusSeconds(20));

        Registry moved = back.withMaterialized(Map.of("a", new Registry.Interval(T0.plusSeconds(5), T0.plusSeconds(6))), "redis redis localhost:6379/0", T0);
        assertThat(moved.view("a").orElseThrow().materialized()).as("a new history for the new store")
                .containsExactly(new Registry.Interval(T0.plusSeconds(5), T0.plusSeconds(6)));

        RepoPlan plan = RepoPlan.compute(back, back.definitions(), "redis redis localhost:6379/0", null);
        assertThat(plan.hasChanges()).isTrue();
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w)
                .contains("online store changed from sqlite data/online.db to redis redis localhost:6379/0").contains("[a]")
                .contains("materialize again"));
        Registry afterApply = back.withDefinitions(back.definitions(), plan.viewsToReset(), "redis redis localhost:6379/0", Instant.EPOCH);
        assertThat(afterApply.view("a").orElseThrow().materialized()).isEmpty();
        assertThat(afterApply.view("b").orElseThrow().watermark()).contains(T0.plusSeconds(20));
        assertThat(RepoPlan.compute(back, back.definitions(), "sqlite data/online.db", null).hasChanges()).isFalse();
    }
}
