package org.ppfarm.prover.msm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;

/**
 * The bucket kernel in Java: {@link Buckets.AffineBatch} for windows with many buckets, {@link Buckets.Jacobian} for
 * small ones. Each worker thread keeps its curve instances and buckets in a thread-local, so the hot loop allocates
 * nothing. Always available; the fallback when no native kernel loads.
 */
public final class JavaBucketKernel implements BucketKernel {
    public static final JavaBucketKernel INSTANCE = new JavaBucketKernel();

    /** Affine buckets below this many are not worth the batch bookkeeping. */
    static final int AFFINE_MIN_BUCKETS = 128;
    static final int MAX_BUCKET_LOG = 23;

    private JavaBucketKernel() {}

    private record HeapResident(long[] points) implements Resident {
        @Override public void close() {}
    }

    private record HeapEntries(int[] refs, long[] scalars) implements Entries {
        @Override public void close() {}
    }

    @Override public String name() { return "java"; }

    @Override public MemorySegment basesMemory(long longs) { return MemorySegment.ofArray(new long[Math.toIntExact(longs)]); }

    /** The array behind {@code points} when the segment is a whole {@code long[]} (as {@link #basesMemory} makes), else a copy. */
    @Override public Resident resident(MemorySegment points) {
        if (points.heapBase().orElse(null) instanceof long[] array && points.address() == 0
                && points.byteSize() == 8L * array.length) {
            return new HeapResident(array);
        }
        return new HeapResident(points.toArray(ValueLayout.JAVA_LONG));
    }

    @Override public Entries entries(int[] refs, long[] scalars, int size) { return new HeapEntries(refs, scalars); }

    @Override
    public void bucketSum(boolean g2, Resident bases, Entries entries, int lo, int hi, int kLo, int kHi, int c,
                          int bucketLog, long tableStride, long[] out, int oi) {
        if (!(bases instanceof HeapResident b) || !(entries instanceof HeapEntries e)) {
            throw new IllegalArgumentException("bases or entries were not made by the java kernel");
        }
        if (tableStride < 0 || tableStride * (kHi - kLo) >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("table stride " + tableStride + " out of range");
        }
        Buckets bk = Workspace.get().buckets(g2, bucketLog);
        bk.reset(b.points());
        final int[] src = e.refs();
        final long[] sc = e.scalars();
        for (int k = kLo; k < kHi; k++) {
            int shift = (int) (tableStride * (k - kLo));
            for (int i = lo; i < hi; i++) {
                int d = SignedDigits.digit(sc, 4 * i, k, c);
                if (d == 0) continue;
                int ref = src[i];
                boolean neg = (d < 0) != ((ref & 1) != 0);
                bk.add(Math.abs(d) - 1, (ref >>> 1) + shift, neg);
            }
        }
        bk.sumInto(out, oi);
    }

    private record HeapPacked(long[][] chunks, int[] sizes) implements Packed {
        @Override public void close() {}   // FixedBaseMsm wipes its own arrays
    }

    @Override public Packed packed(long[][] chunks, int[] sizes) { return new HeapPacked(chunks, sizes); }

    @Override
    public void rangeSum(boolean g2, Resident table, Packed entries, int lo, int hi, int hot, int bucketLog, long[] out,
                         int oi) {
        if (!(table instanceof HeapResident t) || !(entries instanceof HeapPacked p)) {
            throw new IllegalArgumentException("table or entries were not made by the java kernel");
        }
        Workspace ws = Workspace.get();
        Curve cv = isG2(g2, ws);
        cv.setInfinity(out, oi);
        if (lo >= hi) return;
        int hotHi = Math.min(hi, hot), coldLo = Math.max(lo, hot);
        Buckets hotB = lo < hot ? ws.buckets(g2, 32 - Integer.numberOfLeadingZeros(hot - 1)) : null;
        Buckets coldB = coldLo < hi ? ws.buckets(g2, bucketLog) : null;
        long[] tab = t.points();
        if (hotB != null) hotB.reset(tab, hotHi - lo);
        if (coldB != null) coldB.reset(tab, hi - coldLo);
        for (int q = 0; q < p.chunks().length; q++) {
            long[] es = p.chunks()[q];
            for (int x = 0, n = p.sizes()[q]; x < n; x++) {
                long e = es[x];
                int b = (int) e >>> 1;
                if (b < lo || b >= hi) continue;
                int off = (int) (e >>> 32);
                boolean neg = (e & 1) != 0;
                if (b < hot) hotB.add(b - lo, off, neg);
                else coldB.add(b - coldLo, off, neg);
            }
        }
        if (hotB != null) weigh(cv, hotB, lo, out, oi);
        if (coldB != null) weigh(cv, coldB, coldLo, out, oi);
    }

    private static Curve isG2(boolean g2, Workspace ws) { return g2 ? ws.g2 : ws.g1; }

    /** out[oi] += sum_j (o + j + 1)·bucket_j. */
    private static void weigh(Curve cv, Buckets bk, int o, long[] out, int oi) {
        int jl = cv.jacobianLongs;
        long[] sum = new long[jl], plain = new long[jl];
        bk.sumInto(sum, 0, plain, 0);
        if (o > 0) {
            cv.scalarMul(plain, 0, BigInteger.valueOf(o), plain, 0);
            cv.add(sum, 0, plain, 0, sum, 0);
        }
        cv.add(out, oi, sum, 0, out, oi);
    }

    /**
     * Pending additions per batch: large enough to amortize the inversion (~380 multiplications). Measured on G1
     * with 2^11 buckets: 128 → 620 ns per point, 512 → 500, 1024 → 490; the points that find their bucket
     * pending wait in the queue and cost nothing extra.
     */
    static int batchSize(int buckets) { return Math.min(1024, Math.max(32, buckets / 2)); }

    /** Per-thread curve instances and buckets (reused across MSMs; not shared between threads). */
    private static final class Workspace {
        private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);
        final G1 g1 = new G1();
        final G2 g2 = new G2();
        private final Buckets[][] cache = new Buckets[2][MAX_BUCKET_LOG + 1];

        static Workspace get() { return LOCAL.get(); }

        /** Buckets for digits up to 2^bucketLog. */
        Buckets buckets(boolean isG2, int bucketLog) {
            if (bucketLog < 0 || bucketLog > MAX_BUCKET_LOG) throw new IllegalArgumentException("bucketLog " + bucketLog);
            int count = 1 << bucketLog;
            Buckets b = cache[isG2 ? 1 : 0][bucketLog];
            if (b == null) {
                Curve cv = isG2 ? g2 : g1;
                b = count >= AFFINE_MIN_BUCKETS ? new Buckets.AffineBatch(cv, count, batchSize(count))
                        : new Buckets.Jacobian(cv, count);
                cache[isG2 ? 1 : 0][bucketLog] = b;
            }
            return b;
        }
    }
}
