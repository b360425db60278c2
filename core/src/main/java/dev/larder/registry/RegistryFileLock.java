package dev.larder.registry;

import dev.larder.LarderException;
import dev.larder.config.Errors;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serializes read-modify-write updates of a file registry across threads and processes: an
 * exclusive lock on the sibling file {@code <registry>.lock} (e.g. {@code registry.json.lock}),
 * held while the registry is re-read, changed and written. The operating system releases it when
 * its holder exits, killed or not, so a stale lock file is harmless; it is never deleted (deleting
 * it would let two processes lock two different files). Readers do not lock: writes are atomic renames.
 */
public final class RegistryFileLock {
    /** How long a writer waits for another one; an update holds the lock for one read and one write of the file. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final String SUFFIX = ".lock";

    /** FileChannel locks belong to the whole JVM: threads of one process queue here first. */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private RegistryFileLock() {
    }

    /** The lock file of a registry path (next to a symbolic link's target, so every link to it shares the lock). */
    public static Path lockFile(Path registryFile) {
        Path target = RegistryFiles.target(registryFile);
        return target.resolveSibling(target.getFileName() + SUFFIX);
    }

    /**
     * Runs {@code action} holding the registry's lock; re-entrant within a thread.
     *
     * @throws LarderException naming the lock file when the lock is not had within {@code timeout}
     */
    public static <T> T holding(Path registryFile, Duration timeout, Supplier<T> action) {
        Path lockFile = lockFile(registryFile);
        long deadline = System.nanoTime() + timeout.toNanos();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile.normalize(), k -> new ReentrantLock());
        try {
            if (!local.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) throw timedOut(lockFile, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LarderException(lockFile + ": interrupted while waiting for the registry lock", e);
        }
        try {
            if (local.getHoldCount() > 1) return action.get();
            RegistryFiles.createDirectory(lockFile, registryFile);
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = acquire(channel, lockFile, deadline, timeout)) {
                return action.get();
            } catch (IOException e) {
                throw new LarderException(lockFile + ": cannot lock the registry: " + Errors.reason(e), e);
            }
        } finally {
            local.unlock();
        }
    }

    private static FileLock acquire(FileChannel channel, Path lockFile, long deadline, Duration timeout) throws IOException {
        long pauseMillis = 5;
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException heldHere) {
                lock = null; // another thread of this JVM holds it through another path to the same file
            }
            if (lock != null) return lock;
            if (System.nanoTime() >= deadline) throw timedOut(lockFile, timeout);
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LarderException(lockFile + ": interrupted while waiting for the registry lock", e);
            }
            pauseMillis = Math.min(pauseMillis * 2, 100);
        }
    }

    private static LarderException timedOut(Path lockFile, Duration timeout) {
        return new LarderException(lockFile + ": another process (a larder apply, materialize or teardown of the same registry)"
                + " held the registry lock for more than " + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s") + "; nothing was changed. Run the command"
                + " again when it has finished (the lock is released when its holder exits)");
    }
}
