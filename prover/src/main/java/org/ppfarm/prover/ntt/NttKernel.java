package org.ppfarm.prover.ntt;

/**
 * The loops of {@link CpuNttBackend}: radix-2 butterflies over a range of one stage, and the pointwise products of
 * the quotient. The transform's structure (bit reversal, cache-sized blocks, parallel ranges, twiddle tables) stays
 * in {@link CpuNttBackend}, whichever kernel runs. Elements are Montgomery Fr, 4 limbs each; the caller checks every
 * index, so implementations do not. Thread-safe; see {@link org.ppfarm.prover.CpuKernels} for the choice.
 */
public interface NttKernel {
    /** "java" or "native". */
    String name();

    /**
     * Cooley-Tukey butterflies k in [from, to) of the stage with half-size m = 2^lm: butterfly k pairs
     * i0 = (k with a zero bit inserted at position lm) and i0 + m, with twiddle tw[m + (k mod m)] (none for k mod m = 0).
     */
    void dit(long[] a, long[] tw, int lm, int from, int to);

    /** Gentleman-Sande butterflies, indexed as {@link #dit}. */
    void dif(long[] a, long[] tw, int lm, int from, int to);

    /** a[i] *= b[i] for i in [from, to). */
    void mul(long[] a, long[] b, int from, int to);

    /** a[i] *= s (one element at s[0]) for i in [from, to). */
    void scale(long[] a, long[] s, int from, int to);

    /** a[i] = a[i]·b[i] − c[i] for i in [from, to). */
    void mulSub(long[] a, long[] b, long[] c, int from, int to);
}
