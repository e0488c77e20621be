package org.ppfarm.prover.msm;

/**
 * The inner loop of {@link CpuMsm}'s Pippenger: drop (point, window) digits into one set of buckets and reduce them
 * to sum_b (b + 1)·bucket_b. This is nearly all of an MSM's arithmetic; the planning around it (scalar split, window
 * size, tasks on the fork-join pool, combining windows) stays in {@link CpuMsm}, whichever kernel runs.
 *
 * <p>Two implementations: {@link JavaBucketKernel} (always available) and a native one compiled by g++ (module
 * gpu-kernels, {@code NativeBucketKernel}); {@link org.ppfarm.prover.CpuKernels} chooses.
 *
 * <p>Implementations are thread-safe; {@link #bucketSum} is called from many threads at once.
 */
public interface BucketKernel {
    /** A base array made ready for {@link #bucketSum} (the native kernel copies it off-heap); closing releases it. */
    interface Resident extends AutoCloseable {
        @Override void close();
    }

    /** One MSM part's base references and scalars made ready for {@link #bucketSum}; closing releases them. */
    interface Entries extends AutoCloseable {
        @Override void close();
    }

    /** "java" or "native". */
    String name();

    /** Makes {@code points} (affine bases, the layout of {@link MsmBackend}) ready; the array must not change afterwards. */
    Resident resident(long[] points);

    /**
     * Makes entries ready: entry i refers to the base at {@code refs[i] >>> 1} (an offset in longs into the
     * resident array), negated when {@code refs[i] & 1}, with scalar {@code scalars[4i..4i+3]} (standard form).
     */
    Entries entries(int[] refs, long[] scalars, int size);

    /**
     * Writes to {@code out[oi]} (Jacobian) the bucket sum of entries [lo, hi) over windows [kLo, kHi): entry i's
     * signed c-bit digit d in window k ({@link SignedDigits}) adds the base at {@code (refs[i] >>> 1) +
     * (k - kLo)·tableStride}, negated per the sign of d and the reference, into bucket |d| − 1 of one set of
     * 2^bucketLog buckets. (A table stride of 0 with one window is the plain Pippenger window; a non-zero stride
     * reads precomputed shifted copies of the bases, one per window.)
     */
    void bucketSum(boolean g2, Resident bases, Entries entries, int lo, int hi, int kLo, int kHi, int c, int bucketLog,
                   long tableStride, long[] out, int oi);
}
