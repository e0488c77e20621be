package org.ppfarm.prover.format;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.VerificationKey;

/**
 * Reads a snarkjs Groth16 {@code .zkey} (BN254) into a resident {@link ProvingKey}, validating everything a prover
 * relies on. The format (snarkjs zkey_utils.js / zkey_new.js; container in {@link BinFile}, version 1):
 * <pre>
 *   1  header        protocol u32: 1 = Groth16 (2 = PLONK, 10 = FFLONK are rejected)
 *   2  Groth16 header n8q u32 | q | n8r u32 | r | nVars u32 | nPublic u32 | domainSize u32 |
 *                    alpha1 G1 | beta1 G1 | beta2 G2 | gamma2 G2 | delta1 G1 | delta2 G2
 *   3  IC            (nPublic + 1) G1
 *   4  coefficients  n u32 | n x { matrix u32 (0 = A, 1 = B) | constraint u32 | signal u32 | value 32 bytes }
 *                    value is c·R² mod r (Montgomery form of c·R); the C matrix is not stored (C = A·B on the domain)
 *   5  A             nVars G1              6  B1   nVars G1            7  B2   nVars G2
 *   8  C             (nVars - nPublic - 1) G1, for signals nPublic + 1 ...
 *   9  H             domainSize G1
 *   10 contributions (MPC transcript; not needed to prove, not read)
 * </pre>
 * Points are affine, each coordinate 32 bytes little-endian in Montgomery form, infinity all zeros; they are loaded
 * as stored, the MSM bases (sections 5 to 9) straight into the selected CPU kernel's memory
 * ({@link org.ppfarm.prover.msm.BucketKernel#basesMemory}), where the MSM reads them without another copy. Every
 * point is checked to lie on its curve and every field element to be canonical; a violation is a
 * {@link FormatException} naming the file, the section and the element.
 *
 * <p>{@link #write} is the inverse: a {@link ProvingKey} as a zkey that snarkjs proves with (used by the
 * development setup, {@link org.ppfarm.prover.setup.DevSetup}).
 */
public final class ZkeyFile {
    private ZkeyFile() {}

    public static final int PROTOCOL_GROTH16 = 1;
    public static final int PROTOCOL_PLONK = 2;
    public static final int PROTOCOL_FFLONK = 10;
    /** Largest domain whose odd coset exists in Fr (2^28 roots of unity). */
    public static final int MAX_DOMAIN_LOG = 27;

    private static final int HEADER_SIZE = 4 + 32 + 4 + 32 + 12 + 3 * 64 + 3 * 128;
    private static final int COEF_SIZE = 12 + 32;

    /** The Groth16 header (section 2): sizes and the six key points. */
    public record Header(int nVars, int nPublic, int domainSize,
                         long[] alpha1, long[] beta1, long[] beta2, long[] gamma2, long[] delta1, long[] delta2) {}

    public static ProvingKey read(Path path) {
        return read(BinFile.open(path, "zkey", 1));
    }

    public static ProvingKey read(String source, byte[] bytes) {
        return read(BinFile.of(source, bytes, "zkey", 1));
    }

    /** Opens a zkey's container only; with {@link #readHeader} and {@link #readIc} it yields a verification key without loading the proving points. */
    public static BinFile open(Path path) {
        return BinFile.open(path, "zkey", 1);
    }

    /** As {@link #open(Path)}, errors naming the file {@code source} (a server names an upload by what it is, not by its path). */
    public static BinFile open(String source, Path path) {
        return BinFile.open(source, path, "zkey", 1);
    }

