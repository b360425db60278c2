package dev.larder.materialize;

import dev.larder.LarderException;
import dev.larder.engine.MaterializationTask;
import dev.larder.engine.OfflineSource;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Checks of a local source file that every engine makes before reading it, and the explanation of
 * a failed read, so that a missing, empty, truncated or malformed file gets the same clear message
 * whichever engine reads it. Engines' own errors ("CSV Error on Line: 99522") say what the parser
 * saw, not what is wrong with the file.
 */
public final class SourceFiles {
    private static final int BUFFER = 1 << 16;

    private SourceFiles() {
    }

    /**
     * Checks a local source before it is read: it exists, is a regular file and, when gzip
     * compressed, is complete (a truncated gzip file would otherwise load the rows before the cut
     * as if they were all). URIs are left to the engine.
     *
     * @return a note saying why there is nothing to load (an empty file), or empty
     * @throws LarderException naming the file when it is missing, not a file, unreadable or truncated
     */
    public static Optional<String> check(MaterializationTask task) {
        OfflineSource src = task.source();
        if (src.isUri()) return Optional.empty();
        Path file = src.localFile();
        String where = task.where();
        if (!Files.exists(file)) {
            throw new LarderException(where + "source file " + file + " not found (source.path '" + src.declaredPath() + "' in features.yaml)");
        }
        if (!Files.isRegularFile(file)) {
            throw new LarderException(where + "source " + file + " is not a file");
        }
        try {
            if (Files.size(file) == 0) {
                return Optional.of("source file " + file + " is empty; nothing to materialize");
            }
        } catch (IOException e) {
            throw new LarderException(where + "cannot read source file " + file + ": " + reason(e), e);
        }
        if (src.isGzip()) {
            checkGzipComplete(where, file);
        }
        return Optional.empty();
    }

    /** Reads a gzip file to its end: a stream cut short fails here, before any row is written. */
    static void checkGzipComplete(String where, Path file) {
        byte[] buf = new byte[BUFFER];
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER), BUFFER)) {
            while (in.read(buf) >= 0) {
                // decompress and discard: only whether the stream ends properly matters
            }
        } catch (EOFException e) {
            throw new LarderException(where + file + " is truncated: its gzip stream ends before the end of the data"
                    + " (an interrupted copy or download?); replace it with the complete file", e);
        } catch (ZipException e) {
            throw new LarderException(where + file + " is not a valid gzip file (" + reason(e) + "); it is corrupt or not gzip-compressed", e);
        } catch (IOException e) {
            throw new LarderException(where + "cannot read source file " + file + ": " + reason(e), e);
        }
    }

    /**
     * Explains why an engine could not read a CSV source, when the file's structure says why: the
     * first line whose number of fields differs from the header's (a last line cut short, a line
     * with an extra separator). Only local files are looked at.
     *
     * @return the explanation (naming the file and line), or empty when the file looks well formed
     */
    public static Optional<String> explainCsv(OfflineSource src) {
        if (src.isUri() || src.format() != OfflineSource.Format.CSV) return Optional.empty();
        Path file = src.localFile();
        char sep = src.location().toLowerCase(java.util.Locale.ROOT).matches(".*\\.tsv(\\.gz)?") ? '\t' : ',';
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
             Reader r = new BufferedReader(new InputStreamReader(src.isGzip() ? new GZIPInputStream(raw, BUFFER) : raw, StandardCharsets.UTF_8), BUFFER)) {
            CsvShape shape = new CsvShape(r, sep);
            int header = shape.nextRecord();
            if (header <= 0) return Optional.empty();
            int fields;
            while ((fields = shape.nextRecord()) >= 0) {
                if (fields != header && !shape.lastRecordBlank) {
                    int line = shape.recordStartLine;
                    boolean last = isLast(shape);
                    return Optional.of(file + ": line " + line + " has " + fields + " field" + (fields == 1 ? "" : "s")
                            + " but the header has " + header + (last ? " (the last line is incomplete: was the file cut short?)"
                            : " (a malformed line: a missing or extra separator, or an unclosed quote)"));
                }
            }
            return Optional.empty();
        } catch (EOFException e) {
            return Optional.of(file + " is truncated: its gzip stream ends before the end of the data; replace it with the complete file");
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isLast(CsvShape shape) throws IOException {
        int n;
        while ((n = shape.nextRecord()) >= 0) {
            if (!shape.lastRecordBlank) return false;
        }
        return true;
    }

    /** The OS's reason in a file error: "no such file", "permission denied", ... */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Counts the fields of each CSV record (RFC 4180 quoting: "" inside quotes, newlines inside quotes). */
    private static final class CsvShape {
        private final Reader in;
        private final char sep;
        private int line = 1;
        int recordStartLine;
        boolean lastRecordBlank;

        CsvShape(Reader in, char sep) {
            this.in = in;
            this.sep = sep;
        }

        /** The number of fields of the next record, or -1 at the end of the input. */
        int nextRecord() throws IOException {
            recordStartLine = line;
            int fields = 1;
            boolean quoted = false;
            boolean any = false;
            int c;
            while ((c = in.read()) >= 0) {
                any = true;
                if (quoted) {
                    if (c == '"') {
                        in.mark(1);
                        int d = in.read();
                        if (d != '"') {
                            quoted = false;
                            if (d >= 0) in.reset();
                        }
                    } else if (c == '\n') {
                        line++;
                    }
                } else if (c == '"') {
                    quoted = true;
                    anyContent = true;
                } else if (c == sep) {
                    fields++;
                } else if (c == '\n') {
                    line++;
                    lastRecordBlank = fields == 1 && !anyContent;
                    anyContent = false;
                    return fields;
                } else if (c != '\r') {
                    anyContent = true;
                }
            }
            if (!any) return -1;
            lastRecordBlank = fields == 1 && !anyContent;
            anyContent = false;
            return fields;
        }

        private boolean anyContent;
    }
}
