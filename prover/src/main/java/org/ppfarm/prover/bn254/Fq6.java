package org.ppfarm.prover.bn254;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Fq6 = Fq2[v]/(v^3 - ξ), ξ = 9 + u: the middle floor of the BN254 tower that {@link Fq12} is built on (the same
 * tower as snarkjs/ffjavascript, gnark and arkworks). An element is 24 longs, c0 + c1 v + c2 v^2 with each ci an
 * {@link Fq2} element (8 longs, Montgomery form).
 *
 * <p>Instances hold scratch space so that the hot paths allocate nothing: <b>not thread-safe</b>, use one per
 * thread. Every operation reads all its operands before it writes the result, so results may alias inputs.
 */
public final class Fq6 {
    public static final int LIMBS = 24;

    /** The Fq2 instance this one computes with (shared with the owning {@link Fq12}). */
    final Fq2 f2;
    private final long[] t = new long[128];

    public Fq6() { this(new Fq2()); }

    Fq6(Fq2 f2) { this.f2 = f2; }

    /** Karatsuba over the three coefficients: 6 Fq2 multiplications. */
    public void mul(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        long[] t = this.t;
        Fq2 f = f2;
        f.mul(a, ai, b, bi, t, 0);             // v0 = a0 b0
        f.mul(a, ai + 8, b, bi + 8, t, 8);     // v1 = a1 b1
        f.mul(a, ai + 16, b, bi + 16, t, 16);  // v2 = a2 b2
        // c0 = v0 + ξ((a1 + a2)(b1 + b2) - v1 - v2)
        f.add(a, ai + 8, a, ai + 16, t, 24);
        f.add(b, bi + 8, b, bi + 16, t, 32);
        f.mul(t, 24, t, 32, t, 24);
        f.sub(t, 24, t, 8, t, 24);
        f.sub(t, 24, t, 16, t, 24);
        f.mulByNonResidue(t, 24, t, 24);
        f.add(t, 24, t, 0, t, 24);
        // c1 = (a0 + a1)(b0 + b1) - v0 - v1 + ξ v2
        f.add(a, ai, a, ai + 8, t, 32);
        f.add(b, bi, b, bi + 8, t, 40);
        f.mul(t, 32, t, 40, t, 32);
        f.sub(t, 32, t, 0, t, 32);
        f.sub(t, 32, t, 8, t, 32);
        f.mulByNonResidue(t, 16, t, 40);
        f.add(t, 32, t, 40, t, 32);
        // c2 = (a0 + a2)(b0 + b2) - v0 - v2 + v1
        f.add(a, ai, a, ai + 16, t, 40);
        f.add(b, bi, b, bi + 16, t, 48);
        f.mul(t, 40, t, 48, t, 40);
        f.sub(t, 40, t, 0, t, 40);
        f.sub(t, 40, t, 16, t, 40);
        f.add(t, 40, t, 8, r, ri + 16);
        System.arraycopy(t, 24, r, ri, 16);
    }

    /** Chung–Hasan SQR2: 2 Fq2 multiplications and 3 squarings. */
    public void square(long[] a, int ai, long[] r, int ri) {
        long[] t = this.t;
        Fq2 f = f2;
        f.square(a, ai, t, 0);                  // s0 = a0^2
        f.mul(a, ai, a, ai + 8, t, 8);
        f.dbl(t, 8, t, 8);                      // s1 = 2 a0 a1
        f.sub(a, ai, a, ai + 8, t, 16);
        f.add(t, 16, a, ai + 16, t, 16);
        f.square(t, 16, t, 16);                 // s2 = (a0 - a1 + a2)^2
        f.mul(a, ai + 8, a, ai + 16, t, 24);
        f.dbl(t, 24, t, 24);                    // s3 = 2 a1 a2
        f.square(a, ai + 16, t, 32);            // s4 = a2^2
        // c2 = s1 + s2 + s3 - s0 - s4
        f.add(t, 8, t, 16, t, 40);
        f.add(t, 40, t, 24, t, 40);
        f.sub(t, 40, t, 0, t, 40);
        f.sub(t, 40, t, 32, t, 40);
        // c0 = s0 + ξ s3, c1 = s1 + ξ s4
        f.mulByNonResidue(t, 24, t, 24);
        f.add(t, 0, t, 24, r, ri);
        f.mulByNonResidue(t, 32, t, 32);
        f.add(t, 8, t, 32, r, ri + 8);
        Fq2.copy(t, 40, r, ri + 16);
    }

    public void add(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        f2.add(a, ai, b, bi, r, ri);
        f2.add(a, ai + 8, b, bi + 8, r, ri + 8);
        f2.add(a, ai + 16, b, bi + 16, r, ri + 16);
    }

    public void sub(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        f2.sub(a, ai, b, bi, r, ri);
        f2.sub(a, ai + 8, b, bi + 8, r, ri + 8);
        f2.sub(a, ai + 16, b, bi + 16, r, ri + 16);
    }

    public void dbl(long[] a, int ai, long[] r, int ri) {
        f2.dbl(a, ai, r, ri);
        f2.dbl(a, ai + 8, r, ri + 8);
        f2.dbl(a, ai + 16, r, ri + 16);
    }

    public void neg(long[] a, int ai, long[] r, int ri) {
        f2.neg(a, ai, r, ri);
        f2.neg(a, ai + 8, r, ri + 8);
        f2.neg(a, ai + 16, r, ri + 16);
    }

