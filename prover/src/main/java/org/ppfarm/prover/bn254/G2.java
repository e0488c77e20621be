package org.ppfarm.prover.bn254;

import java.math.BigInteger;

/**
 * BN254 G2: the order-r subgroup of the sextic twist E': y^2 = x^3 + 3/(9+u) over Fq2, with the standard generator
 * of EIP-197 / snarkjs. Unlike G1 the twist has a large cofactor, so a point read from outside must pass both
 * {@link #isOnCurveAffine} and {@link #isInSubgroup}.
 *
 * <p>Affine points are {@value #AFFINE} longs (x.c0, x.c1, y.c0, y.c1), Jacobian points {@value #JACOBIAN} longs,
 * Montgomery form, infinity all zeros / Z = 0; see {@link Curve} for the formulas. Not thread-safe (scratch
 * space): one instance per thread, e.g. {@link #local()}.
 */
public final class G2 extends Curve {
    public static final int AFFINE = 16;
    public static final int JACOBIAN = 24;

    private static final Field F = Field.FQ;
    /** b' = 3 / ξ with ξ = 9 + u. */
    private static final long[] B;
    /** ψ's constants: ξ^((q-1)/3) and ξ^((q-1)/2). */
    private static final long[] PSI_X, PSI_Y;
    /** The BN parameter x0 = 4965661367192848881; on G2, ψ acts as multiplication by q ≡ 6 x0^2 (mod r). */
    private static final long[] SIX_X0_SQUARED;
    private static final long[] GENERATOR = new long[AFFINE];
    static {
        Fq2 f = new Fq2();
        long[] xi = Fq2.of(BigInteger.valueOf(9), BigInteger.ONE);
        B = Fq2.of(BigInteger.valueOf(3), BigInteger.ZERO);
        long[] xiInv = new long[8];
        f.inverse(xi, 0, xiInv, 0);
        f.mul(B, 0, xiInv, 0, B, 0);
        BigInteger q = F.modulus();
        PSI_X = pow(f, xi, q.subtract(BigInteger.ONE).divide(BigInteger.valueOf(3)));
        PSI_Y = pow(f, xi, q.subtract(BigInteger.ONE).shiftRight(1));
        BigInteger x0 = new BigInteger("4965661367192848881");
        SIX_X0_SQUARED = Field.limbs(x0.multiply(x0).multiply(BigInteger.valueOf(6)));
        long[] g = affine(
                new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634"),
                new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531"));
        System.arraycopy(g, 0, GENERATOR, 0, AFFINE);
    }
    private static final ThreadLocal<G2> LOCAL = ThreadLocal.withInitial(G2::new);

    private final Fq2 f = new Fq2();
    private final long[] psiScratch = new long[2 * JACOBIAN];
    private final long[] fq2Scratch = new long[16];

    public G2() { super(8); }

    /** This thread's instance (for code that is not on a hot path or caches it in a local). */
    public static G2 local() { return LOCAL.get(); }

    /** An affine point from standard-form coordinates x = x0 + x1 u, y = y0 + y1 u (no validity check). */
    public static long[] affine(BigInteger x0, BigInteger x1, BigInteger y0, BigInteger y1) {
        long[] r = new long[AFFINE];
        F.fromBigInteger(x0, r, 0);
        F.fromBigInteger(x1, r, 4);
        F.fromBigInteger(y0, r, 8);
        F.fromBigInteger(y1, r, 12);
        return r;
    }

    /** The untwist-Frobenius-twist endomorphism ψ(X, Y, Z) = (X^q ξ^((q-1)/3), Y^q ξ^((q-1)/2), Z^q) (Jacobian). */
    public void psi(long[] p, int pi, long[] r, int ri) {
        f.conjugate(p, pi, r, ri);
        f.mul(r, ri, PSI_X, 0, r, ri);
        f.conjugate(p, pi + 8, r, ri + 8);
        f.mul(r, ri + 8, PSI_Y, 0, r, ri + 8);
        f.conjugate(p, pi + 16, r, ri + 16);
    }

    /**
     * True when the affine point (assumed on the twist) lies in the order-r subgroup. Uses Scott's test
     * ψ(P) == [6 x0^2] P (eprint 2021/1130, BN curves), a 127-bit multiplication instead of the 254-bit [r] P.
     */
    public boolean isInSubgroup(long[] a, int ai) {
        if (isInfinityAffine(a, ai)) return true;
        long[] s = psiScratch;
        fromAffine(a, ai, s, 0);
        psi(s, 0, s, JACOBIAN);
        scalarMul(s, 0, SIX_X0_SQUARED, 0, 2, s, 0);
        return equal(s, 0, s, JACOBIAN);
    }

    private static long[] pow(Fq2 f, long[] a, BigInteger e) {
        long[] acc = new long[8];
        Fq2.setOne(acc, 0);
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            f.square(acc, 0, acc, 0);
            if (e.testBit(i)) f.mul(acc, 0, a, 0, acc, 0);
        }
        return acc;
    }

