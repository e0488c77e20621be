package org.ppfarm.cpukernels;

import java.math.BigInteger;
import java.util.Random;

/**
 * BigInteger reference arithmetic for BN254 — the tests' oracle, independent of both the kernels and the Java
 * engine: field elements as BigIntegers, Fq2 as pairs with u^2 = -1, points affine (null is infinity). Public for
 * gpu-kernels' tests, which use it through this module's test jar.
 */
public final class Oracle {
    public static final BigInteger R_MOD = new BigInteger(
            "21888242871839275222246405745257275088548364400416034343698204186575808495617");
    public static final BigInteger Q_MOD = new BigInteger(
            "21888242871839275222246405745257275088696311157297823662689037894645226208583");
    public static final BigInteger MONT = BigInteger.ONE.shiftLeft(256);
    /** snarkjs's root of unity of order 2^28 (ffjavascript Fr.w[28]). */
    public static final BigInteger W28 = new BigInteger(
            "19103219067921713944291392827692070036145651957329286315305642004821462161904");

    private Oracle() { }

    // ---- limbs ----

    public static void put(BigInteger v, long[] out, int off) {
        for (int i = 0; i < 4; i++) out[off + i] = v.shiftRight(64 * i).longValue();
    }

    public static BigInteger get(long[] a, int off) {
        BigInteger v = BigInteger.ZERO;
        for (int i = 3; i >= 0; i--) v = v.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(a[off + i])));
        return v;
    }

    public static BigInteger toMont(BigInteger v, BigInteger p) { return v.multiply(MONT).mod(p); }

    public static BigInteger fromMont(BigInteger v, BigInteger p) { return v.multiply(MONT.modInverse(p)).mod(p); }

    /** Montgomery limbs of values mod p, 4 longs each. */
    public static long[] montLimbs(BigInteger[] values, BigInteger p) {
        long[] out = new long[4 * values.length];
        for (int i = 0; i < values.length; i++) put(toMont(values[i], p), out, 4 * i);
        return out;
    }

    /** Standard-form limbs, 4 longs each. */
    public static long[] stdLimbs(BigInteger[] values) {
        long[] out = new long[4 * values.length];
        for (int i = 0; i < values.length; i++) put(values[i], out, 4 * i);
        return out;
    }

    public static BigInteger[] fromMontLimbs(long[] limbs, int n, BigInteger p) {
        BigInteger[] out = new BigInteger[n];
        for (int i = 0; i < n; i++) out[i] = fromMont(get(limbs, 4 * i), p);
        return out;
    }

    public static BigInteger random(Random rnd, BigInteger p) {
        BigInteger v;
        do v = new BigInteger(p.bitLength(), rnd); while (v.compareTo(p) >= 0);
        return v;
    }

    /** Random values followed by the edge values 0, 1, 2, p-1, p-2, 2^64, 2^128 - 1. */
    /** n random elements of Fr. */
    public static BigInteger[] randomFr(int n, Random rnd) {
        BigInteger[] a = new BigInteger[n];
        for (int i = 0; i < n; i++) a[i] = random(rnd, R_MOD);
        return a;
    }

    public static BigInteger[] randomWithEdges(Random rnd, BigInteger p, int randomCount) {
        BigInteger[] edges = {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, p.subtract(BigInteger.ONE),
            p.subtract(BigInteger.TWO), BigInteger.ONE.shiftLeft(64), BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE)};
        BigInteger[] out = new BigInteger[randomCount + edges.length];
        for (int i = 0; i < randomCount; i++) out[i] = random(rnd, p);
        System.arraycopy(edges, 0, out, randomCount, edges.length);
        return out;
    }

    // ---- Fq2 = Fq[u]/(u^2+1) as {c0, c1} ----

    public static BigInteger[] f2(BigInteger c0, BigInteger c1) { return new BigInteger[] {c0.mod(Q_MOD), c1.mod(Q_MOD)}; }

    public static BigInteger[] f2add(BigInteger[] a, BigInteger[] b) { return f2(a[0].add(b[0]), a[1].add(b[1])); }

    public static BigInteger[] f2sub(BigInteger[] a, BigInteger[] b) { return f2(a[0].subtract(b[0]), a[1].subtract(b[1])); }

    public static BigInteger[] f2mul(BigInteger[] a, BigInteger[] b) {
        return f2(a[0].multiply(b[0]).subtract(a[1].multiply(b[1])), a[0].multiply(b[1]).add(a[1].multiply(b[0])));
    }

    public static BigInteger[] f2inv(BigInteger[] a) {
        BigInteger norm = a[0].pow(2).add(a[1].pow(2)).mod(Q_MOD);
        if (norm.signum() == 0) return f2(BigInteger.ZERO, BigInteger.ZERO);
        BigInteger ni = norm.modInverse(Q_MOD);
        return f2(a[0].multiply(ni), a[1].negate().multiply(ni));
    }

    public static boolean f2zero(BigInteger[] a) { return a[0].signum() == 0 && a[1].signum() == 0; }

    // ---- points: G1 coordinates are Fq2 with c1 = 0, so one implementation serves both groups ----

    /** An affine point, {x, y} in Fq2 (c1 = 0 for G1); null is infinity. */
    public record Point(BigInteger[] x, BigInteger[] y) { }

    public static final BigInteger[] B_G1 = f2(BigInteger.valueOf(3), BigInteger.ZERO);
    public static final BigInteger[] B_G2 = f2mul(B_G1, f2inv(f2(BigInteger.valueOf(9), BigInteger.ONE)));

    public static final Point G1_GEN = new Point(f2(BigInteger.ONE, BigInteger.ZERO), f2(BigInteger.TWO, BigInteger.ZERO));
    public static final Point G2_GEN = new Point(
            f2(new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
               new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
            f2(new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
               new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531")));

    public static boolean onCurve(Point p, BigInteger[] b) {
        if (p == null) return true;
        return f2zero(f2sub(f2mul(p.y, p.y), f2add(f2mul(f2mul(p.x, p.x), p.x), b)));
    }

    /** Point equality (the record's equals would compare the arrays by reference). */
    public static boolean same(Point a, Point b) {
        if (a == null || b == null) return a == b;
        return java.util.Arrays.equals(a.x, b.x) && java.util.Arrays.equals(a.y, b.y);
    }

    public static Point neg(Point p) { return p == null ? null : new Point(p.x, f2sub(f2(BigInteger.ZERO, BigInteger.ZERO), p.y)); }

    public static Point add(Point p, Point q) {
        if (p == null) return q;
        if (q == null) return p;
        BigInteger[] lambda;
        if (java.util.Arrays.equals(p.x, q.x)) {
            if (!java.util.Arrays.equals(p.y, q.y) || f2zero(p.y)) return null;
            BigInteger[] x2 = f2mul(p.x, p.x);
            lambda = f2mul(f2add(f2add(x2, x2), x2), f2inv(f2add(p.y, p.y)));
        } else {
            lambda = f2mul(f2sub(q.y, p.y), f2inv(f2sub(q.x, p.x)));
        }
        BigInteger[] x3 = f2sub(f2sub(f2mul(lambda, lambda), p.x), q.x);
        return new Point(x3, f2sub(f2mul(lambda, f2sub(p.x, x3)), p.y));
    }

    public static Point mul(Point p, BigInteger k) {
        Point acc = null;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            acc = add(acc, acc);
            if (k.testBit(i)) acc = add(acc, p);
        }
        return acc;
    }

    /** The engine layout: G1 8 longs (x, y), G2 16 (x.c0, x.c1, y.c0, y.c1), Montgomery, infinity zeros. */
    public static void putPoint(Point p, boolean g2, long[] out, int off) {
        if (p == null) {
            java.util.Arrays.fill(out, off, off + (g2 ? 16 : 8), 0L);
            return;
        }
        if (g2) {
            put(toMont(p.x[0], Q_MOD), out, off);
            put(toMont(p.x[1], Q_MOD), out, off + 4);
            put(toMont(p.y[0], Q_MOD), out, off + 8);
            put(toMont(p.y[1], Q_MOD), out, off + 12);
        } else {
            put(toMont(p.x[0], Q_MOD), out, off);
            put(toMont(p.y[0], Q_MOD), out, off + 4);
        }
    }

    public static long[] pointLimbs(Point p, boolean g2) {
        long[] out = new long[g2 ? 16 : 8];
        putPoint(p, g2, out, 0);
        return out;
    }

    public static Point getPoint(long[] a, int off, boolean g2) {
        boolean zero = true;
        for (int i = 0; i < (g2 ? 16 : 8); i++) zero &= a[off + i] == 0;
        if (zero) return null;
        if (g2) {
            return new Point(f2(fromMont(get(a, off), Q_MOD), fromMont(get(a, off + 4), Q_MOD)),
                    f2(fromMont(get(a, off + 8), Q_MOD), fromMont(get(a, off + 12), Q_MOD)));
        }
        return new Point(f2(fromMont(get(a, off), Q_MOD), BigInteger.ZERO),
                f2(fromMont(get(a, off + 4), Q_MOD), BigInteger.ZERO));
    }

    public static String show(Point p) {
        return p == null ? "infinity" : "(" + p.x[0] + " + " + p.x[1] + "u, " + p.y[0] + " + " + p.y[1] + "u)";
    }
}
