package org.ppfarm.prover;

import java.util.Locale;

/**
 * Byte sizes as people write them in settings: a count of bytes with an optional binary suffix k, m or g
 * ({@code 0}, {@code 1234}, {@code 512m}, {@code 2G}). One parser for every such setting (the MSM table budget, the
 * GPU memory bound, the worker's keys for both), so they all accept and refuse the same things.
 */
public final class ByteSizes {
    private ByteSizes() {}

    /**
     * Bytes written as {@code value}; {@code name} (the setting) starts the message of the
     * {@link IllegalArgumentException} a value that is not a non-negative size gets.
     */
    public static long parse(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) throw new NumberFormatException();
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(name + ": '" + value.trim() + "' is not a size in bytes (e.g. 0, 512m, 2g)");
        }
    }
}
