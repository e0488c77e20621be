package org.ppfarm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Builds a cache entry (a directory under {@link Repo#cache()}) exactly once, even when several test JVMs
 * (other modules' builds running at the same time) ask for it concurrently: a file lock serialises the
 * builders across processes, the build happens in a temporary sibling directory, and an atomic rename
 * publishes it, so a reader never sees a half-written entry.
 */
final class Cached {
    private Cached() {}

    /** In-JVM locks: a FileChannel lock cannot be taken twice by one JVM. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /**
     * Returns {@code entry}, first building it with {@code build} (which fills the empty directory it is given)
     * when it does not exist yet.
     */
    static Path dir(Path entry, Consumer<Path> build) {
        Path target = entry.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) return target;
        ReentrantLock local = LOCKS.computeIfAbsent(target, k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(target.getParent());
            Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 var ignored = ch.lock()) {
                if (Files.isDirectory(target)) return target;
                Path tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp-");
                try {
                    build.accept(tmp);
                    try {
                        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } catch (UnsupportedOperationException e) {
                        // not a POSIX file system: the default permissions stand
                    }
                    try {
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, target);
                    }
                } finally {
                    if (Files.exists(tmp)) deleteTree(tmp);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cache entry " + target + ": " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }
                @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
