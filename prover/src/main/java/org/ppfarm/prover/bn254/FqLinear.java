package org.ppfarm.prover.bn254;

/**
 * Branch-free Fq addition, subtraction, doubling and negation for the curve formulas. Same results as
 * {@link Field}'s methods (fully reduced, aliasing allowed), but carries, borrows and the final conditional
 * correction are computed with masks (Hacker's Delight 2-13) instead of data-dependent branches: on random field
 * elements those branches mispredict about half the time, which made a subtraction cost twice as much as this
 * version in the MSM's inner loop.
 */
final class FqLinear {
    private FqLinear() {}

    private static final long[] P = Field.limbs(Field.FQ.modulus());
    private static final long Q0 = P[0], Q1 = P[1], Q2 = P[2], Q3 = P[3];

    /** Carry out of x + y + carryIn whose low 64 bits are s. */
    private static long carry(long x, long y, long s) { return ((x & y) | ((x | y) & ~s)) >>> 63; }

    /** Borrow out of x - y - borrowIn whose low 64 bits are d. */
    private static long borrow(long x, long y, long d) { return ((~x & y) | (~(x ^ y) & d)) >>> 63; }

    static void add(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        long x0 = a[ai], x1 = a[ai + 1], x2 = a[ai + 2], x3 = a[ai + 3];
        long y0 = b[bi], y1 = b[bi + 1], y2 = b[bi + 2], y3 = b[bi + 3];
        // a + b < 2q < 2^255: no carry out of the top limb
        long s0 = x0 + y0;
        long c = carry(x0, y0, s0);
        long s1 = x1 + y1 + c;
        c = carry(x1, y1, s1);
        long s2 = x2 + y2 + c;
        c = carry(x2, y2, s2);
        long s3 = x3 + y3 + c;
        reduce(s0, s1, s2, s3, r, ri);
    }

    static void dbl(long[] a, int ai, long[] r, int ri) {
        long x0 = a[ai], x1 = a[ai + 1], x2 = a[ai + 2], x3 = a[ai + 3];
        reduce(x0 << 1, (x1 << 1) | (x0 >>> 63), (x2 << 1) | (x1 >>> 63), (x3 << 1) | (x2 >>> 63), r, ri);
    }

    /** r = s - q if s >= q, else s (s < 2q). */
    private static void reduce(long s0, long s1, long s2, long s3, long[] r, int ri) {
        long d0 = s0 - Q0;
        long br = borrow(s0, Q0, d0);
        long d1 = s1 - Q1 - br;
        br = borrow(s1, Q1, d1);
        long d2 = s2 - Q2 - br;
        br = borrow(s2, Q2, d2);
        long d3 = s3 - Q3 - br;
        br = borrow(s3, Q3, d3);
        long keep = -br;   // all ones when s < q: keep s
        r[ri] = (s0 & keep) | (d0 & ~keep);
        r[ri + 1] = (s1 & keep) | (d1 & ~keep);
        r[ri + 2] = (s2 & keep) | (d2 & ~keep);
        r[ri + 3] = (s3 & keep) | (d3 & ~keep);
    }

    static void sub(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
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
        long m = -br;      // all ones when a < b: add q back
        long q0 = Q0 & m, q1 = Q1 & m, q2 = Q2 & m, q3 = Q3 & m;
        long e0 = d0 + q0;
        long c = carry(d0, q0, e0);
        long e1 = d1 + q1 + c;
        c = carry(d1, q1, e1);
        long e2 = d2 + q2 + c;
        c = carry(d2, q2, e2);
        r[ri] = e0; r[ri + 1] = e1; r[ri + 2] = e2; r[ri + 3] = d3 + q3 + c;
    }

    static void neg(long[] a, int ai, long[] r, int ri) {
        long x0 = a[ai], x1 = a[ai + 1], x2 = a[ai + 2], x3 = a[ai + 3];
        long nz = x0 | x1 | x2 | x3;
        long m = -((nz | -nz) >>> 63);   // all ones unless a == 0 (whose negation is 0, not q)
        long d0 = Q0 - x0;
        long br = borrow(Q0, x0, d0);
        long d1 = Q1 - x1 - br;
        br = borrow(Q1, x1, d1);
        long d2 = Q2 - x2 - br;
        br = borrow(Q2, x2, d2);
        long d3 = Q3 - x3 - br;
        r[ri] = d0 & m; r[ri + 1] = d1 & m; r[ri + 2] = d2 & m; r[ri + 3] = d3 & m;
    }
}
