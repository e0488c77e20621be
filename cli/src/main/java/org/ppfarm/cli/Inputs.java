package org.ppfarm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ppfarm.prover.format.FormatException;

/** Checks on the files a command is given, so a typo reads as one clear line rather than an I/O error. */
final class Inputs {
    private Inputs() {}

    /** The path, if it names a readable regular file. */
    static Path file(Path p) {
        if (!Files.exists(p)) throw new FormatException(p.toString(), "file", "does not exist");
        if (Files.isDirectory(p)) throw new FormatException(p.toString(), "file", "is a directory, expected a file");
        if (!Files.isReadable(p)) throw new FormatException(p.toString(), "file", "is not readable");
        return p;
    }

    /** The bytes of a readable regular file. */
    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(file(p));
        } catch (java.io.IOException e) {
            throw new FormatException(p.toString(), "file", "cannot be read: " + e.getMessage());
        }
    }

    /** The path, if a file can be created there (its directory exists). */
    static Path output(Path p) {
        Path dir = p.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new FormatException(p.toString(), "file", "cannot be written: directory " + dir + " does not exist");
        if (Files.isDirectory(p)) throw new FormatException(p.toString(), "file", "is a directory, expected a file to write");
        return p;
    }
}
