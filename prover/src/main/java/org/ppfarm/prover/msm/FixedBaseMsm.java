package org.ppfarm.prover.msm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.ppfarm.prover.CpuTime;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;

/**
 * The small and large parts of one MSM ({@link ScalarSplit}) over a {@link FixedBaseTable}: every (point, window)
 * pair with a nonzero signed digit d becomes the table point P_j·2^(ck) added to ONE bucket set at |d|, so there
 * is a single running-sum reduction and no doubling between windows. Small scalars simply have fewer windows.
 *
 * <p>Three steps, each split over the pool:
 * <ol>
 *   <li>digits: point chunks recode their scalars window by window (carry propagated upward, no look-down) into
 *       packed entries (table offset, bucket, sign) and a histogram of bucket use;</li>
 *   <li>the buckets are cut into one contiguous range per thread of about equal expected work (additions from
 *       the histogram plus the reduction), so threads never share a bucket and no bucket set is duplicated;</li>
 *   <li>each thread scans the entries, adds those of its range — buckets below {@link #HOT} in Jacobian form
 *       (the carry digits of a short scalar's top window all land there, which would starve an affine batch of
 *       distinct buckets), the rest in batch-affine form — and reduces its range: digits o+1.. of a range
 *       starting at bucket o weigh sum (j+1)·B_(o+j) + o·sum B_(o+j).</li>
 * </ol>
 */
final class FixedBaseMsm {
    /** Buckets [0, HOT) are Jacobian (see the class comment). */
    static final int HOT = 64;
    private static final int DIGIT_CHUNK = 1 << 14;
    private static final int BLOCKS_LOG = 10;

    private final ForkJoinPool pool;
    private final BucketKernel kernel;
    private final FixedBaseTable table;
    private final boolean g2;
    private final int jl, half, blockShift;
    private final int baseOffset;
    private final List<Chunk> chunks = new ArrayList<>();
    private int ranges;
    private long[] partial;
    /** All chunks' entries as the kernel reads them (made by {@link #bucketTasks}, released by {@link #wipe}). */
    private BucketKernel.Packed packed;

    /** Entries of one chunk of points: (table offset << 32 | bucket << 1 | negate). */
    private static final class Chunk {
        long[] entries;
        int size;
        int[] histogram;
    }

    FixedBaseMsm(ForkJoinPool pool, BucketKernel kernel, FixedBaseTable table, int baseOffset, boolean g2,
                 int jacobianLongs) {
        this.pool = pool;
        this.kernel = kernel;
        this.table = table;
        this.baseOffset = baseOffset;
        this.g2 = g2;
        this.jl = jacobianLongs;
        this.half = 1 << (table.c - 1);
        this.blockShift = Math.max(0, table.c - 1 - BLOCKS_LOG);
    }

    /**
     * Field multiplications this MSM would take for the given parts (the cost model of {@link CpuMsm#chooseC}),
     * to compare with the plain path: sparse witnesses may not fill the one bucket set enough to pay its reduction.
     */
    static double cost(FixedBaseTable t, BucketKernel kernel, ScalarSplit.Part... parts) {
        double adds = 0;
        for (ScalarSplit.Part p : parts) if (p.size() > 0) adds += 6.5 * p.size() * SignedDigits.windows(p.bits(), t.c);
        int buckets = 1 << (t.c - 1);
        return adds + kernel.reductionCost(buckets) * buckets;
    }

    /** Step 1: digit tasks for the part, to run on the pool before {@link #bucketTasks}. */
    void digitTasks(ScalarSplit.Part part, List<ForkJoinTask<?>> tasks) {
        int m = part.size();
        if (m == 0) return;
        int windows = SignedDigits.windows(part.bits(), table.c);
        for (int lo = 0; lo < m; lo += DIGIT_CHUNK) {
            int from = lo, to = Math.min(m, lo + DIGIT_CHUNK);
            Chunk ch = new Chunk();
            chunks.add(ch);
            tasks.add(CpuTime.task(() -> digits(part, from, to, windows, ch)));
        }
    }

