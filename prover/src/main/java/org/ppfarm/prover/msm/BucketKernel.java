package org.ppfarm.prover.msm;

import java.lang.foreign.MemorySegment;

/**
 * The inner loop of {@link CpuMsm}'s Pippenger: drop (point, window) digits into one set of buckets and reduce them
 * to sum_b (b + 1)·bucket_b. This is nearly all of an MSM's arithmetic; the planning around it (scalar split, window
 * size, tasks on the fork-join pool, combining windows) stays in {@link CpuMsm}, whichever kernel runs.
 *
 * <p>Two implementations: {@link JavaBucketKernel} (always available) and a native one compiled by g++ (module
 * cpu-kernels, {@code NativeBucketKernel}); {@link org.ppfarm.prover.CpuKernels} chooses.
 *
 * <p>Implementations are thread-safe; {@link #bucketSum} is called from many threads at once.
 */
public interface BucketKernel {
    /**
     * A base array (or fixed-base table) made ready for the kernel: the memory itself when it is where the kernel
     * reads ({@link #basesMemory}), else a copy there. The native kernel's memory is freed once unreachable, so a
     * base set closed while an MSM still runs on it stays valid for that MSM.
     */
    interface Resident extends AutoCloseable {
        @Override void close();
    }

    /** One MSM part's base references and scalars made ready for {@link #bucketSum}; closing wipes and releases them. */
    interface Entries extends AutoCloseable {
        @Override void close();
    }

    /** Packed table entries of a fixed-base MSM ({@link FixedBaseMsm}) made ready; closing releases (and wipes) them. */
    interface Packed extends AutoCloseable {
        @Override void close();
    }

    /** "java" or "native". */
    String name();

    /**
     * Field multiplications per bucket of this kernel's reduction of one set of {@code buckets} buckets
     * (sum_b (b + 1)·B_b by running sums): the term the MSM cost models weigh a window size's bucket count by. Two
     * Jacobian additions per bucket, a mixed and a full one, take ~27.
     */
    default double reductionCost(int buckets) { return 27.0; }

    /**
     * Zeroed memory for {@code longs} longs of points (bases, a fixed-base table) that {@link #resident} takes
     * without a copy: the Java kernel's is a heap array, the native kernel's native memory, freed once
     * unreachable. A proving key reads its points straight into it, so they are held once (at 2^20 constraints
     * the points are ~384 MB).
     */
    MemorySegment basesMemory(long longs);

    /**
     * Makes {@code points} (affine bases, the layout of {@link MsmBackend}; long index 0 at the segment's start)
     * ready: memory from {@link #basesMemory} as it is, other memory copied. The points must not change afterwards.
     */
    Resident resident(MemorySegment points);

    /** {@link #resident(MemorySegment)} of a heap array (the Java kernel reads it in place, the native one copies it). */
    default Resident resident(long[] points) { return resident(MemorySegment.ofArray(points)); }

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

    /**
     * Makes fixed-base entries ready: chunk q holds {@code sizes[q]} entries {@code offset << 32 | bucket << 1 | neg}
     * (an offset in longs into the table, the bucket index, whether to negate).
     */
    Packed packed(long[][] chunks, int[] sizes);

    /**
     * Writes to {@code out[oi]} (Jacobian) sum_b (b + 1)·B_b over the buckets b in [lo, hi), where B_b sums the
     * (possibly negated) table points of the entries with bucket b. Buckets below {@code hot} are kept in Jacobian
     * form (a short scalar's top digits pile into them, which would starve affine batches of distinct buckets);
     * bucketLog bounds hi − lo by 2^bucketLog.
     */
    void rangeSum(boolean g2, Resident table, Packed entries, int lo, int hi, int hot, int bucketLog, long[] out, int oi);
}