    static ProvingKey read(BinFile f) {
        Header h = readHeader(f);
        String src = f.source();
        long[] ic = readIc(f, h);
        ProvingKey.Matrix[] ab = readCoefficients(f, h);
        int nC = h.nVars() - h.nPublic() - 1;
        var kernel = CpuKernels.selected().msm();
        MemorySegment pointsA = kernel.basesMemory(8L * h.nVars());
        MemorySegment pointsB1 = kernel.basesMemory(8L * h.nVars());
        MemorySegment pointsB2 = kernel.basesMemory(16L * h.nVars());
        // C and H side by side: the prover runs one MSM over both
        MemorySegment pointsCH = kernel.basesMemory(8L * (nC + h.domainSize()));
        readPoints(f, 5, "A points", 8, h.nVars(), pointsA, 0);
        readPoints(f, 6, "B1 points", 8, h.nVars(), pointsB1, 0);
        readPoints(f, 7, "B2 points", 16, h.nVars(), pointsB2, 0);
        readPoints(f, 8, "C points", 8, nC, pointsCH, 0);
        readPoints(f, 9, "H points", 8, h.domainSize(), pointsCH, 8L * nC);
        PointCheck.g1(src, "section 5 (A points)", pointsA, 0, h.nVars(), 0);
        PointCheck.g1(src, "section 6 (B1 points)", pointsB1, 0, h.nVars(), 0);
        PointCheck.g2(src, "section 7 (B2 points)", pointsB2, 0, h.nVars(), 0);
        PointCheck.g1(src, "section 8 (C points)", pointsCH, 0, nC, h.nPublic() + 1);
        PointCheck.g1(src, "section 9 (H points)", pointsCH, 8L * nC, h.domainSize(), 0);
        return new ProvingKey(src, h.nVars(), h.nPublic(), h.domainSize(),
                h.alpha1(), h.beta1(), h.beta2(), h.gamma2(), h.delta1(), h.delta2(),
                ic, ab[0], ab[1], pointsA, pointsB1, pointsB2, pointsCH);
    }

    /**
     * The verification key embedded in a zkey (header and IC only; the proving points are not loaded), as
     * {@code snarkjs zkey export verificationkey} derives it.
     */
    public static VerificationKey readVerificationKey(Path path) {
        return readVerificationKey(open(path));
    }

    /** The verification key embedded in an opened zkey ({@link #open}); as {@link #readVerificationKey(Path)}. */
    public static VerificationKey readVerificationKey(BinFile f) {
        Header h = readHeader(f);
        long[] ic = readIc(f, h);
        try {
            return VerificationKey.of(h.nPublic(), h.alpha1(), h.beta2(), h.gamma2(), h.delta2(), ic);
        } catch (FormatException e) {
            // the key's own checks (e.g. G2 subgroup membership) name the field; re-anchor them in this file
            String problem = e.problem();
            String section = e.where().startsWith("IC") ? "section 3 (IC) " : "section 2 (Groth16 header) ";
            throw new FormatException(f.source(), section + e.where(), problem, e);
        }
    }