    private void digits(ScalarSplit.Part part, int from, int to, int windows, Chunk out) {
        final FixedBaseTable t = table;
        final int c = t.c, tw = t.windows, al = t.group.affineLongs, shift = Integer.numberOfTrailingZeros(al);
        final int full = 1 << c, h = half;
        final int[] src = part.src(), compact = t.compact;
        final long[] sc = part.scalars();
        long[] entries = new long[(to - from) * windows];
        int[] hist = new int[(half >>> blockShift) + 1];
        int n = 0;
        for (int i = from; i < to; i++) {
            int ref = src[i];
            int j = compact[((ref >>> 1) - baseOffset) >>> shift];
            boolean negRef = (ref & 1) != 0;
            long entryBase = (long) (j * tw) * al << 32;
            int carry = 0;
            for (int k = 0; k < windows; k++) {
                int d = SignedDigits.raw(sc, 4 * i, k, c) + carry;
                carry = d > h ? 1 : 0;
                if (carry != 0) d -= full;
                if (d == 0) continue;
                int b = Math.abs(d) - 1;
                boolean neg = (d < 0) != negRef;
                entries[n++] = (entryBase + ((long) k * al << 32)) | ((long) b << 1) | (neg ? 1 : 0);
                hist[b >>> blockShift]++;
            }
        }
        out.entries = entries;
        out.size = n;
        out.histogram = hist;
    }

    /** Step 2 and 3: cuts the buckets into ranges by the histograms and adds one task per range. */
    void bucketTasks(List<ForkJoinTask<?>> tasks) {
        int blocks = (half >>> blockShift) + 1, blockSize = 1 << blockShift;
        double[] cost = new double[blocks];
        double reduction = kernel.reductionCost(half / pool.getParallelism());   // per bucket, over a thread's range
        double total = 0;
        long entries = 0;
        for (int b = 0; b < blocks; b++) {
            long cnt = 0;
            for (Chunk ch : chunks) cnt += ch.histogram[b];
            entries += cnt;
            cost[b] = cnt * ((b << blockShift) < HOT ? 11 : 6.5) + reduction * blockSize;
            total += cost[b];
        }
        ranges = (int) Math.max(1, Math.min(pool.getParallelism(), entries / 4096));
        int[] bounds = new int[ranges + 1];
        double acc = 0;
        int r = 1;
        for (int b = 0; b < blocks && r < ranges; b++) {
            acc += cost[b];
            if (acc >= total * r / ranges) bounds[r++] = Math.min(half, (b + 1) << blockShift);
        }
        while (r <= ranges) bounds[r++] = half;
        partial = new long[ranges * jl];
        long[][] arrays = new long[chunks.size()][];
        int[] sizes = new int[chunks.size()];
        for (int q = 0; q < arrays.length; q++) {
            arrays[q] = chunks.get(q).entries;
            sizes[q] = chunks.get(q).size;
        }
        packed = kernel.packed(arrays, sizes);
        for (int q = 0; q < ranges; q++) {
            int lo = bounds[q], hi = bounds[q + 1], slot = q * jl;
            tasks.add(CpuTime.task(() -> accumulate(lo, hi, slot)));
        }
    }

    private void accumulate(int lo, int hi, int slot) {
        if (lo >= hi) {
            (g2 ? G2.local() : G1.local()).setInfinity(partial, slot);
            return;
        }
        kernel.rangeSum(g2, table.resident, packed, lo, hi, HOT, table.c - 1, partial, slot);
    }

    /** Zeroes the recoded digits (witness-derived, like the scalars they come from), here and in the kernel's copy. */
    void wipe() {
        if (packed != null) packed.close();
        for (Chunk ch : chunks) {
            if (ch.entries != null) Arrays.fill(ch.entries, 0L);
            if (ch.histogram != null) Arrays.fill(ch.histogram, 0);
        }
    }

    /** acc += the MSM's result (after the bucket tasks have run). */
    void combineInto(Curve cv, long[] acc) {
        for (int q = 0; q < ranges; q++) cv.add(acc, 0, partial, q * jl, acc, 0);
    }
}
