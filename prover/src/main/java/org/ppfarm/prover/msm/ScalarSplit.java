package org.ppfarm.prover.msm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.ppfarm.prover.CpuTime;
import org.ppfarm.prover.bn254.Field;

/**
 * The scalars of one MSM sorted by the cheapest way to handle them — circom witnesses are mostly 0, 1, small
 * values and small negatives (r - k), so this pays (the idea of arkworks' {@code msm_bigint}):
 * <ul>
 *   <li>zero scalars and infinity bases are dropped;</li>
 *   <li>a scalar s above (r-1)/2 becomes r - s applied to -P, so small negatives are small and no scalar exceeds
 *       253 bits;</li>
 *   <li>±1 goes to {@link #ones} (plain additions);</li>
 *   <li>up to {@value #SMALL_BITS} bits to {@link #small} (a Pippenger with few windows), the rest to {@link #large}.</li>
 * </ul>
 * A point is referenced as {@code offset << 1 | negate}, offset being its index into the bases array.
 */
final class ScalarSplit {
    static final int SMALL_BITS = 64;
    private static final BigInteger R = Field.FR.modulus();
    private static final long[] RL = Field.limbs(R);
    private static final long[] HALF = Field.limbs(R.shiftRight(1));   // (r - 1) / 2
    private static final int ONE = 1, SMALL = 2, LARGE = 3;
    private static final int CHUNK = 1 << 13;

    /** Points whose normalized scalar is 1. */
    final int[] ones;
    final Part small, large;

    /** Non-trivial scalars: the point refs, the normalized scalars (4 limbs each) and their maximum bit length. */
    record Part(int[] src, long[] scalars, int bits) {
        int size() { return src.length; }
    }

    private ScalarSplit(int[] ones, Part small, Part large) {
        this.ones = ones;
        this.small = small;
        this.large = large;
    }

    /**
     * Classifies n scalars (standard form, 4 limbs each, from {@code scalars[0]}) against the bases at
     * long index {@code baseOff + i*pointLongs} of {@code bases}, in parallel on {@code pool}.
     *
     * @throws IllegalArgumentException naming the first scalar that is not below r
     */
    static ScalarSplit of(ForkJoinPool pool, MemorySegment bases, int baseOff, int pointLongs, long[] scalars, int n) {
        int chunks = Math.max(1, (n + CHUNK - 1) / CHUNK);
        byte[] kind = new byte[n];
        int[][] counts = new int[chunks][4];
        int[][] maxBits = new int[chunks][4];
        run(pool, chunks, ch -> {
            int lo = ch * CHUNK, hi = Math.min(n, lo + CHUNK);
            long[] t = new long[4];
            for (int i = lo; i < hi; i++) {
                int k = classify(bases, baseOff + i * pointLongs, pointLongs, scalars, 4 * i, t, i);
                kind[i] = (byte) k;
                counts[ch][k]++;
                if (k != 0) maxBits[ch][k] = Math.max(maxBits[ch][k], bitLength(t));
            }
        });
        int[] total = new int[4], bits = new int[4];
        int[][] start = new int[chunks][4];
        for (int ch = 0; ch < chunks; ch++) {
            for (int k = 1; k < 4; k++) {
                start[ch][k] = total[k];
                total[k] += counts[ch][k];
                bits[k] = Math.max(bits[k], maxBits[ch][k]);
            }
        }
        int[] ones = new int[total[ONE]];
        int[] smallSrc = new int[total[SMALL]], largeSrc = new int[total[LARGE]];
        long[] smallSc = new long[4 * total[SMALL]], largeSc = new long[4 * total[LARGE]];
        run(pool, chunks, ch -> {
            int lo = ch * CHUNK, hi = Math.min(n, lo + CHUNK);
            int po = start[ch][ONE], ps = start[ch][SMALL], pl = start[ch][LARGE];
            long[] t = new long[4];
            for (int i = lo; i < hi; i++) {
                int k = kind[i];
                if (k == 0) continue;
                boolean neg = normalize(scalars, 4 * i, t);
                int src = (baseOff + i * pointLongs) << 1 | (neg ? 1 : 0);
                if (k == ONE) {
                    ones[po++] = src;
                } else if (k == SMALL) {
                    smallSrc[ps] = src;
                    System.arraycopy(t, 0, smallSc, 4 * ps++, 4);
                } else {
                    largeSrc[pl] = src;
                    System.arraycopy(t, 0, largeSc, 4 * pl++, 4);
                }
            }
        });
        Arrays.fill(kind, (byte) 0);
        return new ScalarSplit(ones, new Part(smallSrc, smallSc, bits[SMALL]), new Part(largeSrc, largeSc, bits[LARGE]));
    }

    /**
     * Zeroes the copies of the scalars and which points had ±1 or which sign: they are derived from the witness,
     * which the prover wipes after use, so the MSM wipes its own copies too.
     */
    void wipe() {
        Arrays.fill(ones, 0);
        for (Part p : new Part[] {small, large}) {
            Arrays.fill(p.src(), 0);
            Arrays.fill(p.scalars(), 0L);
        }
    }

    private static int classify(MemorySegment bases, int bo, int pointLongs, long[] s, int si, long[] t, int index) {
        long any = 0;
        for (int j = 0; j < pointLongs; j++) any |= bases.getAtIndex(ValueLayout.JAVA_LONG, bo + j);
        if (any == 0) {
            checkBelowR(s, si, index);
            return 0;
        }
        if ((s[si] | s[si + 1] | s[si + 2] | s[si + 3]) == 0) return 0;
        checkBelowR(s, si, index);
        normalize(s, si, t);
        if (t[3] == 0 && t[2] == 0 && t[1] == 0) return t[0] == 1 ? ONE : SMALL;
        return LARGE;
    }

    private static void checkBelowR(long[] s, int si, int index) {
        if (compare(s, si, RL) >= 0) throw new IllegalArgumentException("MSM scalar " + index + " is not below r");
    }

    /** t = min(s, r - s); returns true when r - s was taken (the point must be negated). */
    private static boolean normalize(long[] s, int si, long[] t) {
        if (compare(s, si, HALF) <= 0) {
            System.arraycopy(s, si, t, 0, 4);
            return false;
        }
        long borrow = 0;
        for (int j = 0; j < 4; j++) {
            long a = RL[j], b = s[si + j];
            long d = a - b - borrow;
            borrow = (Long.compareUnsigned(a, b) < 0 || (a == b && borrow != 0)) ? 1 : 0;
            t[j] = d;
        }
        return true;
    }

    private static int compare(long[] s, int si, long[] m) {
        for (int j = 3; j >= 0; j--) {
            int c = Long.compareUnsigned(s[si + j], m[j]);
            if (c != 0) return c;
        }
        return 0;
    }

    private static int bitLength(long[] t) {
        for (int j = 3; j >= 0; j--) if (t[j] != 0) return 64 * j + 64 - Long.numberOfLeadingZeros(t[j]);
        return 0;
    }

    private interface ChunkBody { void run(int chunk); }

    private static void run(ForkJoinPool pool, int chunks, ChunkBody body) {
        if (chunks == 1) { body.run(0); return; }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
        for (int ch = 0; ch < chunks; ch++) {
            int c = ch;
            tasks[ch] = CpuTime.task(() -> body.run(c));
        }
        for (ForkJoinTask<?> t : tasks) pool.execute(t);
        for (ForkJoinTask<?> t : tasks) t.join();
    }
}
