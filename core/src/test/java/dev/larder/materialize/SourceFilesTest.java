package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.engine.MaterializationTask;
import dev.larder.engine.OfflineSource;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks every engine relies on, on real files: truncated gzip, malformed CSV lines, missing and empty files. */
class SourceFilesTest {
    @TempDir
    Path dir;

    static final FeatureView VIEW = FeatureView.of("users", new Field("user_id", ValueType.INT64),
            List.of(new Field("name", ValueType.STRING)), Duration.ZERO);

    MaterializationTask task(Path file) {
        String p = file.toString();
        OfflineSource.Format f = p.contains(".csv") ? OfflineSource.Format.CSV : OfflineSource.Format.PARQUET;
        return new MaterializationTask(VIEW, new OfflineSource(p, file.getFileName().toString(), f, "ts", null), Instant.EPOCH, Instant.EPOCH);
    }

    static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static String rows(int n) {
        StringBuilder sb = new StringBuilder("user_id,ts,name\n");
        for (int i = 0; i < n; i++) sb.append(i).append(",2024-05-01 10:00:00,name-").append(i).append('\n');
        return sb.toString();
    }

    @Test
    void aTruncatedGzipFileFailsWhereverItIsCut() throws Exception {
        byte[] full = gzip(rows(50_000));
        Path file = dir.resolve("users.csv.gz");
        Files.write(file, full);
        assertThat(SourceFiles.check(task(file))).isEmpty();
        for (int k = 1; k <= 8; k++) {
            Files.write(file, Arrays.copyOf(full, full.length * k / 9));
            assertThatThrownBy(() -> SourceFiles.check(task(file))).as("cut at %d/9", k).isInstanceOf(LarderException.class)
                    .hasMessage("feature view 'users': " + file + " is truncated: its gzip stream ends before the end of the data"
                            + " (an interrupted copy or download?); replace it with the complete file");
        }
        Files.write(file, Arrays.copyOf(full, full.length - 4)); // only the trailer's length field is missing
        assertThatThrownBy(() -> SourceFiles.check(task(file))).hasMessageContaining("is truncated");
        Files.writeString(file, "not gzip at all");
        assertThatThrownBy(() -> SourceFiles.check(task(file))).hasMessageContaining("is not a valid gzip file");
    }

    @Test
    void aCsvWhoseLastLineLostAColumnSaysSo() throws Exception {
        Path file = dir.resolve("users.csv");
        Files.writeString(file, rows(1000) + "1000,2024-05-01 10:00:00\n");
        assertThat(SourceFiles.explainCsv(task(file).source())).hasValue(file
                + ": line 1002 has 2 fields but the header has 3 (the last line is incomplete: was the file cut short?)");
        Files.writeString(file, rows(3) + "3,2024-05-01 10:00:00\n4,2024-05-01 10:00:00,name-4\n");
        assertThat(SourceFiles.explainCsv(task(file).source())).hasValue(file
                + ": line 5 has 2 fields but the header has 3 (a malformed line: a missing or extra separator, or an unclosed quote)");
    }

    @Test
    void quotedSeparatorsAndNewlinesAreOneField() throws Exception {
        Path file = dir.resolve("users.csv");
        Files.writeString(file, "user_id,ts,name\n1,2024-05-01 10:00:00,\"a, b\"\n2,2024-05-01 10:00:00,\"two\nlines \"\"quoted\"\"\"\n\n");
        assertThat(SourceFiles.explainCsv(task(file).source())).isEmpty();
    }

    @Test
    void missingAndEmptyFiles() throws Exception {
        Path missing = dir.resolve("none.parquet");
        assertThatThrownBy(() -> SourceFiles.check(task(missing))).hasMessage("feature view 'users': source file " + missing
                + " not found (source.path 'none.parquet' in features.yaml)");
        Path empty = Files.createFile(dir.resolve("empty.parquet"));
        assertThat(SourceFiles.check(task(empty))).hasValue("source file " + empty + " is empty; nothing to materialize");
        assertThatThrownBy(() -> SourceFiles.check(task(dir))).hasMessageContaining("is not a file");
    }
}
