package org.ppfarm.prover.bn254;

import java.math.BigInteger;

/**
 * A BN254 prime field in Montgomery form: an element is 4 little-endian 64-bit limbs in a flat {@code long[]}
 * (element i of an array at offset 4*i), holding {@code a*R mod p} with R = 2^256. Values are always fully
 * reduced (in [0, p)). Every operation reads its operands before writing, so the result may alias an input.
 *
 * <p>{@link #FR} is the scalar field r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
 * (0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001); {@link #FQ} the base field
 * q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
 * (0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47).
 *
 * <p>Thread-safe: instances are immutable. {@code BigInteger} appears only in conversions, never on a hot path.
 */
public final class Field {
    public static final Field FR = new Field("r", new BigInteger(
            "21888242871839275222246405745257275088548364400416034343698204186575808495617"));
    public static final Field FQ = new Field("q", new BigInteger(
            "21888242871839275222246405745257275088696311157297823662689037894645226208583"));

    /** Limbs per element. */
    public static final int LIMBS = 4;

    private final String name;
    private final BigInteger modulus;
    private final long q0, q1, q2, q3;
    /** -p^{-1} mod 2^64. */
    private final long inv;
    /** R mod p (Montgomery one), R^2 mod p (to enter Montgomery form). */
    private final long[] one, r2;
    private final BigInteger pMinus2;

    private Field(String name, BigInteger p) {
        this.name = name;
        this.modulus = p;
        long[] pl = limbs(p);
        q0 = pl[0]; q1 = pl[1]; q2 = pl[2]; q3 = pl[3];
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        inv = p.modInverse(two64).negate().mod(two64).longValue();
        BigInteger r = BigInteger.ONE.shiftLeft(256);
        one = limbs(r.mod(p));
        r2 = limbs(r.multiply(r).mod(p));
        pMinus2 = p.subtract(BigInteger.TWO);
    }

    public String name() { return name; }
    public BigInteger modulus() { return modulus; }
    /** A fresh copy of Montgomery one. */
    public long[] one() { return one.clone(); }
    public long[] newElements(int n) { return new long[LIMBS * n]; }

    // ---- arithmetic (Montgomery form) ----

    public void mul(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        MontgomeryMul.mul(a, ai, b, bi, r, ri, q0, q1, q2, q3, inv);
    }

    public void square(long[] a, int ai, long[] r, int ri) {
        MontgomeryMul.mul(a, ai, a, ai, r, ri, q0, q1, q2, q3, inv);
    }

    /** Carry out of x + y + carryIn whose low 64 bits are s (Hacker's Delight 2-13: no data-dependent branch). */
    static long carry(long x, long y, long s) { return ((x & y) | ((x | y) & ~s)) >>> 63; }

    /** Borrow out of x - y - borrowIn whose low 64 bits are d. */
    static long borrow(long x, long y, long d) { return ((~x & y) | (~(x ^ y) & d)) >>> 63; }

    // Carries, borrows and the final corrections below are masks, not branches: on random elements a branch
    // mispredicts about half the time, which made these cost twice as much in the MSM's inner loop.

    public void add(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        long x0 = a[ai], x1 = a[ai + 1], x2 = a[ai + 2], x3 = a[ai + 3];
        long y0 = b[bi], y1 = b[bi + 1], y2 = b[bi + 2], y3 = b[bi + 3];
        // a + b < 2p < 2^255: no carry out of the top limb
        long s0 = x0 + y0;
        long c = carry(x0, y0, s0);
        long s1 = x1 + y1 + c;
        c = carry(x1, y1, s1);
        long s2 = x2 + y2 + c;
        c = carry(x2, y2, s2);
        reduceOnce(s0, s1, s2, x3 + y3 + c, r, ri);
    }

    public void dbl(long[] a, int ai, long[] r, int ri) {
        long x0 = a[ai], x1 = a[ai + 1], x2 = a[ai + 2], x3 = a[ai + 3];
        reduceOnce(x0 << 1, (x1 << 1) | (x0 >>> 63), (x2 << 1) | (x1 >>> 63), (x3 << 1) | (x2 >>> 63), r, ri);
    }

