package org.ppfarm.prover.bn254;

import java.math.BigInteger;

/**
 * BN254 G1: y^2 = x^3 + 3 over Fq, generator (1, 2), prime order r (the Fr modulus), cofactor 1 — so every point
 * on the curve is in the group and {@link #isOnCurveAffine} is the whole validity check.
 *
 * <p>Affine points are {@value #AFFINE} longs (x, y), Jacobian points {@value #JACOBIAN} longs (X, Y, Z), Montgomery
 * form, infinity all zeros / Z = 0; see {@link Curve} for the formulas. Not thread-safe (scratch space): one
 * instance per thread, e.g. {@link #local()}.
 */
public final class G1 extends Curve {
    public static final int AFFINE = 8;
    public static final int JACOBIAN = 12;

    private static final Field F = Field.FQ;
    private static final long[] B = F.fromBigInteger(BigInteger.valueOf(3));
    private static final long[] GENERATOR = new long[AFFINE];
    static {
        F.fromBigInteger(BigInteger.ONE, GENERATOR, 0);
        F.fromBigInteger(BigInteger.TWO, GENERATOR, 4);
    }
    private static final ThreadLocal<G1> LOCAL = ThreadLocal.withInitial(G1::new);

    public G1() { super(4); }

    /** This thread's instance (for code that is not on a hot path or caches it in a local). */
    public static G1 local() { return LOCAL.get(); }

    /** An affine point from standard-form integer coordinates (no validity check: see {@link #isOnCurveAffine}). */
    public static long[] affine(BigInteger x, BigInteger y) {
        long[] r = new long[AFFINE];
        F.fromBigInteger(x, r, 0);
        F.fromBigInteger(y, r, 4);
        return r;
    }

    @Override public void fmul(long[] a, int ai, long[] b, int bi, long[] r, int ri) { F.mul(a, ai, b, bi, r, ri); }
    @Override public void fsquare(long[] a, int ai, long[] r, int ri) { F.square(a, ai, r, ri); }
    @Override public void fadd(long[] a, int ai, long[] b, int bi, long[] r, int ri) { Field.FQ.add(a, ai, b, bi, r, ri); }
    @Override public void fsub(long[] a, int ai, long[] b, int bi, long[] r, int ri) { Field.FQ.sub(a, ai, b, bi, r, ri); }
    @Override public void fdbl(long[] a, int ai, long[] r, int ri) { Field.FQ.dbl(a, ai, r, ri); }
    @Override public void fneg(long[] a, int ai, long[] r, int ri) { Field.FQ.neg(a, ai, r, ri); }
    @Override public void finverse(long[] a, int ai, long[] r, int ri) { F.inverse(a, ai, r, ri); }
    @Override public boolean fisZero(long[] a, int ai) { return Field.isZero(a, ai); }
    @Override public boolean fequal(long[] a, int ai, long[] b, int bi) { return Field.equal(a, ai, b, bi); }
    @Override public void fsetOne(long[] r, int ri) { F.setOne(r, ri); }
    @Override protected long[] b() { return B; }
    @Override public long[] generator() { return GENERATOR.clone(); }
}
