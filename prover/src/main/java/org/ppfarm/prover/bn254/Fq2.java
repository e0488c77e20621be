package org.ppfarm.prover.bn254;

import java.math.BigInteger;

/**
 * Fq2 = Fq[u]/(u^2 + 1). An element is 8 longs: c0 (4 limbs, Montgomery) then c1, for c0 + c1*u.
 *
 * <p>Instances hold scratch space so the hot paths allocate nothing: <b>not thread-safe</b>, use one per thread
 * (the curve and pairing code each own one). Results may alias inputs.
 */
public final class Fq2 {
    public static final int LIMBS = 8;
    private static final Field F = Field.FQ;

    private final long[] t = new long[16];

    /** a*b by Karatsuba: c0 = a0b0 - a1b1, c1 = (a0+a1)(b0+b1) - a0b0 - a1b1. */
    public void mul(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        long[] t = this.t;
        F.mul(a, ai, b, bi, t, 0);                 // v0 = a0 b0
        F.mul(a, ai + 4, b, bi + 4, t, 4);         // v1 = a1 b1
        F.add(a, ai, a, ai + 4, t, 8);             // a0 + a1
        F.add(b, bi, b, bi + 4, t, 12);            // b0 + b1
        F.mul(t, 8, t, 12, t, 8);
        F.sub(t, 8, t, 0, t, 8);
        F.sub(t, 8, t, 4, r, ri + 4);
        F.sub(t, 0, t, 4, r, ri);
    }

    /** a^2 by the complex method: c0 = (a0+a1)(a0-a1), c1 = 2 a0 a1. */
    public void square(long[] a, int ai, long[] r, int ri) {
        long[] t = this.t;
        F.add(a, ai, a, ai + 4, t, 0);
        F.sub(a, ai, a, ai + 4, t, 4);
        F.mul(a, ai, a, ai + 4, t, 8);
        F.mul(t, 0, t, 4, r, ri);
        F.dbl(t, 8, r, ri + 4);
    }

    public void add(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        F.add(a, ai, b, bi, r, ri);
        F.add(a, ai + 4, b, bi + 4, r, ri + 4);
    }

    public void sub(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        F.sub(a, ai, b, bi, r, ri);
        F.sub(a, ai + 4, b, bi + 4, r, ri + 4);
    }

    public void dbl(long[] a, int ai, long[] r, int ri) {
        F.dbl(a, ai, r, ri);
        F.dbl(a, ai + 4, r, ri + 4);
    }

    public void neg(long[] a, int ai, long[] r, int ri) {
        F.neg(a, ai, r, ri);
        F.neg(a, ai + 4, r, ri + 4);
    }

    /** Complex conjugate c0 - c1 u; also the q-power Frobenius on Fq2. */
    public void conjugate(long[] a, int ai, long[] r, int ri) {
        Field.copy(a, ai, r, ri);
        F.neg(a, ai + 4, r, ri + 4);
    }

    /** a * s for s in Fq (4 limbs). */
    public void mulByFq(long[] a, int ai, long[] s, int si, long[] r, int ri) {
        F.mul(a, ai, s, si, r, ri);
        F.mul(a, ai + 4, s, si, r, ri + 4);
    }

    /** a * ξ with ξ = 9 + u, the non-residue that builds Fq6 = Fq2[v]/(v^3 - ξ): (9a0 - a1) + (9a1 + a0) u. */
    public void mulByNonResidue(long[] a, int ai, long[] r, int ri) {
        long[] t = this.t;
        times9(a, ai, t, 0);
        times9(a, ai + 4, t, 4);
        F.sub(t, 0, a, ai + 4, t, 8);
        F.add(t, 4, a, ai, r, ri + 4);
        Field.copy(t, 8, r, ri);
    }

    private static void times9(long[] a, int ai, long[] r, int ri) {
        // r may not alias a here (callers pass scratch)
        F.dbl(a, ai, r, ri);      // 2a
        F.dbl(r, ri, r, ri);      // 4a
        F.dbl(r, ri, r, ri);      // 8a
        F.add(r, ri, a, ai, r, ri); // 9a
    }

    /** 1/a = conj(a) / (a0^2 + a1^2); zero maps to zero. */
    public void inverse(long[] a, int ai, long[] r, int ri) {
        long[] t = this.t;
        F.square(a, ai, t, 0);
        F.square(a, ai + 4, t, 4);
        F.add(t, 0, t, 4, t, 0);
        F.inverse(t, 0, t, 0);
        F.mul(a, ai, t, 0, r, ri);
        F.mul(a, ai + 4, t, 0, t, 4);
        F.neg(t, 4, r, ri + 4);
    }

    public static boolean isZero(long[] a, int ai) { return Field.isZero(a, ai) && Field.isZero(a, ai + 4); }

    public static boolean equal(long[] a, int ai, long[] b, int bi) {
        return Field.equal(a, ai, b, bi) && Field.equal(a, ai + 4, b, bi + 4);
    }

    public static void copy(long[] a, int ai, long[] r, int ri) { System.arraycopy(a, ai, r, ri, 8); }

    public static void setOne(long[] r, int ri) { F.setOne(r, ri); Field.setZero(r, ri + 4); }

    public static void setZero(long[] r, int ri) { java.util.Arrays.fill(r, ri, ri + 8, 0L); }

    public static boolean isOne(long[] a, int ai) { return F.isOne(a, ai) && Field.isZero(a, ai + 4); }

    public static long[] of(BigInteger c0, BigInteger c1) {
        long[] r = new long[8];
        F.fromBigInteger(c0, r, 0);
        F.fromBigInteger(c1, r, 4);
        return r;
    }

    public static BigInteger[] toBigIntegers(long[] a, int ai) {
        return new BigInteger[] {F.toBigInteger(a, ai), F.toBigInteger(a, ai + 4)};
    }
}