    public void sub(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        long x0 = a[ai], x1 = a[ai + 1], x2 = a[ai + 2], x3 = a[ai + 3];
        long y0 = b[bi], y1 = b[bi + 1], y2 = b[bi + 2], y3 = b[bi + 3];
        long d0 = x0 - y0;
        long br = borrow(x0, y0, d0);
        long d1 = x1 - y1 - br;
        br = borrow(x1, y1, d1);
        long d2 = x2 - y2 - br;
        br = borrow(x2, y2, d2);
        long d3 = x3 - y3 - br;
        br = borrow(x3, y3, d3);
        long m = -br; // all ones when a < b: add p back
        long p0 = q0 & m, p1 = q1 & m, p2 = q2 & m, p3 = q3 & m;
        long e0 = d0 + p0;
        long c = carry(d0, p0, e0);
        long e1 = d1 + p1 + c;
        c = carry(d1, p1, e1);
        long e2 = d2 + p2 + c;
        c = carry(d2, p2, e2);
        r[ri] = e0; r[ri + 1] = e1; r[ri + 2] = e2; r[ri + 3] = d3 + p3 + c;
    }

    public void neg(long[] a, int ai, long[] r, int ri) {
        long x0 = a[ai], x1 = a[ai + 1], x2 = a[ai + 2], x3 = a[ai + 3];
        long nz = x0 | x1 | x2 | x3;
        long m = -((nz | -nz) >>> 63); // all ones unless a == 0, whose negation is 0, not p
        long d0 = q0 - x0;
        long br = borrow(q0, x0, d0);
        long d1 = q1 - x1 - br;
        br = borrow(q1, x1, d1);
        long d2 = q2 - x2 - br;
        br = borrow(q2, x2, d2);
        long d3 = q3 - x3 - br;
        r[ri] = d0 & m; r[ri + 1] = d1 & m; r[ri + 2] = d2 & m; r[ri + 3] = d3 & m;
    }

    /** r = a^-1 by Fermat (a^(p-2)); the inverse of zero is zero (callers that care check first). */
    public void inverse(long[] a, int ai, long[] r, int ri) {
        pow(a, ai, pMinus2, r, ri);
    }

    /**
     * Inverts n elements in place with one field inversion (Montgomery's trick). Zero elements stay zero.
     * {@code scratch} needs 4*n longs.
     */
    public void batchInverse(long[] a, int off, int n, long[] scratch) {
        long[] acc = one.clone();
        for (int i = 0; i < n; i++) {
            copy(acc, 0, scratch, 4 * i);
            if (!isZero(a, off + 4 * i)) mul(acc, 0, a, off + 4 * i, acc, 0);
        }
        inverse(acc, 0, acc, 0);
        long[] tmp = new long[4];
        for (int i = n - 1; i >= 0; i--) {
            int ei = off + 4 * i;
            if (isZero(a, ei)) continue;
            mul(acc, 0, scratch, 4 * i, tmp, 0);   // inverse of a[i]
            mul(acc, 0, a, ei, acc, 0);            // drop a[i] from the running product
            copy(tmp, 0, a, ei);
        }
    }

