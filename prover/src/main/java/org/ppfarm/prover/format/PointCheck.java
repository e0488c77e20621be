package org.ppfarm.prover.format;

import java.math.BigInteger;
import org.ppfarm.prover.Parallel;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.Fq2;

/**
 * Validates affine points as snarkjs files store them (Montgomery Fq coordinates, all zeros = infinity): every
 * coordinate below q and the curve equation y² = x³ + b, with b = 3 on G1 and b = 3/(9+u) on G2 (BN254's twist).
 * Subgroup membership is not checked here: for keys that is the trusted setup's responsibility, and the pairing
 * code checks what it receives from untrusted parties.
 */
final class PointCheck {
    private PointCheck() {}

    private static final Field FQ = Field.FQ;
    private static final long[] B1 = FQ.fromBigInteger(BigInteger.valueOf(3));
    private static final long[] B2 = twistB();

    private static long[] twistB() {
        long[] xi = Fq2.of(BigInteger.valueOf(9), BigInteger.ONE);
        long[] b = Fq2.of(BigInteger.valueOf(3), BigInteger.ZERO);
        Fq2 f = new Fq2();
        f.inverse(xi, 0, xi, 0);
        f.mul(b, 0, xi, 0, b, 0);
        return b;
    }

    /**
     * Checks {@code count} G1 points at {@code points[offset]}; throws naming {@code section} and the point's index
     * (plus {@code indexBase}, for sections that start at a later signal).
     */
    static void g1(String source, String section, long[] points, int offset, int count, int indexBase) {
        Parallel.forRange(count, 4096, (from, to) -> {
            long[] t = new long[12];
            for (int i = from; i < to; i++) {
                int p = offset + 8 * i;
                if (!canonical(points, p, 2)) throw bad(source, section, i + indexBase, "has a coordinate not below the base field modulus q");
                if (isZero(points, p, 8)) continue;
                FQ.square(points, p, t, 0);            // x²
                FQ.mul(t, 0, points, p, t, 0);         // x³
                FQ.add(t, 0, B1, 0, t, 0);             // x³ + 3
                FQ.square(points, p + 4, t, 4);        // y²
                if (!Field.equal(t, 0, t, 4)) throw bad(source, section, i + indexBase, "is not on the BN254 G1 curve");
            }
        });
    }

    /** Checks {@code count} G2 points at {@code points[offset]} (16 longs each). */
    static void g2(String source, String section, long[] points, int offset, int count, int indexBase) {
        Parallel.forRange(count, 2048, (from, to) -> {
            Fq2 f = new Fq2();
            long[] t = new long[16];
            for (int i = from; i < to; i++) {
                int p = offset + 16 * i;
                if (!canonical(points, p, 4)) throw bad(source, section, i + indexBase, "has a coordinate not below the base field modulus q");
                if (isZero(points, p, 16)) continue;
                f.square(points, p, t, 0);
                f.mul(t, 0, points, p, t, 0);
                f.add(t, 0, B2, 0, t, 0);
                f.square(points, p + 8, t, 8);
                if (!Fq2.equal(t, 0, t, 8)) throw bad(source, section, i + indexBase, "is not on the BN254 G2 twist");
            }
        });
    }

    private static boolean canonical(long[] a, int off, int nElements) {
        for (int e = 0; e < nElements; e++) if (!FQ.isCanonical(a, off + 4 * e)) return false;
        return true;
    }

    private static boolean isZero(long[] a, int off, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) acc |= a[off + i];
        return acc == 0;
    }

    private static FormatException bad(String source, String section, int index, String problem) {
        return new FormatException(source, section, "point " + index + " " + problem);
    }
}
