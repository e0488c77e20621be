package org.ppfarm.prover.msm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;

/**
 * The CPU multi-scalar multiplication: Pippenger's bucket method with signed digits, for G1 and G2 alike.
 *
 * <ol>
 *   <li>{@link ScalarSplit} drops zero scalars and infinity bases, folds s > r/2 into (r - s)·(-P), and separates
 *       ±1 (summed with plain mixed additions), small (≤ 64-bit) and large scalars — many circom witnesses are
 *       mostly 0, 1 and small values (not the 0xbow withdraw witness, whose values are 98 % full-size).</li>
 *   <li>Each of the small and large parts is cut into c-bit windows with signed digits in [-2^(c-1), 2^(c-1)]
 *       ({@link SignedDigits}), so a window needs only 2^(c-1) buckets; c minimizes a cost model in the part's
 *       size and bit length.</li>
 *   <li>Per window, every point goes into the bucket of its digit's magnitude, negated for a negative digit.
 *       Large windows use affine buckets updated in inversion-sharing batches ({@link Buckets.AffineBatch}),
 *       small ones Jacobian buckets with mixed additions ({@link Buckets.Jacobian}). The top window only holds
 *       digits up to 2^(bits - c(W-1)), so it gets that many buckets ({@link #topBucketLog}).</li>
 *   <li>A window's sum is sum_b (b + 1)·bucket_b by running sums; windows combine by c doublings each (Horner),
 *       and the ones/small/large partial results are added and normalized to affine once.</li>
 * </ol>
 *
 * <p>The bucket work of each task (steps 3 and the first half of 4) runs in a {@link BucketKernel}: in Java, or
 * compiled by g++ when module gpu-kernels is present ({@link org.ppfarm.prover.CpuKernels}); the planning here is the same.
 *
 * <p>Parallelism: the unit of work is one (window, range of points) pair; windows are independent, so a part
 * with at least twice as many windows as threads is split by window only (no extra bucket reductions), and a
 * part with fewer windows is also split into point ranges, each with its own buckets. The tasks of all parts of
 * one MSM run on one {@link ForkJoinPool} (by default a shared pool with one thread per core — not the common
 * pool, whose parallelism is cores - 1) and the calling thread waits for them; concurrent MSMs share the pool.
 *
 * <p>Thread-safe: one instance serves any number of concurrent proofs.
 */
