package org.ppfarm.prover.msm;

/**
 * Signed base-2^c digits of a 4-limb scalar, computed one window at a time without storing the recoding.
 *
 * <p>With raw_k the k-th unsigned c-bit window, the recoding is d_k = raw_k + carry_k - 2^c carry_(k+1) where
 * carry_(k+1) = [raw_k + carry_k > 2^(c-1)], so every digit lies in [-2^(c-1), 2^(c-1)] and 2^(c-1) buckets
 * suffice. carry_k only depends on the windows below through runs of windows equal to exactly 2^(c-1) (probability
 * 2^-c each), so it is found by looking down until a window differs from the half — O(1) expected, which lets
 * every window be processed by a different thread with no shared precomputation. A scalar below 2^bits needs
 * ceil((bits + 1) / c) windows: the top one then never carries out.
 */
final class SignedDigits {
    private SignedDigits() {}

    /** The number of windows for scalars below 2^bits. */
    static int windows(int bits, int c) { return (bits + 1 + c - 1) / c; }

    /** Unsigned window k (bits [kc, kc + c)) of the scalar at s[so..so+3]. */
    static int raw(long[] s, int so, int k, int c) {
        int bit = k * c;
        int limb = bit >>> 6, shift = bit & 63;
        if (limb >= 4) return 0;
        long v = s[so + limb] >>> shift;
        if (shift + c > 64 && limb < 3) v |= s[so + limb + 1] << (64 - shift);
        return (int) (v & ((1L << c) - 1));
    }

    /** The signed digit of window k, in [-2^(c-1), 2^(c-1)]. */
    static int digit(long[] s, int so, int k, int c) {
        int half = 1 << (c - 1);
        int carry = 0;
        for (int j = k - 1; j >= 0; j--) {
            int r = raw(s, so, j, c);
            if (r != half) { carry = r > half ? 1 : 0; break; }
        }
        int d = raw(s, so, k, c) + carry;
        return d > half ? d - (1 << c) : d;
    }
}
