package org.ppfarm.prover.ntt;

import org.ppfarm.prover.bn254.Field;

/**
 * Branch-free Fr addition and subtraction for the butterflies: the same results as {@link Field#add}/{@link
 * Field#sub} (fully reduced, aliasing allowed), with carries, borrows and the final correction computed by masks
 * (Hacker's Delight 2-13) instead of branches that mispredict about half the time on random elements — the same
 * reasoning as the curve code's FqLinear, with Fr's modulus as constants.
 */
final class FrLinear {
    private FrLinear() {}

    private static final long[] P = Field.limbs(Field.FR.modulus());
    private static final long R0 = P[0], R1 = P[1], R2 = P[2], R3 = P[3];

    /** Carry out of x + y + carryIn whose low 64 bits are s. */
    private static long carry(long x, long y, long s) { return ((x & y) | ((x | y) & ~s)) >>> 63; }

    /** Borrow out of x - y - borrowIn whose low 64 bits are d. */
    private static long borrow(long x, long y, long d) { return ((~x & y) | (~(x ^ y) & d)) >>> 63; }

    static void add(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        long x0 = a[ai], x1 = a[ai + 1], x2 = a[ai + 2], x3 = a[ai + 3];
        long y0 = b[bi], y1 = b[bi + 1], y2 = b[bi + 2], y3 = b[bi + 3];
        // a + b < 2r < 2^255: no carry out of the top limb
        long s0 = x0 + y0;
        long c = carry(x0, y0, s0);
        long s1 = x1 + y1 + c;
        c = carry(x1, y1, s1);
        long s2 = x2 + y2 + c;
        c = carry(x2, y2, s2);
        long s3 = x3 + y3 + c;
        long d0 = s0 - R0;
        long br = borrow(s0, R0, d0);
        long d1 = s1 - R1 - br;
        br = borrow(s1, R1, d1);
        long d2 = s2 - R2 - br;
        br = borrow(s2, R2, d2);
        long d3 = s3 - R3 - br;
        br = borrow(s3, R3, d3);
        long keep = -br;   // all ones when s < r: keep s
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
        long m = -br;      // all ones when a < b: add r back
        long q0 = R0 & m, q1 = R1 & m, q2 = R2 & m, q3 = R3 & m;
        long e0 = d0 + q0;
        long c = carry(d0, q0, e0);
        long e1 = d1 + q1 + c;
        c = carry(d1, q1, e1);
        long e2 = d2 + q2 + c;
        c = carry(d2, q2, e2);
        r[ri] = e0; r[ri + 1] = e1; r[ri + 2] = e2; r[ri + 3] = d3 + q3 + c;
    }
}
