package org.ppfarm.farm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How the farm names circuit artifacts: by the SHA-256 of their bytes, as 64 lowercase hex digits. The registry stores
 * them under that name, job records name them by it, workers fetch and check them by it, and clients declare it when
 * they upload a circuit — so a worker proves only with the exact key a job names.
 */
public final class Sha256 {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Sha256() {}

    /** Whether {@code s} is an artifact name: 64 lowercase hex digits. */
    public static boolean isHex(String s) { return s != null && HEX.matcher(s).matches(); }

    /** A fresh SHA-256 digest. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
    }

    /** The digest's value as an artifact name. */
    public static String hex(MessageDigest md) { return HexFormat.of().formatHex(md.digest()); }

    /** The SHA-256 of a file's bytes, streamed. */
    public static String of(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = digest();
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return hex(md);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
