package org.ppfarm.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Searches files — heap dumps, Kafka log segments, logs, temporary files — for secret field elements in every form a
 * program is likely to hold them: decimal and hex text (lower and upper case; as Latin-1 bytes, the form of Java's
 * compact strings, and as UTF-16 in either byte order, the form of char buffers), and 32 bytes big- and little-endian.
 * A hit names the file, the offset and the form, never the value.
 *
 * <p>Every pattern is at least 32 bytes long, so a hit by chance in gigabytes of data is out of the question. The
 * search keys each pattern by its first 8 bytes and looks up the positions whose first two bytes start a pattern:
 * one pass per file.
 */
final class SecretScan {
    /** One form of one secret. */
    private record Pattern(String name, byte[] bytes) {}

    /** A secret found: where, and in which form. */
    record Hit(Path file, long offset, String form) {
        @Override
        public String toString() { return file + " @" + offset + ": " + form; }
    }

    private final Map<Long, List<Pattern>> byPrefix = new HashMap<>();
    /** Which first two bytes some pattern starts with: most positions are passed over without a map look-up. */
    private final boolean[] starts = new boolean[1 << 16];
    private final int longest;

    private SecretScan(List<Pattern> patterns) {
        int max = 0;
        for (Pattern p : patterns) {
            if (p.bytes().length < 32) throw new IllegalArgumentException(p.name() + ": too short a pattern to search for (" + p.bytes().length + " bytes)");
            byPrefix.computeIfAbsent(prefix(p.bytes(), 0), k -> new ArrayList<>()).add(p);
            starts[(p.bytes()[0] & 0xff) << 8 | p.bytes()[1] & 0xff] = true;
            max = Math.max(max, p.bytes().length);
        }
        this.longest = max;
    }

    /** A search for secret field elements ({@code secrets}: name → value, each below 2^256) in every form. */
    static SecretScan of(Map<String, BigInteger> secrets) {
        List<Pattern> patterns = new ArrayList<>();
        secrets.forEach((name, value) -> patterns.addAll(forms(name, value)));
        return new SecretScan(patterns);
    }

    /** A search for one text of at least 32 characters, as Latin-1 bytes (a control: something that must be found). */
    static SecretScan ofText(String name, String text) {
        return new SecretScan(List.of(new Pattern(name, text.getBytes(StandardCharsets.ISO_8859_1))));
    }

    private static List<Pattern> forms(String name, BigInteger v) {
        List<Pattern> out = new ArrayList<>();
        String hex = v.toString(16);
        for (var text : Map.of("decimal", v.toString(), "hex", hex, "HEX", hex.toUpperCase(Locale.ROOT)).entrySet()) {
            out.add(new Pattern(name + " " + text.getKey(), text.getValue().getBytes(StandardCharsets.ISO_8859_1)));
            out.add(new Pattern(name + " " + text.getKey() + " UTF-16BE", text.getValue().getBytes(StandardCharsets.UTF_16BE)));
            out.add(new Pattern(name + " " + text.getKey() + " UTF-16LE", text.getValue().getBytes(StandardCharsets.UTF_16LE)));
        }
        byte[] be = new byte[32], mag = v.toByteArray();
        int n = Math.min(mag.length, 32);
        System.arraycopy(mag, mag.length - n, be, 32 - n, n);
        byte[] le = new byte[32];
        for (int i = 0; i < 32; i++) le[i] = be[31 - i];
        out.add(new Pattern(name + " 32-byte big-endian", be));
        out.add(new Pattern(name + " 32-byte little-endian", le));
        return out;
    }

    private static long prefix(byte[] b, int at) {
        long k = 0;
        for (int i = 0; i < 8; i++) k = k << 8 | (b[at + i] & 0xff);
        return k;
    }

    /** Every hit in every regular file under {@code roots} (files or directories; missing ones are skipped). */
    List<Hit> scan(Path... roots) {
        List<Hit> hits = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) continue;
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) hits.addAll(scanFile(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot search " + root + ": " + e.getMessage(), e);
            }
        }
        return hits;
    }

    private List<Hit> scanFile(Path file) throws IOException {
        List<Hit> hits = new ArrayList<>();
        byte[] buf = new byte[(8 << 20) + longest];
        int carry = 0;
        long base = 0; // file offset of buf[0]
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int n = in.readNBytes(buf, carry, buf.length - carry);
                int len = carry + n;
                boolean last = n == 0 || len < buf.length;
                // positions whose longest pattern fits in this buffer; the rest are carried to the next read
                int limit = last ? len - 8 : len - longest;
                for (int i = 0; i <= limit; i++) {
                    if (!starts[(buf[i] & 0xff) << 8 | buf[i + 1] & 0xff]) continue;
                    List<Pattern> ps = byPrefix.get(prefix(buf, i));
                    if (ps == null) continue;
                    for (Pattern p : ps)
                        if (i + p.bytes().length <= len && matches(buf, i, p.bytes())) hits.add(new Hit(file, base + i, p.name()));
                }
                if (last) break;
                int keep = len - (limit + 1);
                System.arraycopy(buf, limit + 1, buf, 0, keep);
                base += limit + 1;
                carry = keep;
            }
        } catch (IOException e) {
            // a file removed while the directory was walked (a rolled log, a deleted temp file) holds nothing any more
            if (Files.exists(file)) throw e;
        }
        return hits;
    }

    private static boolean matches(byte[] buf, int at, byte[] p) {
        for (int j = 8; j < p.length; j++) if (buf[at + j] != p[j]) return false;
        return true;
    }
}