    /**
     * Writes {@code pk} as a zkey that this reader, {@code snarkjs groth16 prove} and {@code snarkjs zkey export
     * verificationkey} accept: sections 1 to 9 as {@link #read} expects them (coefficients grouped by matrix, then
     * by constraint; snarkjs interleaves A and B per constraint, which no reader depends on). Section 10, the MPC
     * transcript, records no contributions and an all-zero circuit hash: a ProvingKey does not carry its
     * provenance, so {@code snarkjs zkey verify} (which recomputes that hash from a ptau) does not apply.
     */
    public static void write(ProvingKey pk, Path path) {
        int nVars = pk.nVars(), nPublic = pk.nPublic(), nCH = nVars - nPublic - 1 + pk.domainSize();
        int coefs = pk.a().entries() + pk.b().entries();
        long[] sizes = {0, 4, HEADER_SIZE, 64L * (nPublic + 1), 4 + (long) coefs * COEF_SIZE,
                64L * nVars, 64L * nVars, 128L * nVars, 64L * (nVars - nPublic - 1), 64L * pk.domainSize(), 64 + 4};
        long total = 12;
        for (int s = 1; s <= 10; s++) total += 12 + sizes[s];
        // the reader maps a zkey as one buffer: a larger file could not be read back
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("zkey for " + pk + " would exceed 2 GiB");
        // streamed through a small buffer: a 2^20 key is ~0.6 GB, which need not be held twice
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            Out b = new Out(ch);
            b.put("zkey".getBytes(StandardCharsets.ISO_8859_1)).putInt(1).putInt(10);
            b.section(1, sizes).putInt(PROTOCOL_GROTH16);
            b.section(2, sizes).putInt(32);
            b.putLongs(Field.limbs(Field.FQ.modulus()), 0, 4);
            b.putInt(32);
            b.putLongs(Field.limbs(Field.FR.modulus()), 0, 4);
            b.putInt(nVars).putInt(nPublic).putInt(pk.domainSize());
            for (long[] p : new long[][] {pk.alpha1(), pk.beta1(), pk.beta2(), pk.gamma2(), pk.delta1(), pk.delta2()}) b.putLongs(p, 0, p.length);
            b.section(3, sizes).putLongs(pk.ic(), 0, pk.ic().length);
            b.section(4, sizes).putInt(coefs);
            ProvingKey.Matrix[] ab = {pk.a(), pk.b()};
            for (int m = 0; m < 2; m++) {
                ProvingKey.Matrix mx = ab[m];
                for (int row = 0; row < mx.rows(); row++) {
                    for (int k = mx.rowStart()[row]; k < mx.rowStart()[row + 1]; k++) {
                        b.putInt(m).putInt(row).putInt(mx.signal()[k]);
                        b.putLongs(mx.coef(), 4 * k, 4);
                    }
                }
            }
            b.section(5, sizes).putLongs(pk.pointsA(), 0, 8L * nVars);
            b.section(6, sizes).putLongs(pk.pointsB1(), 0, 8L * nVars);
            b.section(7, sizes).putLongs(pk.pointsB2(), 0, 16L * nVars);
            b.section(8, sizes).putLongs(pk.pointsCH(), 0, pk.hOffset());
            b.section(9, sizes).putLongs(pk.pointsCH(), pk.hOffset(), 8L * nCH - pk.hOffset());
            b.section(10, sizes).put(new byte[64]).putInt(0);
            long written = b.finish();
            if (written != total) throw new IllegalStateException("zkey writer wrote " + written + " bytes, expected " + total);
        } catch (IOException e) {
            throw new FormatException(path.toString(), "file", "cannot write: " + e.getMessage(), e);
        }
    }

    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Little-endian output to a channel through a 1 MiB buffer, counting the bytes written. */
    private static final class Out {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        /** All of {@link #buf}'s memory, for copies by absolute position. */
        private final MemorySegment bufMemory = MemorySegment.ofBuffer(buf);
        private long written;

        Out(FileChannel ch) { this.ch = ch; }

        /** Starts section {@code type}: its table entry, with the size from {@code sizes[type]}. */
        Out section(int type, long[] sizes) throws IOException {
            return putInt(type).putLong(sizes[type]);
        }

        Out put(byte[] bytes) throws IOException {
            room(bytes.length);
            buf.put(bytes);
            return this;
        }

        Out putInt(int v) throws IOException {
            room(4);
            buf.putInt(v);
            return this;
        }

        Out putLong(long v) throws IOException {
            room(8);
            buf.putLong(v);
            return this;
        }

        Out putLongs(long[] src, int from, int count) throws IOException {
            return putLongs(MemorySegment.ofArray(src), from, count);
        }

        /** {@code count} longs from long index {@code from} of {@code src}, little-endian. */
        Out putLongs(MemorySegment src, long from, long count) throws IOException {
            while (count > 0) {
                room(8);
                int k = (int) Math.min(count, buf.remaining() / 8);
                MemorySegment.copy(src, ValueLayout.JAVA_LONG, 8 * from, bufMemory, LE_LONG, buf.position(), k);
                buf.position(buf.position() + 8 * k);
                from += k;
                count -= k;
            }
            return this;
        }

        private void room(int bytes) throws IOException {
            if (buf.remaining() < bytes) drain();
        }

        private void drain() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) written += ch.write(buf);
            buf.clear();
        }

        long finish() throws IOException {
            drain();
            return written;
        }
    }

    /** Sections 1 and 2: the protocol (must be Groth16), the primes (must be BN254's), sizes and key points. */
    /**
     * The Groth16 header alone (section 2, checked as {@link #read} checks it), without loading the key's points:
     * what a registry records of an uploaded key. Errors name the file {@code source}.
     */
    public static Header readHeader(String source, Path path) {
        return readHeader(open(source, path));
    }

    public static Header readHeader(BinFile f) {
        String src = f.source();
        ByteBuffer s1 = f.section(1, "header");
        if (s1.limit() < 4) throw new FormatException(src, "section 1 (header)", "size is " + s1.limit() + " bytes, expected 4");
        int protocol = s1.getInt(0);
        if (protocol != PROTOCOL_GROTH16) {
            String name = switch (protocol) {
                case PROTOCOL_PLONK -> "PLONK";
                case PROTOCOL_FFLONK -> "FFLONK";
                default -> "unknown protocol " + Integer.toUnsignedString(protocol);
            };
            throw new FormatException(src, "section 1 (header)", "not a Groth16 zkey: protocol id " + Integer.toUnsignedString(protocol) + " (" + name + ")");
        }
        if (s1.limit() != 4) throw new FormatException(src, "section 1 (header)", "size is " + s1.limit() + " bytes, expected 4");
        String where = "section 2 (Groth16 header)";
        ByteBuffer h = f.section(2, "Groth16 header");
        if (h.limit() < 4) throw new FormatException(src, where, "truncated: " + h.limit() + " bytes");
        int n8q = h.getInt();
        if (n8q != 32) throw new FormatException(src, where, "n8q=" + Integer.toUnsignedString(n8q) + ", expected 32 (BN254)");
        if (h.limit() != HEADER_SIZE) throw new FormatException(src, where, "size is " + h.limit() + " bytes, expected " + HEADER_SIZE);
        checkPrime(src, where, "q", h, Field.FQ.modulus(), "base field");
        int n8r = h.getInt();
        if (n8r != 32) throw new FormatException(src, where, "n8r=" + Integer.toUnsignedString(n8r) + ", expected 32 (BN254)");
        checkPrime(src, where, "r", h, Field.FR.modulus(), "scalar field");
        long nVars = Integer.toUnsignedLong(h.getInt());
        long nPublic = Integer.toUnsignedLong(h.getInt());
        long domainSize = Integer.toUnsignedLong(h.getInt());
        if (nVars < 1 || nVars > Integer.MAX_VALUE / 16) throw new FormatException(src, where, "nVars=" + nVars + " out of range");
        if (nPublic + 1 > nVars) throw new FormatException(src, where, "nPublic=" + nPublic + " but nVars=" + nVars + " (needs nPublic + 1 <= nVars)");
        if (Long.bitCount(domainSize) != 1 || domainSize > (1L << MAX_DOMAIN_LOG))
            throw new FormatException(src, where, "domainSize=" + domainSize + " is not a power of two in [1, 2^" + MAX_DOMAIN_LOG + "]");
        long[] alpha1 = point(h, 8), beta1 = point(h, 8), beta2 = point(h, 16), gamma2 = point(h, 16),
                delta1 = point(h, 8), delta2 = point(h, 16);
        PointCheck.g1(src, where + " alpha1", alpha1, 0, 1, 0);
        PointCheck.g1(src, where + " beta1", beta1, 0, 1, 0);
        PointCheck.g2(src, where + " beta2", beta2, 0, 1, 0);
        PointCheck.g2(src, where + " gamma2", gamma2, 0, 1, 0);
        PointCheck.g1(src, where + " delta1", delta1, 0, 1, 0);
        PointCheck.g2(src, where + " delta2", delta2, 0, 1, 0);
        return new Header((int) nVars, (int) nPublic, (int) domainSize, alpha1, beta1, beta2, gamma2, delta1, delta2);
    }

    /** Section 3: IC_0 .. IC_nPublic, checked on the curve. */
    public static long[] readIc(BinFile f, Header h) {
        long[] ic = readPoints(f, 3, "IC", 8, h.nPublic() + 1);
        PointCheck.g1(f.source(), "section 3 (IC)", ic, 0, h.nPublic() + 1, 0);
        return ic;
    }

    private static void checkPrime(String src, String where, String name, ByteBuffer h, BigInteger expected, String what) {
        long[] l = new long[4];
        BinFile.readLimbs(h, l, 0, 1);
        BigInteger p = Field.standardToBigInteger(l, 0);
        if (!p.equals(expected))
            throw new FormatException(src, where, "prime " + name + " = " + p + " is not BN254's " + what + " (a zkey for another curve?)");
    }

    private static long[] point(ByteBuffer h, int longs) {
        long[] p = new long[longs];
        BinFile.readLimbs(h, p, 0, longs / 4);
        return p;
    }

    private static long[] readPoints(BinFile f, int section, String name, int longsPerPoint, int count) {
        long[] out = new long[longsPerPoint * count];
        readPoints(f, section, name, longsPerPoint, count, MemorySegment.ofArray(out), 0);
        return out;
    }

    private static void readPoints(BinFile f, int section, String name, int longsPerPoint, int count, MemorySegment dst, long at) {
        f.readLimbs(section, name, 8L * longsPerPoint * count, dst, at);
    }

    /** Section 4, sorted into compressed rows per matrix so rows can be evaluated independently (in parallel). */
    private static ProvingKey.Matrix[] readCoefficients(BinFile f, Header h) {
        String src = f.source(), where = "section 4 (coefficients)";
        ByteBuffer b = f.section(4, "coefficients");
        if (b.limit() < 4) throw new FormatException(src, where, "truncated: " + b.limit() + " bytes");
        long n = Integer.toUnsignedLong(b.getInt(0));
        if (b.limit() != 4 + n * COEF_SIZE)
            throw new FormatException(src, where, "declares " + n + " entries (" + (4 + n * COEF_SIZE) + " bytes) but the section is " + b.limit() + " bytes");
        int count = (int) n, rows = h.domainSize();
        int[][] rowStart = {new int[rows + 1], new int[rows + 1]};
        for (int i = 0; i < count; i++) {
            int at = 4 + i * COEF_SIZE;
            int matrix = b.getInt(at), row = b.getInt(at + 4), signal = b.getInt(at + 8);
            if (matrix != 0 && matrix != 1)
                throw new FormatException(src, where, "entry " + i + ": matrix " + Integer.toUnsignedString(matrix) + " (expected 0 = A or 1 = B)");
            if (row < 0 || row >= rows)
                throw new FormatException(src, where, "entry " + i + ": constraint " + Integer.toUnsignedString(row) + " outside the domain of " + rows);
            if (signal < 0 || signal >= h.nVars())
                throw new FormatException(src, where, "entry " + i + ": signal " + Integer.toUnsignedString(signal) + " >= nVars " + h.nVars());
            rowStart[matrix][row + 1]++;
        }
        ProvingKey.Matrix[] out = new ProvingKey.Matrix[2];
        long[] value = new long[4];
        for (int m = 0; m < 2; m++) {
            int[] start = rowStart[m];
            for (int r = 0; r < rows; r++) start[r + 1] += start[r];
            int entries = start[rows];
            int[] fill = java.util.Arrays.copyOf(start, rows);
            int[] signals = new int[entries];
            long[] coefs = new long[4 * entries];
            for (int i = 0; i < count; i++) {
                int at = 4 + i * COEF_SIZE;
                if (b.getInt(at) != m) continue;
                for (int l = 0; l < 4; l++) value[l] = b.getLong(at + 12 + 8 * l);
                if (!Field.FR.isCanonical(value, 0))
                    throw new FormatException(src, where, "entry " + i + ": value is not below the scalar field modulus r");
                int k = fill[b.getInt(at + 4)]++;
                signals[k] = b.getInt(at + 8);
                System.arraycopy(value, 0, coefs, 4 * k, 4);
            }
            out[m] = new ProvingKey.Matrix(start, signals, coefs);
        }
        return out;
    }
}