    /** a * v = ξ a2 + a0 v + a1 v^2: the non-residue that builds Fq12 = Fq6[w]/(w^2 - v). */
    public void mulByNonResidue(long[] a, int ai, long[] r, int ri) {
        long[] t = this.t;
        f2.mulByNonResidue(a, ai + 16, t, 0);
        Fq2.copy(a, ai + 8, r, ri + 16);
        Fq2.copy(a, ai, r, ri + 8);
        Fq2.copy(t, 0, r, ri);
    }

    /** a * s for s in Fq2 (8 longs). */
    public void mulByFq2(long[] a, int ai, long[] s, int si, long[] r, int ri) {
        long[] t = this.t;
        Fq2.copy(s, si, t, 0); // s may alias r
        f2.mul(a, ai, t, 0, r, ri);
        f2.mul(a, ai + 8, t, 0, r, ri + 8);
        f2.mul(a, ai + 16, t, 0, r, ri + 16);
    }

    /** a * (b0 + b1 v): the sparse product the Miller loop's lines need, 5 Fq2 multiplications. */
    public void mulBy01(long[] a, int ai, long[] b, int b0, int b1, long[] r, int ri) {
        long[] t = this.t;
        Fq2 f = f2;
        f.mul(a, ai, b, b0, t, 0);             // v0 = a0 b0
        f.mul(a, ai + 8, b, b1, t, 8);         // v1 = a1 b1
        // c0 = v0 + ξ (a2 b1)
        f.mul(a, ai + 16, b, b1, t, 16);
        f.mulByNonResidue(t, 16, t, 16);
        f.add(t, 16, t, 0, t, 16);
        // c1 = (a0 + a1)(b0 + b1) - v0 - v1
        f.add(a, ai, a, ai + 8, t, 24);
        f.add(b, b0, b, b1, t, 32);
        f.mul(t, 24, t, 32, t, 24);
        f.sub(t, 24, t, 0, t, 24);
        f.sub(t, 24, t, 8, t, 24);
        // c2 = a2 b0 + v1
        f.mul(a, ai + 16, b, b0, t, 32);
        f.add(t, 32, t, 8, r, ri + 16);
        Fq2.copy(t, 16, r, ri);
        Fq2.copy(t, 24, r, ri + 8);
    }

    /**
     * 1/a by the norm to Fq2: with t0 = a0^2 - ξ a1 a2, t1 = ξ a2^2 - a0 a1, t2 = a1^2 - a0 a2 and
     * N = a0 t0 + ξ (a2 t1 + a1 t2), 1/a = (t0 + t1 v + t2 v^2) / N. Zero maps to zero.
     */
    public void inverse(long[] a, int ai, long[] r, int ri) {
        long[] t = this.t;
        Fq2 f = f2;
        f.square(a, ai, t, 0);
        f.mul(a, ai + 8, a, ai + 16, t, 8);
        f.mulByNonResidue(t, 8, t, 8);
        f.sub(t, 0, t, 8, t, 0);               // t0
        f.square(a, ai + 16, t, 8);
        f.mulByNonResidue(t, 8, t, 8);
        f.mul(a, ai, a, ai + 8, t, 16);
        f.sub(t, 8, t, 16, t, 8);              // t1
        f.square(a, ai + 8, t, 16);
        f.mul(a, ai, a, ai + 16, t, 24);
        f.sub(t, 16, t, 24, t, 16);            // t2
        f.mul(a, ai + 16, t, 8, t, 24);
        f.mul(a, ai + 8, t, 16, t, 32);
        f.add(t, 24, t, 32, t, 24);
        f.mulByNonResidue(t, 24, t, 24);
        f.mul(a, ai, t, 0, t, 32);
        f.add(t, 24, t, 32, t, 24);            // N
        f.inverse(t, 24, t, 24);
        f.mul(t, 0, t, 24, r, ri);
        f.mul(t, 8, t, 24, r, ri + 8);
        f.mul(t, 16, t, 24, r, ri + 16);
    }

    public static boolean isZero(long[] a, int ai) {
        for (int i = 0; i < LIMBS; i++) if (a[ai + i] != 0) return false;
        return true;
    }

    public static boolean isOne(long[] a, int ai) {
        return Fq2.isOne(a, ai) && Fq2.isZero(a, ai + 8) && Fq2.isZero(a, ai + 16);
    }

    public static boolean equal(long[] a, int ai, long[] b, int bi) {
        return Arrays.equals(a, ai, ai + LIMBS, b, bi, bi + LIMBS);
    }

    public static void copy(long[] a, int ai, long[] r, int ri) { System.arraycopy(a, ai, r, ri, LIMBS); }

    public static void setZero(long[] r, int ri) { Arrays.fill(r, ri, ri + LIMBS, 0L); }

    public static void setOne(long[] r, int ri) { setZero(r, ri); Fq2.setOne(r, ri); }

    /** From six Fq values c0.c0, c0.c1, c1.c0, c1.c1, c2.c0, c2.c1 (any integers, reduced mod q). */
    public static long[] of(BigInteger... c) {
        if (c.length != 6) throw new IllegalArgumentException("an Fq6 element has 6 Fq coefficients");
        long[] r = new long[LIMBS];
        for (int i = 0; i < 6; i++) Field.FQ.fromBigInteger(c[i], r, 4 * i);
        return r;
    }

    /** The six Fq coefficients in the order of {@link #of}. */
    public static BigInteger[] toBigIntegers(long[] a, int ai) {
        BigInteger[] r = new BigInteger[6];
        for (int i = 0; i < 6; i++) r[i] = Field.FQ.toBigInteger(a, ai + 4 * i);
        return r;
    }
}
