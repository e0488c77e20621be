package org.ppfarm.prover.bn254;

import java.math.BigInteger;
import java.util.SplittableRandom;

/**
 * BigInteger reference for both BN254 groups (the test oracle): affine textbook formulas over Fq2 = Fq[u]/(u^2+1),
 * G1 living in the subfield (c1 = 0). A point is {x0, x1, y0, y1} or {@code null} for infinity.
 */
final class RefCurve {
    static final BigInteger Q = Field.FQ.modulus();
    static final BigInteger R = Field.FR.modulus();

    static final RefCurve G1 = new RefCurve(new BigInteger[] {BigInteger.valueOf(3), BigInteger.ZERO});
    static final RefCurve G2 = new RefCurve(fdiv(new BigInteger[] {BigInteger.valueOf(3), BigInteger.ZERO},
            new BigInteger[] {BigInteger.valueOf(9), BigInteger.ONE}));

    final BigInteger[] b;

    private RefCurve(BigInteger[] b) { this.b = b; }

    // ---- Fq2 ----
    static BigInteger[] fadd(BigInteger[] a, BigInteger[] c) { return new BigInteger[] {a[0].add(c[0]).mod(Q), a[1].add(c[1]).mod(Q)}; }
    static BigInteger[] fsub(BigInteger[] a, BigInteger[] c) { return new BigInteger[] {a[0].subtract(c[0]).mod(Q), a[1].subtract(c[1]).mod(Q)}; }
    static BigInteger[] fmul(BigInteger[] a, BigInteger[] c) {
        return new BigInteger[] {a[0].multiply(c[0]).subtract(a[1].multiply(c[1])).mod(Q),
                a[0].multiply(c[1]).add(a[1].multiply(c[0])).mod(Q)};
    }
    static BigInteger[] fscale(BigInteger[] a, long k) { return fmul(a, new BigInteger[] {BigInteger.valueOf(k), BigInteger.ZERO}); }
    static BigInteger[] finv(BigInteger[] a) {
        BigInteger n = a[0].pow(2).add(a[1].pow(2)).mod(Q).modInverse(Q);
        return new BigInteger[] {a[0].multiply(n).mod(Q), a[1].negate().multiply(n).mod(Q)};
    }
    static BigInteger[] fdiv(BigInteger[] a, BigInteger[] c) { return fmul(a, finv(c)); }
    static boolean feq(BigInteger[] a, BigInteger[] c) { return a[0].equals(c[0]) && a[1].equals(c[1]); }
    static BigInteger[] fpow(BigInteger[] a, BigInteger e) {
        BigInteger[] acc = {BigInteger.ONE, BigInteger.ZERO};
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            acc = fmul(acc, acc);
            if (e.testBit(i)) acc = fmul(acc, a);
        }
        return acc;
    }
    /** A square root in Fq2 (q = 3 mod 4; eprint 2012/685 algorithm 9), or null. */
    static BigInteger[] fsqrt(BigInteger[] a) {
        BigInteger[] minusOne = {Q.subtract(BigInteger.ONE), BigInteger.ZERO};
        BigInteger[] a1 = fpow(a, Q.subtract(BigInteger.valueOf(3)).shiftRight(2));
        BigInteger[] alpha = fmul(fmul(a1, a1), a);
        BigInteger[] a0 = fmul(new BigInteger[] {alpha[0], alpha[1].negate().mod(Q)}, alpha);
        if (feq(a0, minusOne)) return null;
        BigInteger[] x0 = fmul(a1, a);
        BigInteger[] x = feq(alpha, minusOne) ? fmul(new BigInteger[] {BigInteger.ZERO, BigInteger.ONE}, x0)
                : fmul(fpow(fadd(new BigInteger[] {BigInteger.ONE, BigInteger.ZERO}, alpha), Q.subtract(BigInteger.ONE).shiftRight(1)), x0);
        return feq(fmul(x, x), a) ? x : null;
    }

    // ---- points ----
    static BigInteger[] x(BigInteger[] p) { return new BigInteger[] {p[0], p[1]}; }
    static BigInteger[] y(BigInteger[] p) { return new BigInteger[] {p[2], p[3]}; }
    static BigInteger[] point(BigInteger[] x, BigInteger[] y) { return new BigInteger[] {x[0], x[1], y[0], y[1]}; }

    boolean onCurve(BigInteger[] p) {
        if (p == null) return true;
        BigInteger[] x = x(p);
        return feq(fmul(y(p), y(p)), fadd(fmul(fmul(x, x), x), b));
    }

    BigInteger[] add(BigInteger[] p, BigInteger[] q) {
        if (p == null) return q;
        if (q == null) return p;
        BigInteger[] lambda;
        if (feq(x(p), x(q))) {
            if (!feq(y(p), y(q)) || (y(p)[0].signum() == 0 && y(p)[1].signum() == 0)) return null;
            lambda = fdiv(fscale(fmul(x(p), x(p)), 3), fscale(y(p), 2));
        } else {
            lambda = fdiv(fsub(y(q), y(p)), fsub(x(q), x(p)));
        }
        BigInteger[] x3 = fsub(fsub(fmul(lambda, lambda), x(p)), x(q));
        BigInteger[] y3 = fsub(fmul(lambda, fsub(x(p), x3)), y(p));
        return point(x3, y3);
    }

    BigInteger[] neg(BigInteger[] p) {
        return p == null ? null : point(x(p), fsub(new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO}, y(p)));
    }

    BigInteger[] mul(BigInteger[] p, BigInteger k) {
        BigInteger[] acc = null;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            acc = add(acc, acc);
            if (k.testBit(i)) acc = add(acc, p);
        }
        return acc;
    }

    /** A point on the curve with a random x (for G2: almost surely outside the order-r subgroup). */
    BigInteger[] randomOnCurve(SplittableRandom rnd, boolean extension) {
        while (true) {
            BigInteger[] x = {randomFq(rnd), extension ? randomFq(rnd) : BigInteger.ZERO};
            BigInteger[] rhs = fadd(fmul(fmul(x, x), x), b);
            BigInteger[] y = fsqrt(rhs);
            if (y != null && (extension || y[1].signum() == 0)) return point(x, y);
        }
    }

    static BigInteger randomFq(SplittableRandom rnd) { return random(rnd, Q); }

    static BigInteger random(SplittableRandom rnd, BigInteger m) {
        byte[] bytes = new byte[40];
        rnd.nextBytes(bytes);
        return new BigInteger(1, bytes).mod(m);
    }

    // ---- conversion to and from the engine's limb layout ----
    static long[] toLimbs(BigInteger[] p, int e) {
        long[] r = new long[2 * e];
        if (p == null) return r;
        if (e == 4) {
            Field.FQ.fromBigInteger(p[0], r, 0);
            Field.FQ.fromBigInteger(p[2], r, 4);
        } else {
            for (int i = 0; i < 4; i++) Field.FQ.fromBigInteger(p[i], r, 4 * i);
        }
        return r;
    }

    static BigInteger[] fromLimbs(long[] a, int ai, int e) {
        boolean zero = true;
        for (int i = 0; i < 2 * e; i++) zero &= a[ai + i] == 0;
        if (zero) return null;
        if (e == 4) {
            return new BigInteger[] {Field.FQ.toBigInteger(a, ai), BigInteger.ZERO, Field.FQ.toBigInteger(a, ai + 4), BigInteger.ZERO};
        }
        BigInteger[] r = new BigInteger[4];
        for (int i = 0; i < 4; i++) r[i] = Field.FQ.toBigInteger(a, ai + 4 * i);
        return r;
    }
}
