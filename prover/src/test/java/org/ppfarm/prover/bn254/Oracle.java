package org.ppfarm.prover.bn254;

import java.math.BigInteger;
import java.util.SplittableRandom;

/**
 * BigInteger reference arithmetic for the tests: Fq2 as pairs, Fq12 as polynomials of degree < 6 in w over Fq2 with
 * w^6 = ξ = 9 + u, and affine G1/G2 group law. Slow and obviously right; never used by main code.
 */
final class Oracle {
    private Oracle() {}

    static final BigInteger Q = Field.FQ.modulus();
    static final BigInteger R = Field.FR.modulus();
    static final BigInteger[] XI = {BigInteger.valueOf(9), BigInteger.ONE};
    /** Offset (in longs) of the Fq2 coefficient of w^i in the 48-long layout. */
    static final int[] W_OFF = {0, 24, 8, 32, 16, 40};

    static BigInteger rnd(SplittableRandom r, BigInteger mod) {
        byte[] b = new byte[40];
        r.nextBytes(b);
        return new BigInteger(1, b).mod(mod);
    }

    // ---- Fq2 ----
    static BigInteger[] f2(BigInteger a, BigInteger b) { return new BigInteger[] {a.mod(Q), b.mod(Q)}; }
    static BigInteger[] f2add(BigInteger[] a, BigInteger[] b) { return f2(a[0].add(b[0]), a[1].add(b[1])); }
    static BigInteger[] f2sub(BigInteger[] a, BigInteger[] b) { return f2(a[0].subtract(b[0]), a[1].subtract(b[1])); }
    static BigInteger[] f2neg(BigInteger[] a) { return f2(a[0].negate(), a[1].negate()); }
    static BigInteger[] f2mul(BigInteger[] a, BigInteger[] b) {
        return f2(a[0].multiply(b[0]).subtract(a[1].multiply(b[1])), a[0].multiply(b[1]).add(a[1].multiply(b[0])));
    }
    static BigInteger[] f2inv(BigInteger[] a) {
        BigInteger n = a[0].multiply(a[0]).add(a[1].multiply(a[1])).mod(Q).modInverse(Q);
        return f2(a[0].multiply(n), a[1].negate().multiply(n));
    }
    static boolean f2isZero(BigInteger[] a) { return a[0].signum() == 0 && a[1].signum() == 0; }
    static BigInteger[] f2rnd(SplittableRandom r) { return f2(rnd(r, Q), rnd(r, Q)); }

