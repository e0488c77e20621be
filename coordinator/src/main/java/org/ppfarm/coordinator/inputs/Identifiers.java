package org.ppfarm.coordinator.inputs;

import java.nio.charset.StandardCharsets;

/**
 * The identifiers clients send — job ids, circuit references, idempotency keys — bounded at the edge and quoted
 * briefly in messages. A status message travels in the response's trailers: one that repeated a 64 KB id in full
 * left a grpc-js client without headers until its deadline, and a 10 KB one broke the stream (issue 13). So every
 * identifier is at most {@value #MAX_BYTES} bytes (UTF-8; the farm's own are 36-byte UUIDs and 64-digit hashes), and a
 * message quotes at most its first {@value #QUOTED_CHARS} characters.
 */
public final class Identifiers {
    /** The most bytes (UTF-8) of any identifier a client sends. */
    public static final int MAX_BYTES = 256;
    /** The most characters of an identifier a message repeats. */
    static final int QUOTED_CHARS = 64;

    private Identifiers() {}

    /** Refuses {@code value} of the request field {@code field} if it is longer than {@value #MAX_BYTES} bytes. */
    public static void check(String field, String value) throws InvalidInputException {
        // a char is at least one UTF-8 byte: most values are decided without encoding them
        if (value.length() <= MAX_BYTES / 3) return;
        if (value.length() > MAX_BYTES || value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES)
            throw new InvalidInputException(field + ": longer than the limit of " + MAX_BYTES + " bytes");
    }

    /**
     * {@code id} in single quotes for a one-line message: at most its first {@value #QUOTED_CHARS} characters (then
     * "…"), control characters as '?'.
     */
    public static String quote(String id) {
        int n = Math.min(id.length(), QUOTED_CHARS);
        if (n < id.length() && Character.isHighSurrogate(id.charAt(n - 1))) n--; // never half a character
        StringBuilder b = new StringBuilder(n + 3).append('\'');
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        if (id.length() > n) b.append('…');
        return b.append('\'').toString();
    }
}
