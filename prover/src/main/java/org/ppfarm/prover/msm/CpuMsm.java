package org.ppfarm.prover.msm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.ppfarm.prover.ByteSizes;
import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.CpuTime;
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
 * <p>The bucket work of each task runs in a {@link BucketKernel}: in Java, or compiled by g++ when module
 * cpu-kernels is present ({@link CpuKernels}); the planning here is the same for both.
 *
 * <p>Parallelism: the unit of work is one (window, range of points) pair; windows are independent, so a part
 * with at least twice as many windows as threads is split by window only (no extra bucket reductions), and a
 * part with fewer windows is also split into point ranges, each with its own buckets. The tasks of all parts of
 * one MSM run on one {@link ForkJoinPool} (by default a shared pool with one thread per core — not the common
 * pool, whose parallelism is cores - 1) and the calling thread waits for them; concurrent MSMs share the pool.
 *
 * <p><b>Fixed-base tables.</b> A proving key's bases never change, so for a base set that is reused (its second
 * MSM, or {@link #precompute} for a key loaded to stay resident) the backend builds a {@link FixedBaseTable}: every
 * base's copies P·2^(c·k) for each window k. {@link FixedBaseMsm} then drops all windows' digits into one bucket set,
 * so the bucket reduction runs once per MSM instead of once per window, no doublings are needed, and c can be
 * larger (cost ≈ (b/c)·6.5·n + R·2^(c-1) multiplications instead of (b/c)·(6.5·n + R·2^(c-1)), R the kernel's
 * reduction cost per bucket, ~14–27): about −22 % of
 * MSM CPU for 2^16 full-size scalars. The price is memory — windows × the points, ~16× (about 170 MB for the
 * 0xbow withdraw key) — and a one-off build of ~253 doublings per base (~22 s of CPU for that key), so tables are kept
 * within a byte budget shared by this backend's open base sets (constructor argument, or the system property
 * {@value #TABLE_BYTES_PROPERTY}; default a quarter of the heap; 0 turns them off). A base set that does not fit,
 * whose table would save under 5 %, or an MSM whose nonzero scalars are too few to pay the one reduction, takes
 * the plain path above. A key used for a single proof ({@code ppfarm prove}) never builds a table.
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

    /** System property with the fixed-base table budget in bytes (suffix k, m or g allowed); 0 turns tables off. */
    public static final String TABLE_BYTES_PROPERTY = "ppfarm.msm.tableBytes";

    private final ForkJoinPool pool;
    private final BucketKernel kernel;
    private final long tableBudget;
    /** Bytes held by the tables of this backend's open bases. */
    private final AtomicLong tableBytes = new AtomicLong();
    /** A fixed table window size for tests, with the table used for every MSM (0: chosen by cost). */
    private final int tableC;
    /** A fixed window size for tuning experiments ({@link #forceWindowBits}); 0 chooses by {@link #chooseC}. */
    private static volatile int forcedC;

    /**
     * Uses the shared MSM pool (one thread per core), the selected kernel ({@link CpuKernels#selected}) and the
     * {@link #defaultTableBudget() default table budget}.
     */
    public CpuMsm() { this(SharedPool.POOL); }

    /** Uses {@code pool}, the selected kernel and the {@link #defaultTableBudget() default table budget}. */
    public CpuMsm(ForkJoinPool pool) { this(pool, defaultTableBudget()); }

    /** Uses {@code pool}, {@code kernel} and the {@link #defaultTableBudget() default table budget}. */
    public CpuMsm(ForkJoinPool pool, BucketKernel kernel) { this(pool, kernel, defaultTableBudget(), 0); }

    /**
     * Uses {@code pool}, and builds fixed-base tables ({@link FixedBaseTable}) for prepared base sets while all of
     * this backend's open tables together stay within {@code tableBudgetBytes}; 0 never builds any, so every
     * {@link #prepare} is instant and every MSM takes the plain path.
     */
    public CpuMsm(ForkJoinPool pool, long tableBudgetBytes) { this(pool, tableBudgetBytes, 0); }

    CpuMsm(ForkJoinPool pool, long tableBudgetBytes, int tableC) {
        this(pool, CpuKernels.selected().msm(), tableBudgetBytes, tableC);
    }

    /** As {@link #CpuMsm(ForkJoinPool, long)} with an explicit kernel; tableC > 0 fixes the table window (tests). */
    public CpuMsm(ForkJoinPool pool, BucketKernel kernel, long tableBudgetBytes, int tableC) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        if (tableBudgetBytes < 0) throw new IllegalArgumentException("MSM table budget must not be negative: " + tableBudgetBytes);
        this.tableBudget = tableBudgetBytes;
        this.tableC = tableC;
    }

    /** The shared pool with no fixed-base tables: for a key that proves once (the table build costs several proofs). */
    public static CpuMsm withoutTables() { return new CpuMsm(SharedPool.POOL, 0); }

    /**
     * The table budget of the constructors that take none: the system property {@value #TABLE_BYTES_PROPERTY}
     * (bytes, or with suffix k/m/g; 0 turns tables off) if set, else a quarter of the maximum heap — enough for
     * several withdraw-sized keys (~170 MB of tables each) on a default heap, while never crowding out proofs.
     *
     * @throws IllegalArgumentException naming the property when its value is not a size
     */
    public static long defaultTableBudget() {
        String v = System.getProperty(TABLE_BYTES_PROPERTY);
        if (v == null || v.isBlank()) return Runtime.getRuntime().maxMemory() / 4;
        return ByteSizes.parse(TABLE_BYTES_PROPERTY, v);
    }

    /** Bytes held by the fixed-base tables of this backend's open base sets. */
    public long tableBytesInUse() { return tableBytes.get(); }

    /** The shared pool the no-argument constructor uses (one thread per core), for other CPU-bound prover steps. */
    public static ForkJoinPool sharedPool() { return SharedPool.POOL; }

    /**
     * Fixes Pippenger's window size for every MSM of every {@code CpuMsm} in this JVM (capped by the scalars' bits),
     * instead of the cost model's {@link #chooseC choice}: for tuning experiments only (the bench module's
     * {@code MsmBench}). 0 restores the cost model.
     */
    public static void forceWindowBits(int bits) {
        if (bits < 0) throw new IllegalArgumentException("window bits must be >= 0: " + bits);
        forcedC = bits;
    }

    /** "cpu" with the Java kernel, "cpu-native" with the native one. */
    @Override public String name() { return kernel.name().equals("java") ? "cpu" : "cpu-" + kernel.name(); }

    public BucketKernel kernel() { return kernel; }

    /**
     * Prepared bases: the caller's points (held, not copied, when they are in the kernel's
     * {@link BucketKernel#basesMemory memory}) and, once they are reused and within the budget, their fixed-base table.
     * {@code tableState}: 0 none yet, 1 being built, 2 built, 3 not built (no room, not worth it, closed).
     */
    private final class CpuBases implements Bases {
        final Group group;
        final MemorySegment points;
        final int offset, count;
        /** The points as the kernel reads them (the same memory, or a copy where the caller's is not the kernel's). */
        final BucketKernel.Resident resident;
        private final AtomicInteger uses = new AtomicInteger();
        private final AtomicInteger tableState = new AtomicInteger();
        private volatile FixedBaseTable table;
        private long reserved;

        CpuBases(Group group, MemorySegment points, int offset, int count) {
            this.group = group;
            this.points = points;
            this.offset = offset;
            this.count = count;
            this.resident = kernel.resident(points);
        }

        @Override public Group group() { return group; }
        @Override public int count() { return count; }

        /** The table if built; builds it (on this thread, with the pool) when this is the set's second MSM. */
        FixedBaseTable tableForMsm() {
            if (tableState.get() == 0 && uses.incrementAndGet() >= 2) buildTable();
            return table;
        }

        void buildTable() {
            if (!tableState.compareAndSet(0, 1)) return;
            FixedBaseTable t = null;
            long bytes = 0;
            try {
                if (tableBudget > 0 && count > 0) {
                    int m = FixedBaseTable.countFinite(points, offset, count, group.affineLongs);
                    int c = tableC > 0 ? tableC : FixedBaseTable.chooseC(group, m, tableBudget - tableBytes.get() - 4L * count, kernel);
                    if (c > 0) {
                        bytes = FixedBaseTable.bytes(group, m, FixedBaseTable.windowsFor(c)) + 4L * count;
                        if (tableBytes.addAndGet(bytes) <= tableBudget) {
                            t = FixedBaseTable.build(pool, kernel, group, points, offset, count, c);
                        }
                    }
                }
            } catch (OutOfMemoryError e) {
                t = null;   // the heap is smaller than the budget allows for: stay on the plain path
            } finally {
                synchronized (this) {
                    if (t != null && tableState.get() == 1) {
                        table = t;
                        reserved = bytes;
                        tableState.set(2);
                    } else {
                        tableBytes.addAndGet(-bytes);
                        if (tableState.get() == 1) tableState.set(3);
                    }
                }
            }
        }

        /** Drops the table (returning its bytes to the budget); the bases stay usable on the plain path. */
        @Override public synchronized void close() {
            tableState.set(3);
            if (table != null) {
                table = null;
                tableBytes.addAndGet(-reserved);
                reserved = 0;
            }
        }
    }

    @Override
    public Bases prepare(Group group, MemorySegment points, int offset, int count) {
        Objects.requireNonNull(group, "group");
        long longs = points.byteSize() / 8;
        if (offset < 0 || count < 0 || (long) offset + (long) count * group.affineLongs > longs) {
            throw new IllegalArgumentException("MSM bases: " + count + " " + group + " points at offset " + offset
                    + " do not fit in an array of " + longs + " longs");
        }
        if (longs >= (1 << 30)) {   // point offsets are packed with a sign bit into an int
            throw new IllegalArgumentException("MSM bases: arrays of 2^30 longs or more are not supported");
        }
        CpuBases b = new CpuBases(group, points, offset, count);
        if (tableC > 0) b.buildTable();
        return b;
    }

    /**
     * Builds the fixed-base table of {@code bases} now rather than at their second MSM (if it pays and fits in what
     * is left of the budget; otherwise, or if already built or closed, does nothing): for a worker that loads a
     * key to keep it, so no job waits for the build, and for benchmarks. Blocks for the build (seconds for a
     * withdraw key: ~253 doublings per base).
     */
    @Override
    public void precompute(Bases bases) {
        if (!(bases instanceof CpuBases b)) throw new IllegalArgumentException("bases were not prepared by " + name());
        b.buildTable();
    }

    /** Whether {@code bases} have a fixed-base table (built and not closed). */
    public boolean hasTable(Bases bases) { return bases instanceof CpuBases b && b.table != null; }

    @Override
    public void msm(Bases bases, long[] scalars, long[] out) {
        if (!(bases instanceof CpuBases b)) throw new IllegalArgumentException("bases were not prepared by " + name());
        int n = b.count;
        Group group = b.group;
        if (scalars.length < 4L * n) throw new IllegalArgumentException("MSM: " + n + " bases but only " + scalars.length / 4 + " scalars");
        if (out.length < group.affineLongs) throw new IllegalArgumentException("MSM: output array shorter than one " + group + " point");
        boolean g2 = group == Group.G2;
        int jl = g2 ? G2.JACOBIAN : G1.JACOBIAN;

        ScalarSplit split = ScalarSplit.of(pool, b.points, b.offset, group.affineLongs, scalars, n);
        FixedBaseMsm fixed = null;
        BucketKernel.Entries large = null, small = null;
        try {
            List<ForkJoinTask<?>> tasks = new ArrayList<>();
            FixedBaseTable table = b.tableForMsm();
            Plan largePlan = null, smallPlan = null;
            if (table != null && (tableC > 0 || FixedBaseMsm.cost(table, kernel, split.small, split.large)
                    < plainCost(split.large.size(), split.large.bits(), kernel)
                      + plainCost(split.small.size(), split.small.bits(), kernel))) {
                fixed = new FixedBaseMsm(pool, kernel, table, b.offset, g2, jl);
                List<ForkJoinTask<?>> digits = new ArrayList<>();
                fixed.digitTasks(split.large, digits);
                fixed.digitTasks(split.small, digits);
                for (ForkJoinTask<?> t : digits) pool.execute(t);
                for (ForkJoinTask<?> t : digits) t.join();
                fixed.bucketTasks(tasks);
            } else {
                // largest tasks first so the tail of the schedule is short
                large = kernel.entries(split.large.src(), split.large.scalars(), split.large.size());
                small = kernel.entries(split.small.src(), split.small.scalars(), split.small.size());
                largePlan = plan(split.large, large, g2, tasks, b.resident);
                smallPlan = plan(split.small, small, g2, tasks, b.resident);
            }
            int onesChunks = split.ones.length == 0 ? 0 : Math.min(pool.getParallelism(), Math.max(1, split.ones.length / 4096));
            long[] onesOut = new long[onesChunks * jl];
            for (int ch = 0; ch < onesChunks; ch++) {
                int lo = (int) ((long) split.ones.length * ch / onesChunks), hi = (int) ((long) split.ones.length * (ch + 1) / onesChunks);
                int slot = ch;
                tasks.add(CpuTime.task(() -> sumOnes(g2 ? G2.local() : G1.local(), b.points, split.ones, lo, hi, onesOut, slot * jl)));
            }
            for (ForkJoinTask<?> t : tasks) pool.execute(t);
            for (ForkJoinTask<?> t : tasks) t.join();

            Curve c = g2 ? new G2() : new G1();
            long[] acc = new long[jl];
            c.setInfinity(acc, 0);
            for (int ch = 0; ch < onesChunks; ch++) c.add(acc, 0, onesOut, ch * jl, acc, 0);
            if (smallPlan != null) smallPlan.combineInto(c, acc);
            if (largePlan != null) largePlan.combineInto(c, acc);
            if (fixed != null) fixed.combineInto(c, acc);
            c.toAffine(acc, 0, out, 0);
        } finally {
            split.wipe();
            if (fixed != null) fixed.wipe();
            if (large != null) large.close();
            if (small != null) small.close();
        }
    }

    /**
     * The MSMs of several scalar vectors over the same bases, run at once: each one's tasks go into the same pool,
     * so the cores stay busy through each MSM's serial parts (the scalar split, the windows' combination, the final
     * normalization), which with one MSM at a time leave all but one core idle. Each result is exactly what
     * {@link #msm} gives for that vector.
     */
    @Override
    public void msmBatch(Bases bases, long[][] scalars, long[][] outs) {
        if (scalars.length != outs.length)
            throw new IllegalArgumentException("MSM batch: " + scalars.length + " scalar vectors but " + outs.length + " outputs");
        if (scalars.length == 1) {
            msm(bases, scalars[0], outs[0]);
            return;
        }
        List<FutureTask<Void>> runs = new ArrayList<>(scalars.length);
        for (int i = 0; i < scalars.length; i++) {
            long[] v = scalars[i], out = outs[i];
            // its CPU (the split, the windows' combination) charged to the caller's work before the run completes
            FutureTask<Void> run = new FutureTask<>(CpuTime.wrap(() -> msm(bases, v, out)), null);
            runs.add(run);
            // its own thread: it mostly waits for the pool's workers; a platform one, whose CPU is measured (CpuTime)
            Thread.ofPlatform().daemon().name("ppfarm-msm-batch-" + i).start(run);
        }
        RuntimeException first = null;
        for (FutureTask<Void> run : runs) {
            try {
                run.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error err) throw err;
                if (first == null) first = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                runs.forEach(r -> r.cancel(true));
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a batch of MSMs", e);
            }
        }
        if (first != null) throw first;
    }

    /** Sum of ±P over refs[lo, hi) (Jacobian). */
    private static void sumOnes(Curve c, MemorySegment points, int[] refs, int lo, int hi, long[] out, int oi) {
        c.setInfinity(out, oi);
        long[] p = new long[c.affineLongs];
        for (int i = lo; i < hi; i++) {
            int src = refs[i];
            MemorySegment.copy(points, ValueLayout.JAVA_LONG, 8L * (src >>> 1), p, 0, p.length);
            if ((src & 1) != 0) c.subMixed(out, oi, p, 0, out, oi);
            else c.addMixed(out, oi, p, 0, out, oi);
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
            this.c = forcedC > 0 ? Math.min(forcedC, Math.max(2, part.bits())) : chooseC(m, part.bits(), kernel);
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
                    tasks.add(CpuTime.task(() -> kernel.bucketSum(g2, points, entries, lo, hi, window, window + 1, c, bucketLog, 0,
                            partial, slot)));
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
     * affine batches counts ~6.5, into Jacobian buckets ~11, and a bucket's share of the running-sum reduction the
     * kernel's {@link BucketKernel#reductionCost}.
     */
    static int chooseC(int m, int bits, BucketKernel kernel) {
        int best = 2;
        double bestCost = Double.MAX_VALUE;
        for (int c = 2; c <= MAX_C; c++) {
            int w = SignedDigits.windows(bits, c);
            double cost = (w - 1) * windowCost(m, c - 1, kernel) + windowCost(m, topBucketLog(bits, c), kernel);
            if (cost < bestCost) { bestCost = cost; best = c; }
        }
        return best;
    }

    /** The field multiplications {@link #chooseC}'s window costs for m scalars of the given bits (0 for none). */
    static double plainCost(int m, int bits, BucketKernel kernel) {
        if (m == 0) return 0;
        int c = chooseC(m, bits, kernel), w = SignedDigits.windows(bits, c);
        return (w - 1) * windowCost(m, c - 1, kernel) + windowCost(m, topBucketLog(bits, c), kernel);
    }

    private static double windowCost(int m, int bucketLog, BucketKernel kernel) {
        int buckets = 1 << bucketLog;
        return (double) m * (buckets >= AFFINE_MIN_BUCKETS ? 6.5 : 11) + buckets * kernel.reductionCost(buckets);
    }
}
