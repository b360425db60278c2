package dev.larder.engine;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A view's offline source file.
 *
 * @param location               an absolute local path, or a URI with a scheme (hdfs://, s3a://) that
 *                               engines able to read it (Spark) accept
 * @param declaredPath           the path as written in features.yaml, for messages
 * @param format                 how to read it
 * @param timestampField         the event-time column
 * @param createdTimestampColumn the created-time column breaking ties between equal event times; may be null
 */
public record OfflineSource(String location, String declaredPath, Format format, String timestampField,
                            String createdTimestampColumn) implements Serializable {
    public enum Format { PARQUET, CSV }

    public OfflineSource {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(declaredPath, "declaredPath");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(timestampField, "timestampField");
        if (createdTimestampColumn != null && createdTimestampColumn.isBlank()) createdTimestampColumn = null;
    }

    /** Whether the location is a URI with a scheme rather than a local path. */
    public boolean isUri() {
        return hasScheme(location);
    }

    /** The local file; only for {@link #isUri()} false. */
    public Path localFile() {
        if (isUri()) throw new IllegalStateException(location + " is not a local file");
        return Path.of(location);
    }

    /** Whether the (lowercase) name ends with {@code .gz}. */
    public boolean isGzip() {
        return location.toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    /** A path written as {@code scheme://...} (two letters or more, so a Windows drive is not one). */
    public static boolean hasScheme(String path) {
        return path.matches("[A-Za-z][A-Za-z0-9+.-]+://.*");
    }
}
