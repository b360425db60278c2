package dev.larder.definitions;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A feature view's offline source: a Parquet or CSV file.
 *
 * @param path                   the file, relative to the repository (or absolute)
 * @param timestampField         the event-time column
 * @param createdTimestampColumn the created-time column that breaks ties between rows with the same event time; may be null
 * @param name                   the source's name (Feast's data source name); null when features.yaml gives none
 */
public record SourceDefinition(String path, String timestampField, String createdTimestampColumn, String name) {
    public enum Format { PARQUET, CSV }

    public SourceDefinition {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(timestampField, "timestampField");
        if (createdTimestampColumn != null && createdTimestampColumn.isBlank()) createdTimestampColumn = null;
        if (name != null && name.isBlank()) name = null;
    }

    public SourceDefinition(String path, String timestampField, String createdTimestampColumn) {
        this(path, timestampField, createdTimestampColumn, null);
    }

    public Path resolve(Path repo) {
        return repo.resolve(path).toAbsolutePath().normalize();
    }

    /** CSV for {@code .csv} and {@code .csv.gz} files, Parquet otherwise. */
    public Format format() {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".csv") || p.endsWith(".csv.gz") || p.endsWith(".tsv") ? Format.CSV : Format.PARQUET;
    }
}
