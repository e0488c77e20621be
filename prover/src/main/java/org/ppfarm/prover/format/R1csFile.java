package org.ppfarm.prover.format;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.ppfarm.prover.bn254.Field;

/**
 * Reads circom's {@code .r1cs} (version 1, BN254) into an {@link R1cs}. Format (circom docs, r1csfile):
 * <pre>
 *   1 header       n8 u32 | prime (n8 bytes) | nWires u32 | nPubOut u32 | nPubIn u32 | nPrvIn u32 |
 *                  nLabels u64 | nConstraints u32
 *   2 constraints  nConstraints x (A, B, C), each a linear combination:
 *                  nTerms u32 | nTerms x { wire u32 | value n8 bytes, standard form LE }
 *   3 wire→label   nWires x u64
 *   4, 5           custom gates (PLONK only): rejected
 * </pre>
 */
public final class R1csFile {
    private R1csFile() {}

    public static R1cs read(Path path) {
        return read(BinFile.open(path, "r1cs", 1));
    }

    public static R1cs read(String source, byte[] bytes) {
        return read(BinFile.of(source, bytes, "r1cs", 1));
    }

    private static R1cs read(BinFile f) {
        String src = f.source();
        if (f.has(4) || f.has(5)) throw new FormatException(src, "section 4 (custom gates)", "custom gates are PLONK-only; not a Groth16 circuit");
        String where = "section 1 (header)";
        ByteBuffer h = f.section(1, "header");
        if (h.limit() < 4) throw new FormatException(src, where, "truncated: " + h.limit() + " bytes");
        int n8 = h.getInt();
        if (n8 != 32) throw new FormatException(src, where, "n8=" + Integer.toUnsignedString(n8) + ", expected 32 (BN254)");
        if (h.limit() != 4 + 32 + 4 * 4 + 8 + 4) throw new FormatException(src, where, "size is " + h.limit() + " bytes, expected 64");
        long[] prime = new long[4];
        BinFile.readLimbs(h, prime, 0, 1);
        BigInteger p = Field.standardToBigInteger(prime, 0);
        if (!p.equals(Field.FR.modulus())) throw new FormatException(src, where, "prime " + p + " is not BN254's scalar field");
        long nWires = Integer.toUnsignedLong(h.getInt()), nOut = Integer.toUnsignedLong(h.getInt()),
                nPubIn = Integer.toUnsignedLong(h.getInt()), nPrvIn = Integer.toUnsignedLong(h.getInt());
        long nLabels = h.getLong();
        long nConstraints = Integer.toUnsignedLong(h.getInt());
        if (nWires < 1 + nOut + nPubIn + nPrvIn || nWires > Integer.MAX_VALUE / 4)
            throw new FormatException(src, where, "nWires=" + nWires + " cannot hold 1 + " + nOut + " outputs + " + nPubIn + " public + " + nPrvIn + " private inputs");
        if (nLabels < nWires) throw new FormatException(src, where, "nLabels=" + Long.toUnsignedString(nLabels) + " < nWires=" + nWires);
        if (nConstraints > Integer.MAX_VALUE / 4) throw new FormatException(src, where, "nConstraints=" + nConstraints + " out of range");

        R1cs.Matrix[] abc = readConstraints(f, (int) nWires, (int) nConstraints);

        ByteBuffer m = f.section(3, "wire to label map", 8 * nWires);
        long[] labels = new long[(int) nWires];
        m.asLongBuffer().get(labels);
        for (int i = 0; i < labels.length; i++) {
            if (Long.compareUnsigned(labels[i], nLabels) >= 0)
                throw new FormatException(src, "section 3 (wire to label map)", "wire " + i + " maps to label " + Long.toUnsignedString(labels[i]) + " >= nLabels " + nLabels);
        }
        return new R1cs((int) nWires, (int) nOut, (int) nPubIn, (int) nPrvIn, nLabels, abc[0], abc[1], abc[2], labels);
    }

    private static R1cs.Matrix[] readConstraints(BinFile f, int nWires, int nConstraints) {
        String src = f.source(), where = "section 2 (constraints)";
        ByteBuffer c = f.section(2, "constraints");
        int[][] rowStart = new int[3][nConstraints + 1];
        // first pass: sizes and bounds, so the second can fill exact arrays
        int pos = 0;
        for (int i = 0; i < nConstraints; i++) {
            for (int k = 0; k < 3; k++) {
                if (pos + 4 > c.limit()) throw truncated(src, where, i);
                long terms = Integer.toUnsignedLong(c.getInt(pos));
                pos += 4;
                if (terms > (c.limit() - pos) / 36) throw truncated(src, where, i);
                rowStart[k][i + 1] = rowStart[k][i] + (int) terms;
                pos += (int) terms * 36;
            }
        }
        if (pos != c.limit()) throw new FormatException(src, where, (c.limit() - pos) + " bytes left after " + nConstraints + " constraints");
        R1cs.Matrix[] out = new R1cs.Matrix[3];
        int[][] wires = new int[3][];
        long[][] values = new long[3][];
        for (int k = 0; k < 3; k++) {
            wires[k] = new int[rowStart[k][nConstraints]];
            values[k] = new long[4 * wires[k].length];
        }
        int[] fill = new int[3];
        pos = 0;
        long[] v = new long[4];
        for (int i = 0; i < nConstraints; i++) {
            for (int k = 0; k < 3; k++) {
                int terms = c.getInt(pos);
                pos += 4;
                for (int t = 0; t < terms; t++, pos += 36) {
                    int wire = c.getInt(pos);
                    if (wire < 0 || wire >= nWires)
                        throw new FormatException(src, where, "constraint " + i + " " + "ABC".charAt(k) + ": wire " + Integer.toUnsignedString(wire) + " >= nWires " + nWires);
                    for (int l = 0; l < 4; l++) v[l] = c.getLong(pos + 4 + 8 * l);
                    if (!Field.FR.isCanonical(v, 0))
                        throw new FormatException(src, where, "constraint " + i + " " + "ABC".charAt(k) + ": coefficient of wire " + wire + " is not below r");
                    int at = fill[k]++;
                    wires[k][at] = wire;
                    Field.FR.toMontgomery(v, 0, values[k], 4 * at);
                }
            }
        }
        for (int k = 0; k < 3; k++) out[k] = new R1cs.Matrix(rowStart[k], wires[k], values[k]);
        Arrays.fill(v, 0);
        return out;
    }

    private static FormatException truncated(String src, String where, int constraint) {
        return new FormatException(src, where, "truncated inside constraint " + constraint);
    }
}
