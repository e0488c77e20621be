package org.ppfarm.prover.format;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The sectioned binary container that snarkjs and circom share (.zkey, .wtns, .r1cs, .ptau):
 * <pre>
 *   magic (4 bytes) | version u32 | nSections u32 | { type u32 | size u64 | payload }*
 * </pre>
 * all little-endian. Sections are located once; readers then take them by type.
 */
public final class BinFile {
    private final String source;
    private final ByteBuffer buf;
    /** The file when opened from disk (its sections can be read without the mapping: {@link #readLimbs(int, String, long, MemorySegment, long)}), else null. */
    private final Path path;
    private final int version;
    private final Map<Integer, long[]> sections = new HashMap<>(); // type -> {offset, size}

    private BinFile(String source, ByteBuffer buf, Path path, String magic, int maxVersion) {
        this.source = source;
        this.path = path;
        this.buf = buf.order(ByteOrder.LITTLE_ENDIAN);
        if (buf.limit() < 12) throw new FormatException(source, "header", "file is " + buf.limit() + " bytes, too short for a " + magic + " file");
        byte[] m = new byte[4];
        buf.get(0, m);
        String got = new String(m, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!got.equals(magic)) throw new FormatException(source, "header", "magic is '" + printable(got) + "', expected '" + magic + "'");
        version = buf.getInt(4);
        if (version < 1 || version > maxVersion) throw new FormatException(source, "header", "unsupported " + magic + " version " + version);
        int n = buf.getInt(8);
        long pos = 12;
        for (int i = 0; i < n; i++) {
            if (pos + 12 > buf.limit()) throw new FormatException(source, "section table", "truncated at section " + (i + 1) + " of " + n);
            int type = buf.getInt((int) pos);
            long size = buf.getLong((int) pos + 4);
            pos += 12;
            if (size < 0 || pos + size > buf.limit())
                throw new FormatException(source, "section " + type, "declares " + size + " bytes but the file ends " + (buf.limit() - pos) + " bytes after its start (truncated)");
            sections.putIfAbsent(type, new long[] {pos, size});
            pos += size;
        }
    }

    /** Maps a file read-only; errors name it by its path. */
    public static BinFile open(Path path, String magic, int maxVersion) {
        return open(path.toString(), path, magic, maxVersion);
    }

    /**
     * Maps a file read-only; errors name it {@code source} (a server names an uploaded artifact by what it is, never
     * by the temporary path it sits at).
     */
    public static BinFile open(String source, Path path, String magic, int maxVersion) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) throw new FormatException(source, "header", "file larger than 2 GiB");
            return new BinFile(source, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()), path, magic, maxVersion);
        } catch (IOException e) {
            throw new FormatException(source, "file", "cannot read" + (source.equals(path.toString()) ? ": " + e.getMessage() : ""), e);
        }
    }

    public static BinFile of(String source, byte[] bytes, String magic, int maxVersion) {
        return new BinFile(source, ByteBuffer.wrap(bytes), null, magic, maxVersion);
    }

    public String source() { return source; }
    public int version() { return version; }
    public boolean has(int type) { return sections.containsKey(type); }

    /** A little-endian view of section {@code type}'s payload; {@code name} is used in errors. */
    public ByteBuffer section(int type, String name) {
        long[] s = sections.get(type);
        if (s == null) throw new FormatException(source, "section " + type + " (" + name + ")", "missing");
        return buf.slice((int) s[0], (int) s[1]).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Checks a section's size exactly. */
    public ByteBuffer section(int type, String name, long expectedSize) {
        ByteBuffer b = section(type, name);
        if (b.limit() != expectedSize)
            throw new FormatException(source, "section " + type + " (" + name + ")", "size is " + b.limit() + " bytes, expected " + expectedSize);
        return b;
    }

    /**
     * Reads section {@code type} (exactly {@code expectedSize} bytes) as 32-byte little-endian field elements into
     * {@code dst} from long index {@code dstOff} (a heap array's segment or native memory: a proving key's points
     * live where its MSM kernel reads them, {@link org.ppfarm.prover.msm.BucketKernel#basesMemory}). A file on
     * disk is read through its channel, not through the mapping: the mapping's pages would stay resident beside
     * the copy until the buffer is collected, and a zkey's point sections are ~90 % of the file (~0.6 GB for 2^20
     * constraints).
     */
    public void readLimbs(int type, String name, long expectedSize, MemorySegment dst, long dstOff) {
        ByteBuffer mapped = section(type, name, expectedSize);
        if (path == null) {
            copyLongs(MemorySegment.ofBuffer(mapped), 0, dst, dstOff, expectedSize / 8);
            return;
        }
        long at = sections.get(type)[0], end = at + expectedSize;
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        MemorySegment chunkSegment = MemorySegment.ofBuffer(chunk);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long to = dstOff;
            while (at < end) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), end - at));
                while (chunk.hasRemaining()) {
                    int n = ch.read(chunk, at + chunk.position());
                    if (n < 0) throw new FormatException(source, "section " + type + " (" + name + ")", "file ended while reading (changed on disk?)");
                }
                long longs = chunk.limit() / 8;
                copyLongs(chunkSegment, 0, dst, to, longs);
                to += longs;
                at += chunk.limit();
            }
        } catch (IOException e) {
            throw new FormatException(source, "section " + type + " (" + name + ")", "cannot read: " + e.getMessage(), e);
        } finally {
            chunkSegment.fill((byte) 0);   // a witness's section holds spending keys
        }
    }

    private static final ValueLayout.OfLong FILE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** {@code longs} little-endian longs from byte {@code srcByte} of {@code src} to long index {@code dstLong} of {@code dst}. */
    private static void copyLongs(MemorySegment src, long srcByte, MemorySegment dst, long dstLong, long longs) {
        MemorySegment.copy(src, FILE_LONG, srcByte, dst, ValueLayout.JAVA_LONG, 8 * dstLong, longs);
    }

    /** Reads n 32-byte little-endian field elements from {@code b} at its position into limbs. */
    public static void readLimbs(ByteBuffer b, long[] dst, int dstOff, int nElements) {
        b.order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dst, dstOff, 4 * nElements);
        b.position(b.position() + 32 * nElements);
    }

    private static String printable(String s) { return s.replaceAll("[^\\x20-\\x7e]", "?"); }
}