    // ---- Fq12 as 6 Fq2 coefficients of w^0..w^5 ----
    static BigInteger[][] f12mul(BigInteger[][] a, BigInteger[][] b) {
        BigInteger[][] p = new BigInteger[11][];
        for (int i = 0; i < 11; i++) p[i] = f2(BigInteger.ZERO, BigInteger.ZERO);
        for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) p[i + j] = f2add(p[i + j], f2mul(a[i], b[j]));
        BigInteger[][] r = new BigInteger[6][];
        for (int i = 0; i < 6; i++) r[i] = i + 6 < 11 ? f2add(p[i], f2mul(p[i + 6], XI)) : p[i];
        return r;
    }

    static BigInteger[][] f12pow(BigInteger[][] a, BigInteger e) {
        BigInteger[][] acc = f12one();
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            acc = f12mul(acc, acc);
            if (e.testBit(i)) acc = f12mul(acc, a);
        }
        return acc;
    }

    static BigInteger[][] f12one() {
        BigInteger[][] r = new BigInteger[6][];
        for (int i = 0; i < 6; i++) r[i] = f2(i == 0 ? BigInteger.ONE : BigInteger.ZERO, BigInteger.ZERO);
        return r;
    }

    static BigInteger[][] f12rnd(SplittableRandom r) {
        BigInteger[][] a = new BigInteger[6][];
        for (int i = 0; i < 6; i++) a[i] = f2rnd(r);
        return a;
    }

    static long[] toLimbs(BigInteger[][] a) {
        long[] l = new long[48];
        for (int i = 0; i < 6; i++) {
            Field.FQ.fromBigInteger(a[i][0], l, W_OFF[i]);
            Field.FQ.fromBigInteger(a[i][1], l, W_OFF[i] + 4);
        }
        return l;
    }

    static BigInteger[][] fromLimbs(long[] l, int off) {
        BigInteger[][] a = new BigInteger[6][];
        for (int i = 0; i < 6; i++)
            a[i] = new BigInteger[] {Field.FQ.toBigInteger(l, off + W_OFF[i]), Field.FQ.toBigInteger(l, off + W_OFF[i] + 4)};
        return a;
    }

    // ---- affine points; null is the point at infinity ----
    /** G1 generator (1, 2) and the standard G2 generator (as in every snarkjs key's vk_gamma_2 default). */
    static final BigInteger[] G1 = {BigInteger.ONE, BigInteger.TWO};
    static final BigInteger[][] G2 = {
        f2(new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
           new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
        f2(new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
           new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531"))};

    static BigInteger[] g1add(BigInteger[] p, BigInteger[] q) {
        if (p == null) return q;
        if (q == null) return p;
        BigInteger lambda;
        if (p[0].equals(q[0])) {
            if (p[1].add(q[1]).mod(Q).signum() == 0) return null;
            lambda = p[0].pow(2).multiply(BigInteger.valueOf(3)).multiply(p[1].shiftLeft(1).modInverse(Q)).mod(Q);
        } else {
            lambda = q[1].subtract(p[1]).multiply(q[0].subtract(p[0]).mod(Q).modInverse(Q)).mod(Q);
        }
        BigInteger x = lambda.pow(2).subtract(p[0]).subtract(q[0]).mod(Q);
        return new BigInteger[] {x, lambda.multiply(p[0].subtract(x)).subtract(p[1]).mod(Q)};
    }

    static BigInteger[] g1mul(BigInteger[] p, BigInteger k) {
        BigInteger[] acc = null;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            acc = g1add(acc, acc);
            if (k.testBit(i)) acc = g1add(acc, p);
        }
        return acc;
    }

    static BigInteger[][] g2add(BigInteger[][] p, BigInteger[][] q) {
        if (p == null) return q;
        if (q == null) return p;
        BigInteger[] lambda;
        if (p[0][0].equals(q[0][0]) && p[0][1].equals(q[0][1])) {
            if (f2isZero(f2add(p[1], q[1]))) return null;
            BigInteger[] x2 = f2mul(p[0], p[0]);
            lambda = f2mul(f2add(f2add(x2, x2), x2), f2inv(f2add(p[1], p[1])));
        } else {
            lambda = f2mul(f2sub(q[1], p[1]), f2inv(f2sub(q[0], p[0])));
        }
        BigInteger[] x = f2sub(f2sub(f2mul(lambda, lambda), p[0]), q[0]);
        return new BigInteger[][] {x, f2sub(f2mul(lambda, f2sub(p[0], x)), p[1])};
    }

    static BigInteger[][] g2mul(BigInteger[][] p, BigInteger k) {
        BigInteger[][] acc = null;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            acc = g2add(acc, acc);
            if (k.testBit(i)) acc = g2add(acc, p);
        }
        return acc;
    }

    static long[] g1Limbs(BigInteger[] p) {
        long[] l = new long[8];
        if (p != null) { Field.FQ.fromBigInteger(p[0], l, 0); Field.FQ.fromBigInteger(p[1], l, 4); }
        return l;
    }

    static long[] g2Limbs(BigInteger[][] p) {
        long[] l = new long[16];
        if (p != null) for (int i = 0; i < 4; i++) Field.FQ.fromBigInteger(p[i / 2][i % 2], l, 4 * i);
        return l;
    }
}
