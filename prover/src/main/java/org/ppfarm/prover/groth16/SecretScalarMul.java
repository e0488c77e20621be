package org.ppfarm.prover.groth16;

import java.util.Arrays;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.Field;

/**
 * k·P for a secret scalar k (the blinding factors r, s and products of them): a fixed schedule whose sequence of
 * point operations does not depend on k, unlike {@link Curve#scalarMul}.
 *
 * <ol>
 *   <li>Replace k by k' = k + r or k + 2r (r the group order, so k'·P = k·P), chosen branch-free so that k' has
 *       exactly 255 bits: every k then takes the same 254 steps.</li>
 *   <li>Double-and-add-always: each step doubles, adds P, and keeps the sum or not by a masked select.</li>
 * </ol>
 * The group-law formulas still branch on exceptional inputs (infinity, P = ±Q), which random scalars reach with
 * negligible probability.
 */
final class SecretScalarMul {
    private SecretScalarMul() {}

    private static final long[] R = Field.limbs(Field.FR.modulus());

    /** out (Jacobian) = k·p (Jacobian); k standard-form, 4 limbs, below r. */
    static void mul(Curve c, long[] p, long[] k, long[] out) {
        long[] k1 = new long[4], k2 = new long[4];
        add(k, R, k1);
        add(k1, R, k2);
        // k + r has bit 254 set, or else k + 2r does (and neither reaches bit 255)
        long useFirst = -((k1[3] >>> 62) & 1);
        for (int i = 0; i < 4; i++) k1[i] = k2[i] ^ ((k1[i] ^ k2[i]) & useFirst);

        int len = c.jacobianLongs;
        long[] acc = Arrays.copyOf(p, len), sum = new long[len];
        for (int bit = 253; bit >= 0; bit--) {
            c.dbl(acc, 0, acc, 0);
            c.add(acc, 0, p, 0, sum, 0);
            long mask = -((k1[bit >>> 6] >>> (bit & 63)) & 1);
            for (int i = 0; i < len; i++) acc[i] ^= (acc[i] ^ sum[i]) & mask;
        }
        System.arraycopy(acc, 0, out, 0, len);
        Arrays.fill(k1, 0L);
        Arrays.fill(k2, 0L);
        Arrays.fill(acc, 0L);
        Arrays.fill(sum, 0L);
    }

    /** r = a + b over 256 bits (no overflow for the values used here). */
    private static void add(long[] a, long[] b, long[] r) {
        long carry = 0;
        for (int i = 0; i < 4; i++) {
            long s = a[i] + b[i];
            long c1 = Long.compareUnsigned(s, a[i]) < 0 ? 1 : 0;
            long s2 = s + carry;
            long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
            r[i] = s2;
            carry = c1 | c2;
        }
    }
}
