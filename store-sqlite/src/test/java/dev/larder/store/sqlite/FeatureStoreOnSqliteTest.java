package dev.larder.store.sqlite;

import dev.larder.FeatureStore;
import dev.larder.FieldStatus;
import dev.larder.LarderException;
import dev.larder.OnlineResponse;
import dev.larder.config.RepoConfig;
import dev.larder.spi.ConfigException;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The FeatureStore facade over the embedded default, configured from a feature_store.yaml. */
class FeatureStoreOnSqliteTest {
    static final FeatureView DRIVER = FeatureView.of("driver_stats", new Field("driver_id", ValueType.INT64),
            List.of(new Field("conv_rate", ValueType.FLOAT), new Field("trips", ValueType.INT64)), Duration.ofDays(1));
    static final FeatureView CUSTOMER = FeatureView.of("customer_stats", new Field("customer_id", ValueType.STRING),
            List.of(new Field("spend", ValueType.DOUBLE)), Duration.ZERO);
    static final FeatureView DRIVER_EXTRA = FeatureView.of("driver_extra", new Field("driver_id", ValueType.INT64),
            List.of(new Field("rating", ValueType.DOUBLE)), Duration.ZERO);

    @TempDir
    Path repo;
    FeatureStore fs;

    @BeforeEach
    void open() throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), "project: demo\nonline_store:\n  type: sqlite\n  path: data/online.db\n");
        fs = FeatureStore.builder().config(RepoConfig.load(repo)).views(List.of(DRIVER, CUSTOMER, DRIVER_EXTRA)).build();
        fs.onlineStore().update(InfraChange.keep(List.of(DRIVER, CUSTOMER, DRIVER_EXTRA)));
        Instant now = Instant.now();
        fs.write("driver_stats", List.of(
                new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1)), Map.of("conv_rate", Value.ofFloat(0.5f), "trips", Value.ofInt64(10)), now),
                new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(2)), Map.of("conv_rate", Value.ofFloat(0.7f), "trips", Value.ofInt64(20)), now)));
        fs.write("customer_stats", List.of(new FeatureRow(EntityKey.of("customer_id", Value.ofString("C-1")), Map.of("spend", Value.ofDouble(9.5)), now)));
        fs.write("driver_extra", List.of(new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(2)), Map.of("rating", Value.ofDouble(4.5)), now)));
    }

    @AfterEach
    void close() {
        fs.close();
    }

    @Test
    void readsSeveralViewsWithEachViewsOwnJoinKeys() {
        OnlineResponse r = fs.getOnlineFeatures(List.of("driver_stats:trips", "customer_stats:spend", "driver_extra:rating", "driver_stats:conv_rate"),
                List.of(Map.of("driver_id", 2L, "customer_id", "C-1"), Map.of("driver_id", 1, "customer_id", "C-9"), Map.of("driver_id", "2", "customer_id", "C-1")));
        assertThat(r.featureNames()).containsExactly("driver_id", "customer_id", "trips", "spend", "rating", "conv_rate");
        assertThat(r.column("trips").values()).containsExactly(Value.ofInt64(20), Value.ofInt64(10), Value.ofInt64(20));
        assertThat(r.column("spend").statuses()).containsExactly(FieldStatus.PRESENT, FieldStatus.NOT_FOUND, FieldStatus.PRESENT);
        assertThat(r.column("rating").statuses()).containsExactly(FieldStatus.PRESENT, FieldStatus.NOT_FOUND, FieldStatus.PRESENT);
        assertThat(r.value(1, "driver_stats:conv_rate")).isEqualTo(Value.ofFloat(0.5f));
        assertThat(r.column("driver_id").values()).containsExactly(Value.ofInt64(2), Value.ofInt64(1), Value.ofInt64(2));
    }

    @Test
    void fullFeatureNames() {
        OnlineResponse r = fs.getOnlineFeatures(List.of("driver_stats:trips", "driver_stats:trips"), List.of(Map.of("driver_id", 1L)), true);
        assertThat(r.featureNames()).containsExactly("driver_id", "driver_stats__trips");
    }

    @Test
    void sameFeatureNameFromTwoViewsNeedsFullNames() {
        FeatureView other = FeatureView.of("driver_more", new Field("driver_id", ValueType.INT64),
                List.of(new Field("trips", ValueType.INT64)), Duration.ZERO);
        try (FeatureStore two = FeatureStore.builder().store("demo", fs.onlineStore()).views(List.of(DRIVER, other)).build()) {
            assertThatThrownBy(() -> two.getOnlineFeatures(List.of("driver_stats:trips", "driver_more:trips"), List.of(Map.of("driver_id", 1L))))
                    .hasMessage("Feature name 'trips' is requested from views 'driver_stats' and 'driver_more'; request full feature names (view__feature) to tell them apart");
            fs.onlineStore().update(InfraChange.keep(List.of(other)));
            assertThat(two.getOnlineFeatures(List.of("driver_stats:trips", "driver_more:trips"), List.of(Map.of("driver_id", 1L)), true)
                    .featureNames()).containsExactly("driver_id", "driver_stats__trips", "driver_more__trips");
        }
    }

    @Test
    void badRequestsAreClearErrors() {
        List<Map<String, Object>> rows = List.of(Map.of("driver_id", 1L));
        assertThatThrownBy(() -> fs.getOnlineFeatures(List.of("nope:trips"), rows))
                .isInstanceOf(LarderException.class)
                .hasMessage("Unknown feature view 'nope'. Available: [customer_stats, driver_extra, driver_stats]");
        assertThatThrownBy(() -> fs.getOnlineFeatures(List.of("driver_stats:tripz"), rows))
                .hasMessage("Feature view 'driver_stats' has no feature 'tripz'. Features: [conv_rate, trips]");
        assertThatThrownBy(() -> fs.getOnlineFeatures(List.of("trips"), rows))
                .hasMessageContaining("must have the form view:feature");
        assertThatThrownBy(() -> fs.getOnlineFeatures(List.of("customer_stats:spend"), rows))
                .hasMessage("Entity row 0 [driver_id] lacks join key 'customer_id' needed by feature view 'customer_stats'");
        assertThatThrownBy(() -> fs.getOnlineFeatures(List.of("driver_stats:trips"), List.of(Map.of("driver_id", "one"))))
                .hasMessage("Join key 'driver_id' is INT64; the value 'one' (String) is not a valid INT64");
    }

    @Test
    void writesAreTypeChecked() {
        FeatureRow wrong = new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1)), Map.of("trips", Value.ofString("ten")), Instant.now());
        assertThatThrownBy(() -> fs.write("driver_stats", List.of(wrong)))
                .hasMessage("Feature 'driver_stats:trips' is INT64; got a STRING value for entity {driver_id=INT64(1)}");
        FeatureRow unknown = new FeatureRow(EntityKey.of("driver_id", Value.ofInt64(1)), Map.of("speed", Value.ofInt64(1)), Instant.now());
        assertThatThrownBy(() -> fs.write("driver_stats", List.of(unknown)))
                .hasMessage("Feature view 'driver_stats' has no feature 'speed'. Features: [conv_rate, trips]");
    }

    /** Issue 13 item 9: a FeatureStore that cannot be built (no registry, a view twice) closes the store it opened. */
    @Test
    void aFailedOpenReleasesTheStoreItOpened() throws Exception {
        Path r = repo.resolve("unapplied");
        Files.createDirectories(r.resolve("data"));
        Files.writeString(r.resolve("feature_store.yaml"), "project: unapplied\nonline_store:\n  type: sqlite\n  path: data/online.db\n");
        Path db = r.resolve("data/online.db").toAbsolutePath();
        assertThatThrownBy(() -> FeatureStore.open(r)).isInstanceOf(LarderException.class).hasMessageContaining("registry");
        assertThat(openFilesOf(db)).as("descriptors still open on %s after a failed open", db).isZero();
        assertThatThrownBy(() -> FeatureStore.builder().config(RepoConfig.load(r)).views(List.of(DRIVER, DRIVER)).build())
                .isInstanceOf(RuntimeException.class).hasMessageContaining("driver_stats");
        assertThat(openFilesOf(db)).as("descriptors still open on %s after a failed build", db).isZero();
    }

    /** This process's open file descriptors on the file (or its -wal and -shm companions), from /proc/self/fd. */
    static long openFilesOf(Path file) throws java.io.IOException {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(file.toString());
                } catch (java.io.IOException e) {
                    return false; // closed while listing
                }
            }).count();
        }
    }

    @Test
    void unknownStoreTypeListsTheInstalledOnes() throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), "project: demo\nonline_store:\n  type: redsi\n");
        assertThatThrownBy(() -> FeatureStore.builder().config(RepoConfig.load(repo)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("online_store.type: Unknown online store type 'redsi'. Available: [")
                .hasMessageContaining("sqlite");
    }

    @Test
    void unknownAndMistypedStoreOptionsNameFileKeyAndValue() throws Exception {
        Files.writeString(repo.resolve("feature_store.yaml"), "project: demo\nonline_store:\n  type: sqlite\n  pth: x.db\n  read_pool_size: lots\n");
        String file = repo.resolve("feature_store.yaml").toString();
        assertThatThrownBy(() -> FeatureStore.builder().config(RepoConfig.load(repo)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        file + ": online_store.read_pool_size: 'lots' is not valid; expected a whole number from 1 to 64",
                        file + ": online_store.pth: unknown option for the sqlite store; valid options: [busy_timeout, ek_index, path, read_only, read_pool_size, read_pool_timeout]"));
    }
}
