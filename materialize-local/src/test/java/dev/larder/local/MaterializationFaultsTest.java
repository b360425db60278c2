package dev.larder.local;

import dev.larder.LarderException;
import dev.larder.definitions.Definitions;
import dev.larder.engine.MaterializationEngine;
import dev.larder.engine.MaterializationProgress;
import dev.larder.engine.MaterializationTask;
import dev.larder.engine.OnlineTarget;
import dev.larder.engine.ViewOutcome;
import dev.larder.materialize.MaterializationListener;
import dev.larder.materialize.Materializer;
import dev.larder.materialize.PipelinedWriter;
import dev.larder.materialize.ViewResult;
import dev.larder.registry.RepoPlan;
import dev.larder.registry.Registry;
import dev.larder.registry.Repository;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.Value;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults during materialization through the real orchestration into a real SQLite file: a source
 * that cannot be read to its end, and any Throwable on the reading thread, fail the run and leave
 * the watermark, and the rerun completes the work.
 */
class MaterializationFaultsTest {
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant END = Instant.parse("2025-01-02T00:00:00Z");
    static final int ROWS = 200_000;

    @TempDir
    Path repo;

    @BeforeEach
    void repository() throws Exception {
        Files.createDirectories(repo.resolve("data"));
        Files.writeString(repo.resolve("feature_store.yaml"), "project: faults\nonline_store:\n  type: sqlite\n  path: data/online.db\n");
        Files.writeString(repo.resolve("features.yaml"), """
                entities:
                  - {name: user, join_keys: [user_id], value_type: INT64}
                feature_views:
                  - name: users
                    entities: [user]
                    schema:
                      - {name: name, dtype: String}
                    source: {path: data/users.csv.gz, timestamp_field: ts}
                """);
        Repository r = Repository.open(repo);
        try (OnlineStore store = r.openStore()) {
            r.apply(store, RepoPlan.compute(r.registry(), Definitions.load(repo)));
        }
    }

    /** The file: the name is the last column, so a cut inside a name still looks like a whole row. */
    static byte[] usersCsvGz() throws Exception {
        StringBuilder sb = new StringBuilder("user_id,ts,name\n");
        for (int i = 0; i < ROWS; i++) sb.append(i).append(",2025-01-01 00:00:00,name-").append(i).append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    List<ViewResult> materialize(Repository r) {
        try (OnlineStore store = r.openStore()) {
            return new Materializer(r, store, MaterializationListener.NONE).materialize(List.of(), START, END);
        }
    }

    long storedRows() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + repo.resolve("data/online.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM faults_users")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Optional<Instant> watermark() {
        return Repository.open(repo).appliedRegistry().view("users").flatMap(Registry.ViewEntry::watermark);
    }

    @Test
    void aTruncatedCsvGzFailsTheRunAndLeavesTheWatermark() throws Exception {
        byte[] full = usersCsvGz();
        Path file = repo.resolve("data/users.csv.gz");
        Repository r = Repository.open(repo);
        for (int k = 1; k <= 8; k++) {
            Files.write(file, Arrays.copyOf(full, full.length * k / 9));
            assertThatThrownBy(() -> materialize(r)).as("cut at %d/9", k).isInstanceOf(LarderException.class)
                    .hasMessageContaining(file + " is truncated: its gzip stream ends before the end of the data");
            assertThat(watermark()).isEmpty();
            assertThat(storedRows()).isZero();
        }
        Files.write(file, full); // the complete file arrives: nothing was recorded, so incremental loads it all
        try (OnlineStore store = r.openStore()) {
            List<ViewResult> results = new Materializer(r, store, MaterializationListener.NONE).materializeIncremental(List.of(), END);
            assertThat(results).singleElement().satisfies(v -> assertThat(v.rows()).isEqualTo(ROWS));
        }
        assertThat(storedRows()).isEqualTo(ROWS);
        assertThat(watermark()).contains(END);
    }

    @Test
    void aCsvWhoseLastLineLostAColumnSaysSo() throws Exception {
        StringBuilder sb = new StringBuilder("user_id,ts,name\n");
        for (int i = 0; i < 1000; i++) sb.append(i).append(",2025-01-01 00:00:00,name-").append(i).append('\n');
        sb.append("1000,2025-01-01 00:00:00\n");
        Path file = repo.resolve("data/users.csv");
        Files.writeString(file, sb);
        Files.writeString(repo.resolve("features.yaml"), Files.readString(repo.resolve("features.yaml")).replace("users.csv.gz", "users.csv"));
        Repository r = Repository.open(repo);
        try (OnlineStore store = r.openStore()) {
            r.apply(store, RepoPlan.compute(r.registry(), Definitions.load(repo)));
        }
        assertThatThrownBy(() -> materialize(r)).isInstanceOf(LarderException.class)
                .hasMessage("feature view 'users': " + file + ": line 1002 has 2 fields but the header has 3"
                        + " (the last line is incomplete: was the file cut short?)");
        assertThat(watermark()).isEmpty();
    }

    /** An engine whose reading thread hands over one batch, then dies of an Error (as an OutOfMemoryError would). */
    static final class DyingReaderEngine implements MaterializationEngine {
        @Override
        public ViewOutcome materialize(MaterializationTask task, OnlineTarget target, MaterializationProgress progress) {
            PipelinedWriter.RowBatches rows = (batchSize, sink) -> {
                List<FeatureRow> batch = new ArrayList<>();
                for (long i = 0; i < 10; i++) {
                    batch.add(new FeatureRow(EntityKey.of("user_id", Value.ofInt64(i)), Map.of("name", Value.ofString("n" + i)), START));
                }
                sink.accept(batch);
                throw new OutOfMemoryError("injected: Java heap space");
            };
            return ViewOutcome.written(PipelinedWriter.write(rows, target.store(), task.view(), 10, progress));
        }

        @Override
        public void close() {
        }
    }

    @Test
    void anErrorOnTheReadingThreadFailsTheRunAndLeavesTheWatermark() throws Exception {
        Files.write(repo.resolve("data/users.csv.gz"), usersCsvGz());
        Repository r = Repository.open(repo);
        try (OnlineStore store = r.openStore(); DyingReaderEngine engine = new DyingReaderEngine()) {
            Materializer m = new Materializer(r, store, MaterializationListener.NONE, engine);
            assertThatThrownBy(() -> m.materialize(List.of(), START, END)).isInstanceOf(LarderException.class)
                    .hasMessage("feature view 'users': reading the source failed: java.lang.OutOfMemoryError: injected: Java heap space")
                    .hasCauseInstanceOf(OutOfMemoryError.class);
        }
        assertThat(watermark()).as("rows after the first batch were never written").isEmpty();
        assertThat(storedRows()).isEqualTo(10);
        assertThat(materialize(r)).singleElement().satisfies(v -> assertThat(v.rows()).isEqualTo(ROWS));
        assertThat(storedRows()).isEqualTo(ROWS);
        assertThat(watermark()).contains(END);
    }
}