    /** Fq2 product, Karatsuba as in {@link Fq2#mul} but with the branch-free linear Fq operations. */
    @Override public void fmul(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        long[] t = fq2Scratch;
        F.mul(a, ai, b, bi, t, 0);                   // a0 b0
        F.mul(a, ai + 4, b, bi + 4, t, 4);           // a1 b1
        Field.FQ.add(a, ai, a, ai + 4, t, 8);
        Field.FQ.add(b, bi, b, bi + 4, t, 12);
        F.mul(t, 8, t, 12, t, 8);                    // (a0 + a1)(b0 + b1)
        Field.FQ.sub(t, 8, t, 0, t, 8);
        Field.FQ.sub(t, 8, t, 4, r, ri + 4);
        Field.FQ.sub(t, 0, t, 4, r, ri);
    }

    /** Fq2 square by the complex method, as {@link Fq2#square} with the branch-free linear Fq operations. */
    @Override public void fsquare(long[] a, int ai, long[] r, int ri) {
        long[] t = fq2Scratch;
        Field.FQ.add(a, ai, a, ai + 4, t, 0);
        Field.FQ.sub(a, ai, a, ai + 4, t, 4);
        F.mul(a, ai, a, ai + 4, t, 8);
        F.mul(t, 0, t, 4, r, ri);
        Field.FQ.dbl(t, 8, r, ri + 4);
    }
    // Fq2 addition-like operations are componentwise: use the branch-free Fq ones
    @Override public void fadd(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        Field.FQ.add(a, ai, b, bi, r, ri);
        Field.FQ.add(a, ai + 4, b, bi + 4, r, ri + 4);
    }
    @Override public void fsub(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        Field.FQ.sub(a, ai, b, bi, r, ri);
        Field.FQ.sub(a, ai + 4, b, bi + 4, r, ri + 4);
    }
    @Override public void fdbl(long[] a, int ai, long[] r, int ri) {
        Field.FQ.dbl(a, ai, r, ri);
        Field.FQ.dbl(a, ai + 4, r, ri + 4);
    }
    @Override public void fneg(long[] a, int ai, long[] r, int ri) {
        Field.FQ.neg(a, ai, r, ri);
        Field.FQ.neg(a, ai + 4, r, ri + 4);
    }
    @Override public void finverse(long[] a, int ai, long[] r, int ri) { f.inverse(a, ai, r, ri); }
    @Override public boolean fisZero(long[] a, int ai) { return Fq2.isZero(a, ai); }
    @Override public boolean fequal(long[] a, int ai, long[] b, int bi) { return Fq2.equal(a, ai, b, bi); }
    @Override public void fsetOne(long[] r, int ri) { Fq2.setOne(r, ri); }
    @Override protected long[] b() { return B; }
    @Override public long[] generator() { return GENERATOR.clone(); }
}
