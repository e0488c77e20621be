package org.ppfarm.prover.groth16;

import java.util.Arrays;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.Field;

/**
 * k·P for a secret scalar k (the blinding factors r, s and products of them): a fixed schedule whose sequence of
 * point operations and memory accesses does not depend on k, unlike {@link Curve#scalarMul}. Signed fixed windows
 * of 4 bits with odd digits:
 *
 * <ol>
 *   <li>Replace k by an odd k' = k + r (when k is even) or k + 2r (when k is odd), r the group order (odd), so
 *       k'·P = k·P. The choice is a mask on k's low bit, not a branch. Then r ≤ k' &lt; 3r, so
 *       3 ≤ ⌊k' / 2^252⌋ ≤ 9 and every k' has the same number of windows.</li>
 *   <li>Recode k' into 64 odd digits, k' = Σ d_i 16^i: d_i ∈ {±1, ±3, …, ±15} for i &lt; 63 and the top digit
 *       d_63 ∈ {3, 5, 7, 9}. With k_0 = k' and k_{i+1} = (k_i − d_i)/16, d_i = (k_i mod 32) − 16 keeps every k_i
 *       odd, and k_{i+1} = (k_i &gt;&gt; 4) | 1, so d_i is just bits 4i..4i+4 of k' with bit 4i forced to 1, minus
 *       16: shifts and masks, no carries, no branches. There are no zero digits.</li>
 *   <li>Precompute P, 3P, …, 15P (Jacobian; independent of k).</li>
 *   <li>Start the accumulator at the top digit's entry (never infinity), then for each lower digit: 4 doublings,
 *       a table lookup that reads all 8 entries and keeps one by a mask, a masked select between y and −y for the
 *       digit's sign, and one addition. 1 + 252 doublings and 7 + 63 additions in all, against 254 and 254 for
 *       double-and-add-always.</li>
 * </ol>
 *
 * <p>The group-law formulas in {@link Curve} still branch on exceptional inputs (an infinity operand, P = ±Q).
 * Here, for P of order r and k &lt; r: the accumulator before step i holds k_{i+1}·P with 0 &lt; k_{i+1} &lt; r,
 * so it is never infinity, and for i ≥ 1 the addition of 16·k_{i+1}·P and d_i·P cannot be exceptional
 * (0 &lt; 16·k_{i+1} &lt; r − 15 while d_i is odd). Only the last addition can be: when k' ≡ 0 or
 * k' ≡ 2·d_0 (mod r), i.e. for k = 0 and at most sixteen scalars k ≡ ±2, ±6, …, ±30 (mod r), which a random
 * blinding factor hits with negligible probability. Those inputs get a different, still correct, code path.
 * The field arithmetic underneath ({@link Field}) is masked rather than branching, but nothing here controls what
 * the JIT makes of it.
 */
final class SecretScalarMul {
    private SecretScalarMul() {}

    private static final long[] R = Field.limbs(Field.FR.modulus());
    /** Number of 4-bit signed digits of k' (k' &lt; 3r &lt; 2^256). */
    private static final int DIGITS = 64;
    /** Table entries: the odd multiples 1·P, 3·P, …, 15·P. */
    private static final int ENTRIES = 8;

    /** out (Jacobian) = k·p (Jacobian); k standard-form, 4 limbs, below r. p and k are not modified. */
    static void mul(Curve c, long[] p, long[] k, long[] out) {
        // k' = k + r if k is even, k + 2r if k is odd: odd, r <= k' < 3r < 2^256
        long[] k1 = new long[4], k2 = new long[4];
        add(k, R, k1);
        add(k1, R, k2);
        long useFirst = (k[0] & 1) - 1;            // all ones when k is even
        for (int i = 0; i < 4; i++) k1[i] = k2[i] ^ ((k1[i] ^ k2[i]) & useFirst);

        // odd signed digits: d_i = (bits 4i..4i+4 of k', bit 4i set) - 16; top digit (k' >> 252) | 1
        long[] digits = new long[DIGITS];
        for (int i = 0; i < DIGITS - 1; i++) {
            int bit = 4 * i, limb = bit >>> 6, shift = bit & 63;
            long w = k1[limb] >>> shift;
            if (shift > 59) w |= k1[limb + 1] << (64 - shift);   // depends on i only, not on k
            digits[i] = ((w & 31) | 1) - 16;
        }
        digits[DIGITS - 1] = (k1[3] >>> 60) | 1;

        int len = c.jacobianLongs, e = c.e;
        long[] table = new long[ENTRIES * len], twoP = new long[len];
        System.arraycopy(p, 0, table, 0, len);
        c.dbl(p, 0, twoP, 0);
        for (int i = 1; i < ENTRIES; i++) c.add(table, (i - 1) * len, twoP, 0, table, i * len);

        long[] acc = new long[len], sel = new long[len], negY = new long[e];
        lookup(c, table, digits[DIGITS - 1], acc, negY);
        for (int i = DIGITS - 2; i >= 0; i--) {
            c.dbl(acc, 0, acc, 0);
            c.dbl(acc, 0, acc, 0);
            c.dbl(acc, 0, acc, 0);
            c.dbl(acc, 0, acc, 0);
            lookup(c, table, digits[i], sel, negY);
            c.add(acc, 0, sel, 0, acc, 0);
        }
        System.arraycopy(acc, 0, out, 0, len);
        for (long[] v : new long[][] {k1, k2, digits, table, twoP, acc, sel, negY}) Arrays.fill(v, 0L);
    }

    /**
     * r = d·P from the table of odd multiples, for an odd digit d in [-15, 15]: reads every entry and keeps the
     * one wanted by a mask, then selects y or -y by a mask of d's sign. No index or branch depends on d.
     */
    private static void lookup(Curve c, long[] table, long d, long[] r, long[] negY) {
        int len = c.jacobianLongs, e = c.e;
        long sign = d >> 63;                       // all ones when d < 0
        long idx = (((d ^ sign) - sign) - 1) >>> 1; // |d| = 2 idx + 1
        Arrays.fill(r, 0L);
        for (int i = 0; i < ENTRIES; i++) {
            long x = idx ^ i;
            long mask = ((x | -x) >>> 63) - 1;     // all ones when idx == i
            int base = i * len;
            for (int j = 0; j < len; j++) r[j] |= table[base + j] & mask;
        }
        c.fneg(r, e, negY, 0);
        for (int j = 0; j < e; j++) r[e + j] ^= (r[e + j] ^ negY[j]) & sign;
    }

    /** r = a + b over 256 bits (no overflow for the values used here); carries by bit logic, no comparisons. */
    private static void add(long[] a, long[] b, long[] r) {
        long carry = 0;
        for (int i = 0; i < 4; i++) {
            long x = a[i], y = b[i];
            long s = x + y + carry;
            carry = ((x & y) | ((x | y) & ~s)) >>> 63;
            r[i] = s;
        }
    }
}
