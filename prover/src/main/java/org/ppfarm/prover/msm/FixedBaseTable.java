package org.ppfarm.prover.msm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.ppfarm.prover.CpuTime;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.msm.MsmBackend.Group;

/**
 * Fixed-base precomputation for a base set that many MSMs reuse (a resident proving key): every non-infinity base
 * P_j is stored with its shifted copies P_j·2^(c·k) for each c-bit window k, affine and normalized. With them a
 * scalar's digit in window k is simply a digit of the point P_j·2^(ck), so all windows of an MSM drop into ONE set
 * of buckets ({@link FixedBaseMsm}): the bucket reduction (~14–27 multiplications per bucket) happens once instead of
 * once per window and no doublings are needed between windows, which in turn makes a larger c pay.
 *
 * <p>Layout: point-major, entry (j, k) at {@code table[(j·windows + k)·affineLongs]}, so one MSM reads the table
 * roughly in order. {@code compact[i]} maps base index i (in the prepared range) to j, or -1 for an infinity base,
 * which has no entries. Memory is windows × (non-infinity bases) × point size — for the 0xbow withdraw key about
 * 16× its points, which is why {@link CpuMsm} builds tables only within a memory budget.
 *
 * <p>Building costs about 253 doublings per base (c per window, ~7 multiplications each) plus one batched
 * normalization per window, run in parallel on the MSM pool, once per key: about 22 s of CPU for the withdraw key
 * (~140k G1 and 12k G2 finite bases), some 30 proofs' worth of the ~0.75 s of CPU each proof then saves.
 *
 * <p>Immutable after {@link #build}; shared by any number of concurrent MSMs.
 */
final class FixedBaseTable {
    /** Normalized scalars are at most (r - 1)/2 < 2^253 ({@link ScalarSplit}). */
    static final int SCALAR_BITS = 253;
    static final int MIN_C = 8, MAX_C = 20;
    private static final int BUILD_CHUNK = 1024;

    final Group group;
    final int c, windows, points;
    /** The table as the kernel reads it: built in the kernel's {@link BucketKernel#basesMemory memory}, never copied. */
    final BucketKernel.Resident resident;
    final int[] compact;

    private FixedBaseTable(Group group, int c, int windows, int points, BucketKernel.Resident resident, int[] compact) {
        this.group = group;
        this.c = c;
        this.windows = windows;
        this.points = points;
        this.resident = resident;
        this.compact = compact;
    }

    static int windowsFor(int c) { return SignedDigits.windows(SCALAR_BITS, c); }

    /** Bytes of a table with {@code windows} copies of {@code points} points of {@code group}. */
    static long bytes(Group group, long points, int windows) {
        return points * windows * group.affineLongs * 8L;
    }

    long bytes() { return bytes(group, points, windows) + 4L * compact.length; }

    /** Non-infinity points among {@code count} affine points from long index {@code offset} of {@code src}. */
    static int countFinite(MemorySegment src, int offset, int count, int al) {
        int m = 0;
        for (int i = 0; i < count; i++) if (!isInfinity(src, offset + i * al, al)) m++;
        return m;
    }

    private static boolean isInfinity(MemorySegment src, int at, int al) {
        long any = 0;
        for (int j = 0; j < al; j++) any |= src.getAtIndex(ValueLayout.JAVA_LONG, at + j);
        return any == 0;
    }

    /**
     * Field multiplications of one table MSM over m full-size scalars with window c: each point's digits, one
     * batch-affine addition each (~6.5), plus one running-sum reduction of 2^(c-1) buckets (the kernel's
     * {@link BucketKernel#reductionCost} each).
     */
    static double cost(long m, int c, BucketKernel kernel) {
        int buckets = 1 << (c - 1);
        return windowsFor(c) * 6.5 * m + kernel.reductionCost(buckets) * buckets;
    }

