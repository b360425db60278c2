package dev.larder.registry;

import dev.larder.LarderException;
import dev.larder.config.Errors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.UUID;

/**
 * Writes a file registry (Larder's {@code registry.json}, Feast's {@code registry.db}): a temporary
 * file next to the real file, then renamed over it, so readers see the old or the new registry,
 * never half of one. A symbolic link is written through (its target is replaced, the link stays);
 * the file keeps its permissions, and a new one gets the umask's; temporary files of killed runs
 * are removed at the next write. Callers hold the {@link RegistryFileLock}.
 */
public final class RegistryFiles {
    static final String TEMP_SUFFIX = ".tmp";
    private static final int MAX_LINKS = 40;

    private RegistryFiles() {
    }

    /**
     * The file a registry path stands for: the path itself, or the final target of a chain of
     * symbolic links. A link whose target does not exist yet is followed too (writing creates the
     * target), but only into an existing directory: a missing one usually means an unmounted volume.
     */
    public static Path target(Path file) {
        Path p = file.toAbsolutePath();
        try {
            for (int hops = 0; Files.isSymbolicLink(p); hops++) {
                if (hops == MAX_LINKS) throw new LarderException(file + ": too many levels of symbolic links");
                p = p.getParent().resolve(Files.readSymbolicLink(p));
            }
        } catch (IOException e) {
            throw new LarderException(file + ": cannot follow the symbolic link: " + Errors.reason(e), e);
        }
        if (!p.equals(file.toAbsolutePath()) && !Files.exists(p) && !Files.isDirectory(p.getParent())) {
            throw new LarderException(file + " is a symbolic link to " + p + ", whose directory does not exist;"
                    + " create " + p.getParent() + " or point the link elsewhere");
        }
        return p;
    }

    /** Creates the directory the registry goes into (the link target's must exist already, see {@link #target}). */
    static void createDirectory(Path target, Path file) {
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new LarderException(file + ": cannot create the registry's directory " + target.getParent() + ": " + Errors.reason(e), e);
        }
    }

    /** Replaces the registry's content with {@code bytes}, as a whole or not at all. */
    public static void write(Path file, byte[] bytes, String what) {
        Path target = target(file);
        createDirectory(target, file);
        removeStaleTemporaryFiles(target);
        Path tmp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + TEMP_SUFFIX);
        try {
            try {
                // Not Files.createTempFile: that makes the file -rw------- whatever the umask.
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) ch.write(buf);
                    ch.force(true);
                }
                keepPermissions(target, tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new LarderException(file + ": cannot write the " + what + ": " + Errors.reason(e), e);
        }
    }

    /** Deletes the registry file (the link's target for a link; the link stays). */
    public static void delete(Path file, String what) {
        Path target = target(file);
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new LarderException(file + ": cannot delete the " + what + ": " + Errors.reason(e), e);
        }
    }

    /** An existing registry's mode (e.g. -rw-r----- set by an operator) carries over to the file that replaces it. */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        if (!Files.exists(target)) return;
        PosixFileAttributeView from = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        PosixFileAttributeView to = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (from == null || to == null) return;
        to.setPermissions(from.readAttributes().permissions());
    }

    /**
     * Temporary files a killed run left ({@code registry.json<anything>.tmp}). Safe under the
     * registry lock: no other writer has a temporary file in flight.
     */
    static void removeStaleTemporaryFiles(Path target) {
        String prefix = target.getFileName().toString();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(target.getParent(),
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(TEMP_SUFFIX))) {
            for (Path stale : dir) Files.deleteIfExists(stale);
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // Leftovers cost disk space only; the write itself decides whether the registry can be written.
        }
    }
}
