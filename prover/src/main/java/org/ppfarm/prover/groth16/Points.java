package org.ppfarm.prover.groth16;

import java.math.BigInteger;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.format.FormatException;

/** Validity checks and standard-form views of affine points, shared by the key, proof and JSON code. */
final class Points {
    private Points() {}

    private static final Field FQ = Field.FQ;

    /** Checks an affine G1 point (8 longs, Montgomery, infinity all zeros): canonical coordinates, on the curve. */
    static void checkG1(long[] p, String source, String where, boolean allowInfinity) {
        if (p == null || p.length != G1.AFFINE) throw new FormatException(source, where, "expected a G1 point of " + G1.AFFINE + " limbs");
        for (int i = 0; i < 8; i += 4)
            if (!FQ.isCanonical(p, i)) throw new FormatException(source, where, "coordinate is not below the base field modulus q");
        G1 g = G1.local();
        if (g.isInfinityAffine(p, 0)) {
            if (!allowInfinity) throw new FormatException(source, where, "point at infinity (degenerate)");
            return;
        }
        if (!g.isOnCurveAffine(p, 0)) throw new FormatException(source, where, "point is not on the curve");
    }

    /** Checks an affine G2 point (16 longs): canonical coordinates, on the twist, in the order-r subgroup. */
    static void checkG2(long[] p, String source, String where, boolean allowInfinity) {
        if (p == null || p.length != G2.AFFINE) throw new FormatException(source, where, "expected a G2 point of " + G2.AFFINE + " limbs");
        for (int i = 0; i < 16; i += 4)
            if (!FQ.isCanonical(p, i)) throw new FormatException(source, where, "coordinate is not below the base field modulus q");
        G2 g = G2.local();
        if (g.isInfinityAffine(p, 0)) {
            if (!allowInfinity) throw new FormatException(source, where, "point at infinity (degenerate)");
            return;
        }
        if (!g.isOnCurveAffine(p, 0)) throw new FormatException(source, where, "point is not on the curve");
        if (!g.isInSubgroup(p, 0)) throw new FormatException(source, where, "point is not in the G2 subgroup");
    }

    /** snarkjs's object form of an affine G1 point: [x, y, 1], or [0, 1, 0] for infinity. */
    static BigInteger[] g1Object(long[] p, int pi) {
        if (isZero(p, pi, 8)) return new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, BigInteger.ZERO};
        return new BigInteger[] {FQ.toBigInteger(p, pi), FQ.toBigInteger(p, pi + 4), BigInteger.ONE};
    }

    /** snarkjs's object form of an affine G2 point: [[x0, x1], [y0, y1], [1, 0]], or [[0, 0], [1, 0], [0, 0]]. */
    static BigInteger[][] g2Object(long[] p, int pi) {
        BigInteger z = BigInteger.ZERO, o = BigInteger.ONE;
        if (isZero(p, pi, 16)) return new BigInteger[][] {{z, z}, {o, z}, {z, z}};
        return new BigInteger[][] {
            {FQ.toBigInteger(p, pi), FQ.toBigInteger(p, pi + 4)},
            {FQ.toBigInteger(p, pi + 8), FQ.toBigInteger(p, pi + 12)},
            {o, z}};
    }

    static boolean isZero(long[] a, int off, int n) {
        for (int i = 0; i < n; i++) if (a[off + i] != 0) return false;
        return true;
    }
}
