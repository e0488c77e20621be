package org.ppfarm.prover.format;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.ppfarm.prover.bn254.Field;

/**
 * snarkjs/circom {@code .wtns} (version 2):
 * <pre>
 *   "wtns" | 2 | 2 sections
 *   section 1 (header):  n8 u32 (=32) | prime (n8 bytes LE) | nWitness u32
 *   section 2 (values):  nWitness x n8-byte little-endian standard-form field elements
 * </pre>
 */
public final class WtnsFile {
    private WtnsFile() {}

    public static Witness read(Path path) {
        return read(BinFile.open(path, "wtns", 2));
    }

    public static Witness read(String source, byte[] bytes) {
        return read(BinFile.of(source, bytes, "wtns", 2));
    }

    private static Witness read(BinFile f) {
        ByteBuffer h = f.section(1, "header");
        if (h.limit() < 4) throw new FormatException(f.source(), "section 1 (header)", "truncated");
        int n8 = h.getInt();
        if (n8 != 32) throw new FormatException(f.source(), "section 1 (header)", "field size n8=" + n8 + ", expected 32 (BN254)");
        if (h.limit() != 4 + n8 + 4) throw new FormatException(f.source(), "section 1 (header)", "size is " + h.limit() + " bytes, expected " + (8 + n8));
        long[] prime = new long[4];
        BinFile.readLimbs(h, prime, 0, 1);
        if (!Field.standardToBigInteger(prime, 0).equals(Field.FR.modulus()))
            throw new FormatException(f.source(), "section 1 (header)", "prime " + Field.standardToBigInteger(prime, 0) + " is not the BN254 scalar field");
        long n = Integer.toUnsignedLong(h.getInt());
        long[] limbs = new long[Math.toIntExact(4 * n)];
        // through the channel: the mapping's pages would stay resident beside the copy (32 MB at 2^20 signals)
        f.readLimbs(2, "witness values", n * 32, MemorySegment.ofArray(limbs), 0);
        try {
            return Witness.ofStandardLimbs(limbs, f.source());
        } catch (FormatException e) {
            Arrays.fill(limbs, 0L); // a witness holds spending keys, refused or not
            throw e;
        }
    }

    /** Serializes exactly as snarkjs writes a .wtns. The caller owns (and should zeroize) the returned bytes. */
    public static byte[] toBytes(Witness w) {
        int n = w.size();
        ByteBuffer b = ByteBuffer.allocate(12 + 12 + 40 + 12 + 32 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'w', 't', 'n', 's'}).putInt(2).putInt(2);
        b.putInt(1).putLong(40).putInt(32);
        for (long l : Field.limbs(Field.FR.modulus())) b.putLong(l);
        b.putInt(n);
        b.putInt(2).putLong(32L * n);
        b.asLongBuffer().put(w.limbs(), 0, 4 * n);
        return b.array();
    }

    public static void write(Witness w, Path path) throws IOException {
        byte[] bytes = toBytes(w);
        try {
            Files.write(path, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

}