public final class CpuMsm implements MsmBackend {
    private static final class SharedPool {
        static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors(),
                pool -> {
                    var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                    t.setName("ppfarm-msm-" + t.getPoolIndex());
                    t.setDaemon(true);
                    return t;
                }, null, false);
    }

    private static final int AFFINE_MIN_BUCKETS = JavaBucketKernel.AFFINE_MIN_BUCKETS;
    private static final int MAX_C = 16;

    private final ForkJoinPool pool;
    private final BucketKernel kernel;
    /** A fixed window size for tuning experiments ({@link MsmBench}); 0 chooses by {@link #chooseC}. */
    static volatile int forcedC;

    /** Uses the shared MSM pool (one thread per core) and the selected kernel ({@link CpuKernels#selected}). */
    public CpuMsm() { this(SharedPool.POOL, CpuKernels.selected().msm()); }

    /** Uses {@code pool} and the selected kernel ({@link CpuKernels#selected}). */
    public CpuMsm(ForkJoinPool pool) { this(pool, CpuKernels.selected().msm()); }

    public CpuMsm(ForkJoinPool pool, BucketKernel kernel) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    /** The shared pool the no-argument constructor uses (one thread per core), for other CPU-bound prover steps. */
    public static ForkJoinPool sharedPool() { return SharedPool.POOL; }

    /** "cpu" with the Java kernel, "cpu-native" with the native one. */
    @Override public String name() { return kernel.name().equals("java") ? "cpu" : "cpu-" + kernel.name(); }

    public BucketKernel kernel() { return kernel; }

    private record CpuBases(Group group, long[] points, int offset, int count, BucketKernel.Resident resident)
            implements Bases {
        @Override public void close() { resident.close(); }
    }

    @Override
    public Bases prepare(Group group, long[] points, int offset, int count) {
        Objects.requireNonNull(group, "group");
        if (offset < 0 || count < 0 || (long) offset + (long) count * group.affineLongs > points.length) {
            throw new IllegalArgumentException("MSM bases: " + count + " " + group + " points at offset " + offset
                    + " do not fit in an array of " + points.length + " longs");
        }
        if (points.length >= (1 << 30)) {   // point offsets are packed with a sign bit into an int
            throw new IllegalArgumentException("MSM bases: arrays of 2^30 longs or more are not supported");
        }
        return new CpuBases(group, points, offset, count, kernel.resident(points));
    }

    @Override
    public void msm(Bases bases, long[] scalars, long[] out) {
        if (!(bases instanceof CpuBases b)) throw new IllegalArgumentException("bases were not prepared by " + name());
        int n = b.count();
        Group group = b.group();
        if (scalars.length < 4L * n) throw new IllegalArgumentException("MSM: " + n + " bases but only " + scalars.length / 4 + " scalars");
        if (out.length < group.affineLongs) throw new IllegalArgumentException("MSM: output array shorter than one " + group + " point");
        boolean g2 = group == Group.G2;
        int jl = g2 ? G2.JACOBIAN : G1.JACOBIAN;

        ScalarSplit split = ScalarSplit.of(pool, b.points(), b.offset(), group.affineLongs, scalars, n);
        try (BucketKernel.Entries large = kernel.entries(split.large.src(), split.large.scalars(), split.large.size());
             BucketKernel.Entries small = kernel.entries(split.small.src(), split.small.scalars(), split.small.size())) {
            run(b, split, large, small, g2, jl, out);
        }
    }

    private void run(CpuBases b, ScalarSplit split, BucketKernel.Entries large, BucketKernel.Entries small,
                     boolean g2, int jl, long[] out) {
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        // largest tasks first so the tail of the schedule is short
        Plan largePlan = plan(split.large, large, g2, tasks, b.resident());
        Plan smallPlan = plan(split.small, small, g2, tasks, b.resident());
        int onesChunks = split.ones.length == 0 ? 0 : Math.min(pool.getParallelism(), Math.max(1, split.ones.length / 4096));
        long[] onesOut = new long[onesChunks * jl];
        for (int ch = 0; ch < onesChunks; ch++) {
            int lo = (int) ((long) split.ones.length * ch / onesChunks), hi = (int) ((long) split.ones.length * (ch + 1) / onesChunks);
            int slot = ch;
            tasks.add(new RecursiveAction() {
                @Override protected void compute() {
                    sumOnes(g2 ? G2.local() : G1.local(), b.points(), split.ones, lo, hi, onesOut, slot * jl);
                }
            });
        }
        for (ForkJoinTask<?> t : tasks) pool.execute(t);
        for (ForkJoinTask<?> t : tasks) t.join();

        Curve c = g2 ? new G2() : new G1();
        long[] acc = new long[jl];
        c.setInfinity(acc, 0);
        for (int ch = 0; ch < onesChunks; ch++) c.add(acc, 0, onesOut, ch * jl, acc, 0);
        if (smallPlan != null) smallPlan.combineInto(c, acc);
        if (largePlan != null) largePlan.combineInto(c, acc);
        c.toAffine(acc, 0, out, 0);
    }

    /** Sum of ±P over refs[lo, hi) (Jacobian). */
    private static void sumOnes(Curve c, long[] points, int[] refs, int lo, int hi, long[] out, int oi) {
        c.setInfinity(out, oi);
        for (int i = lo; i < hi; i++) {
            int src = refs[i];
            if ((src & 1) != 0) c.subMixed(out, oi, points, src >>> 1, out, oi);
            else c.addMixed(out, oi, points, src >>> 1, out, oi);
        }
    }

    /** Window size and work split of one part; holds the partial window sums the tasks write. */
    private final class Plan {
        final ScalarSplit.Part part;
        final BucketKernel.Entries entries;
        final boolean g2;
        final int c, windows, chunks, jl;
        final long[] partial;   // (window, chunk) → Jacobian partial sum

        Plan(ScalarSplit.Part part, BucketKernel.Entries entries, boolean g2) {
            this.part = part;
            this.entries = entries;
            this.g2 = g2;
            this.jl = g2 ? G2.JACOBIAN : G1.JACOBIAN;
            int m = part.size(), threads = pool.getParallelism();
            this.c = forcedC > 0 ? Math.min(forcedC, Math.max(2, part.bits())) : chooseC(m, part.bits());
            this.windows = SignedDigits.windows(part.bits(), c);
            int buckets = 1 << (c - 1);
            int wanted = windows >= 2 * threads ? 1 : (2 * threads + windows - 1) / windows;
            this.chunks = Math.max(1, Math.min(wanted, m / (4 * buckets)));
            this.partial = new long[windows * chunks * jl];
        }

        void addTasks(List<ForkJoinTask<?>> tasks, BucketKernel.Resident points) {
            int m = part.size();
            for (int k = 0; k < windows; k++) {
                for (int ch = 0; ch < chunks; ch++) {
                    int lo = (int) ((long) m * ch / chunks), hi = (int) ((long) m * (ch + 1) / chunks);
                    int window = k, slot = (k * chunks + ch) * jl;
                    int bucketLog = k == windows - 1 ? topBucketLog(part.bits(), c) : c - 1;
                    tasks.add(new RecursiveAction() {
                        @Override protected void compute() {
                            kernel.bucketSum(g2, points, entries, lo, hi, window, window + 1, c, bucketLog, 0,
                                    partial, slot);
                        }
                    });
                }
            }
        }

        /** acc += sum_k 2^(kc) · window_k. */
        void combineInto(Curve cv, long[] acc) {
            long[] sum = new long[jl], w = new long[jl];
            cv.setInfinity(sum, 0);
            for (int k = windows - 1; k >= 0; k--) {
                for (int i = 0; i < c; i++) cv.dbl(sum, 0, sum, 0);
                cv.setInfinity(w, 0);
                for (int ch = 0; ch < chunks; ch++) cv.add(w, 0, partial, (k * chunks + ch) * jl, w, 0);
                cv.add(sum, 0, w, 0, sum, 0);
            }
            cv.add(acc, 0, sum, 0, acc, 0);
        }
    }

    private Plan plan(ScalarSplit.Part part, BucketKernel.Entries entries, boolean g2, List<ForkJoinTask<?>> tasks,
                      BucketKernel.Resident points) {
        if (part.size() == 0) return null;
        Plan p = new Plan(part, entries, g2);
        p.addTasks(tasks, points);
        return p;
    }

    /**
     * log2 of the buckets the top window needs: its digits are at most 2^(bits - c(W-1)) (raw bits plus a carry),
     * often far fewer than 2^(c-1). Sizing it down matters beyond memory: with a handful of buckets nearly every
     * point would find its bucket pending in the batch, so the top window gets small Jacobian buckets instead.
     */
    static int topBucketLog(int bits, int c) {
        return Math.min(c - 1, bits - c * (SignedDigits.windows(bits, c) - 1));
    }

    /**
     * The window size minimizing the field multiplications of bucket accumulation and reduction: an addition into
     * affine batches counts ~6.5, into Jacobian buckets ~11, and a bucket's share of the running-sum reduction ~27.
     */
    static int chooseC(int m, int bits) {
        int best = 2;
        double bestCost = Double.MAX_VALUE;
        for (int c = 2; c <= MAX_C; c++) {
            int w = SignedDigits.windows(bits, c);
            double cost = (w - 1) * windowCost(m, c - 1) + windowCost(m, topBucketLog(bits, c));
            if (cost < bestCost) { bestCost = cost; best = c; }
        }
        return best;
    }

    private static double windowCost(int m, int bucketLog) {
        int buckets = 1 << bucketLog;
        return (double) m * (buckets >= AFFINE_MIN_BUCKETS ? 6.5 : 11) + buckets * 27.0;
    }
}