    public void pow(long[] a, int ai, BigInteger e, long[] r, int ri) {
        long[] base = {a[ai], a[ai + 1], a[ai + 2], a[ai + 3]};
        long[] acc = one.clone();
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            square(acc, 0, acc, 0);
            if (e.testBit(i)) mul(acc, 0, base, 0, acc, 0);
        }
        copy(acc, 0, r, ri);
    }

    // ---- predicates and moves ----

    public static boolean isZero(long[] a, int ai) {
        return (a[ai] | a[ai + 1] | a[ai + 2] | a[ai + 3]) == 0;
    }

    public boolean isOne(long[] a, int ai) {
        return a[ai] == one[0] && a[ai + 1] == one[1] && a[ai + 2] == one[2] && a[ai + 3] == one[3];
    }

    public static boolean equal(long[] a, int ai, long[] b, int bi) {
        return a[ai] == b[bi] && a[ai + 1] == b[bi + 1] && a[ai + 2] == b[bi + 2] && a[ai + 3] == b[bi + 3];
    }

    public static void copy(long[] a, int ai, long[] r, int ri) {
        r[ri] = a[ai]; r[ri + 1] = a[ai + 1]; r[ri + 2] = a[ai + 2]; r[ri + 3] = a[ai + 3];
    }

    public void setOne(long[] r, int ri) { copy(one, 0, r, ri); }

    public static void setZero(long[] r, int ri) { r[ri] = 0; r[ri + 1] = 0; r[ri + 2] = 0; r[ri + 3] = 0; }

    /** True when the 4 limbs at {@code ai}, read as a standard-form integer, are below the modulus. */
    public boolean isCanonical(long[] a, int ai) {
        long[] p = {q0, q1, q2, q3};
        for (int i = 3; i >= 0; i--) {
            int c = Long.compareUnsigned(a[ai + i], p[i]);
            if (c != 0) return c < 0;
        }
        return false;
    }

    // ---- conversions ----

    /** Standard form → Montgomery form (input must be canonical). */
    public void toMontgomery(long[] a, int ai, long[] r, int ri) { mul(a, ai, r2, 0, r, ri); }

    /** Montgomery form → standard form: multiply by 1. */
    public void fromMontgomery(long[] a, int ai, long[] r, int ri) {
        long[] unit = {1, 0, 0, 0};
        mul(a, ai, unit, 0, r, ri);
    }

    /** Writes {@code v mod p} in Montgomery form. */
    public void fromBigInteger(BigInteger v, long[] r, int ri) {
        long[] l = limbs(v.mod(modulus));
        toMontgomery(l, 0, r, ri);
    }

    public long[] fromBigInteger(BigInteger v) {
        long[] r = new long[4];
        fromBigInteger(v, r, 0);
        return r;
    }

    /** The value of a Montgomery-form element. */
    public BigInteger toBigInteger(long[] a, int ai) {
        long[] s = new long[4];
        fromMontgomery(a, ai, s, 0);
        return standardToBigInteger(s, 0);
    }

    /** Reads 4 standard-form limbs as an unsigned integer. */
    public static BigInteger standardToBigInteger(long[] s, int si) {
        byte[] be = new byte[33];
        for (int i = 0; i < 4; i++) {
            long l = s[si + i];
            for (int j = 0; j < 8; j++) be[32 - 8 * i - j] = (byte) (l >>> (8 * j));
        }
        return new BigInteger(be);
    }

    /** Limbs of a non-negative integer below 2^256. */
    public static long[] limbs(BigInteger v) {
        if (v.signum() < 0 || v.bitLength() > 256) throw new IllegalArgumentException("not a 256-bit unsigned value");
        long[] l = new long[4];
        for (int i = 0; i < 4; i++) l[i] = v.shiftRight(64 * i).longValue();
        return l;
    }

    /** r = s - p if s >= p, else s (s < 2p). */
    private void reduceOnce(long s0, long s1, long s2, long s3, long[] r, int ri) {
        long d0 = s0 - q0;
        long br = borrow(s0, q0, d0);
        long d1 = s1 - q1 - br;
        br = borrow(s1, q1, d1);
        long d2 = s2 - q2 - br;
        br = borrow(s2, q2, d2);
        long d3 = s3 - q3 - br;
        br = borrow(s3, q3, d3);
        long keep = -br; // all ones when s < p: keep s
        r[ri] = (s0 & keep) | (d0 & ~keep); r[ri + 1] = (s1 & keep) | (d1 & ~keep);
        r[ri + 2] = (s2 & keep) | (d2 & ~keep); r[ri + 3] = (s3 & keep) | (d3 & ~keep);
    }

    @Override public String toString() { return "BN254 F" + name; }
}