    /**
     * The window size whose table costs least per MSM among those that fit in {@code budgetBytes}, or 0 when none
     * fits or none beats the plain MSM ({@link CpuMsm#chooseC}'s cost) by at least 5 % — a table that saves less
     * is not worth its memory and build time.
     */
    static int chooseC(Group group, int m, long budgetBytes, BucketKernel kernel) {
        if (m == 0) return 0;
        double plain = CpuMsm.plainCost(m, SCALAR_BITS, kernel);
        int best = 0;
        double bestCost = 0.95 * plain;
        for (int c = MIN_C; c <= MAX_C; c++) {
            long bytes = bytes(group, m, windowsFor(c));
            if (bytes > budgetBytes || bytes / 8 >= (1L << 30)) continue;   // offsets are packed into ints
            double cost = cost(m, c, kernel);
            if (cost < bestCost) { bestCost = cost; best = c; }
        }
        return best;
    }

    /**
     * Builds the table of the {@code count} affine points from long index {@code offset} of {@code src} for window
     * size c, in parallel on {@code pool}, straight into the kernel's memory. The caller has checked that it fits
     * ({@link #chooseC}).
     */
    static FixedBaseTable build(ForkJoinPool pool, BucketKernel kernel, Group group, MemorySegment src, int offset,
                                int count, int c) {
        final int al = group.affineLongs, windows = windowsFor(c);
        int[] compact = new int[count];
        int m = 0;
        for (int i = 0; i < count; i++) compact[i] = isInfinity(src, offset + i * al, al) ? -1 : m++;
        int[] order = new int[m];   // compact index -> base index
        for (int i = 0; i < count; i++) if (compact[i] >= 0) order[compact[i]] = i;
        MemorySegment table = kernel.basesMemory((long) m * windows * al);
        int chunks = (m + BUILD_CHUNK - 1) / BUILD_CHUNK;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
        for (int ch = 0; ch < chunks; ch++) {
            int lo = ch * BUILD_CHUNK, hi = Math.min(m, lo + BUILD_CHUNK);
            tasks[ch] = CpuTime.task(() -> buildChunk(group == Group.G2 ? new G2() : new G1(), src, offset, order, lo, hi, c, windows, table));
        }
        for (ForkJoinTask<?> t : tasks) pool.execute(t);
        for (ForkJoinTask<?> t : tasks) t.join();
        return new FixedBaseTable(group, c, windows, m, kernel.resident(table), compact);
    }

    /** Entries (j, k) for j in [lo, hi): window 0 copied, then c Jacobian doublings and a batched normalization per window. */
    private static void buildChunk(Curve cv, MemorySegment src, int offset, int[] order, int lo, int hi, int c,
                                   int windows, MemorySegment table) {
        final int al = cv.affineLongs, jl = cv.jacobianLongs, len = hi - lo;
        long[] jac = new long[len * jl], aff = new long[len * al];
        for (int j = lo; j < hi; j++) {
            MemorySegment.copy(src, ValueLayout.JAVA_LONG, 8L * (offset + order[j] * al), aff, (j - lo) * al, al);
            cv.fromAffine(aff, (j - lo) * al, jac, (j - lo) * jl);
        }
        copyRows(aff, al, table, lo, len, windows, 0);
        for (int k = 1; k < windows; k++) {
            for (int p = 0; p < len; p++) {
                for (int d = 0; d < c; d++) cv.dbl(jac, p * jl, jac, p * jl);
            }
            cv.batchToAffine(jac, 0, len, aff, 0);
            copyRows(aff, al, table, lo, len, windows, k);
        }
    }

    /** Entries (j, k) for j in [lo, lo + len) from {@code aff}, point p of it for j = lo + p. */
    private static void copyRows(long[] aff, int al, MemorySegment table, int lo, int len, int windows, int k) {
        for (int p = 0; p < len; p++) {
            MemorySegment.copy(aff, p * al, table, ValueLayout.JAVA_LONG, 8L * (((long) (lo + p) * windows + k) * al), al);
        }
    }
}
