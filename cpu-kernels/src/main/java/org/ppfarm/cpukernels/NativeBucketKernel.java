package org.ppfarm.cpukernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import org.ppfarm.prover.msm.BucketKernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CPU MSM's bucket kernel compiled by g++ ({@code native/src/cpu_buckets.hpp}, exported as
 * {@code ppc_bucket_sum} and {@code ppc_bucket_range} by {@code libppfarm_cpu.so}, which every linux-x86_64 build of
 * this module produces). The
 * engine's {@link org.ppfarm.prover.msm.CpuMsm} plans and parallelizes as with its Java kernel; only each task's
 * bucket accumulation and reduction runs here, about 3× faster (see {@link BucketKernel}).
 *
 * <p>Resident bases and fixed-base tables live in native memory ({@link #basesMemory}: a proving key reads its
 * points there and a table is built there, so neither is held twice; bases given on the heap are copied once),
 * freed when the engine drops them (an automatic arena: a concurrent MSM still holding one can never read freed
 * memory); an MSM's references, scalars and packed entries are copied per call (a few MB, ~1 ms for the withdraw
 * circuit) into malloc'd memory ({@link NativeScratch}: no shared arena, whose close would stop every thread) and
 * wiped and freed when the MSM ends. Calls are ordinary downcalls on native memory, so a running kernel never
 * holds other Java threads at a safepoint.
 *
 * <p>Offered to the engine by {@link NativeCpuKernels}. Thread-safe.
 */
public final class NativeBucketKernel implements BucketKernel {
    private final NativeCpuLibrary library;
    private final MethodHandle bucketSum, bucketRange;

    public NativeBucketKernel(NativeCpuLibrary library) {
        this.library = library;
        this.bucketSum = library.bucketSum;
        this.bucketRange = library.bucketRange;
    }

    @Override public String name() { return "native"; }

    /**
     * From 1,024 buckets the native reduction runs its running sums batch-affine, two affine additions per bucket
     * sharing inversions across lanes (~7 multiplications each; cpu_buckets.hpp, AffineBuckets::affine_sum).
     */
    @Override public double reductionCost(int buckets) { return buckets >= AFFINE_SUM_MIN_BUCKETS ? 14.0 : 27.0; }

    /** cpu_buckets.hpp's affine_sum_lanes threshold. */
    static final int AFFINE_SUM_MIN_BUCKETS = 1024;

    /** The library the kernel runs in. */
    public NativeCpuLibrary library() { return library; }

    private static final class NativeResident implements Resident {
        final MemorySegment points;
        final long longs;

        NativeResident(MemorySegment p) {
            longs = p.byteSize() / 8;
            if (p.isNative()) {
                points = p;
            } else {
                points = Arena.ofAuto().allocate(JAVA_LONG, Math.max(1, longs));
                MemorySegment.copy(p, 0, points, 0, 8 * longs);
            }
        }

        /** Nothing to do: native memory is freed once unreachable. */
        @Override public void close() { }
    }

    private static final class NativeEntries implements Entries {
        final NativeScratch memory;
        final MemorySegment refs, scalars;

        NativeEntries(int[] r, long[] s, int size) {
            if (size < 0 || size > r.length || 4L * size > s.length) {
                throw new IllegalArgumentException("entries: size " + size + " exceeds the arrays given");
            }
            // one buffer: the scalars (32 bytes each), then the references (4 bytes each)
            memory = new NativeScratch(36L * size);
            scalars = memory.segment().asSlice(0, 32L * size);
            refs = memory.segment().asSlice(32L * size, 4L * size);
            MemorySegment.copy(r, 0, refs, JAVA_INT, 0, size);
            MemorySegment.copy(s, 0, scalars, JAVA_LONG, 0, 4 * size);
        }

        /** Wipes the copies (the scalars are witness values) and frees them. */
        @Override public void close() { memory.close(); }
    }

    private static final class NativePacked implements Packed {
        final NativeScratch memory;
        final MemorySegment entries;
        final long count;

        NativePacked(long[][] chunks, int[] sizes) {
            long n = 0;
            for (int q = 0; q < chunks.length; q++) n += sizes[q];
            count = n;
            memory = new NativeScratch(8 * n);
            entries = memory.segment();
            long at = 0;
            for (int q = 0; q < chunks.length; q++) {
                MemorySegment.copy(chunks[q], 0, entries, JAVA_LONG, at * 8, sizes[q]);
                at += sizes[q];
            }
        }

        /** Wipes the entries (witness-derived digits) and frees them. */
        @Override public void close() { memory.close(); }
    }

    /** Native memory from an automatic arena: freed once no key, table or running MSM refers to it. */
    @Override public MemorySegment basesMemory(long longs) { return Arena.ofAuto().allocate(JAVA_LONG, Math.max(1, longs)); }

    /** Native memory as it is (a key's points read there by its zkey reader), heap memory copied once. */
    @Override public Resident resident(MemorySegment points) { return new NativeResident(points); }

    @Override public Packed packed(long[][] chunks, int[] sizes) { return new NativePacked(chunks, sizes); }

    @Override
    public void rangeSum(boolean g2, Resident table, Packed entries, int lo, int hi, int hot, int bucketLog, long[] out,
                         int oi) {
        if (!(table instanceof NativeResident t) || !(entries instanceof NativePacked p)) {
            throw new IllegalArgumentException("table or entries were not made by the native kernel");
        }
        if (hi - lo > (1 << bucketLog)) throw new IllegalArgumentException("bucket range [" + lo + ", " + hi + ") over 2^" + bucketLog);
        invoke("ppc_bucket_range", g2, out, oi, (result, err) -> (int) bucketRange.invokeExact(g2 ? 2 : 1, t.points,
                t.longs, p.entries, p.count, lo, hi, hot, result, err, (long) NativeSymbols.ERR_LEN));
    }

    /** One downcall writing a Jacobian point, whose status is checked and result copied to out[oi]. */
    private interface Call {
        int invoke(MemorySegment result, MemorySegment err) throws Throwable;
    }

    private static void invoke(String function, boolean g2, long[] out, int oi, Call call) {
        int jl = g2 ? 24 : 12;
        if (oi < 0 || oi + jl > out.length) throw new IllegalArgumentException("output slot " + oi + " out of range");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = arena.allocate(JAVA_LONG, jl);
            MemorySegment err = arena.allocate(NativeSymbols.ERR_LEN);
            int rc;
            try {
                rc = call.invoke(result, err);
            } catch (Throwable t) {
                throw new NativeException(NativeException.Status.INTERNAL, function + ": downcall failed: " + t, t);
            }
            NativeCpuLibrary.check(function, rc, err);
            MemorySegment.copy(result, JAVA_LONG, 0, out, oi, jl);
        }
    }

    @Override public Entries entries(int[] refs, long[] scalars, int size) { return new NativeEntries(refs, scalars, size); }

    @Override
    public void bucketSum(boolean g2, Resident bases, Entries entries, int lo, int hi, int kLo, int kHi, int c,
                          int bucketLog, long tableStride, long[] out, int oi) {
        if (!(bases instanceof NativeResident b) || !(entries instanceof NativeEntries e)) {
            throw new IllegalArgumentException("bases or entries were not made by the native kernel");
        }
        invoke("ppc_bucket_sum", g2, out, oi, (result, err) -> (int) bucketSum.invokeExact(g2 ? 2 : 1, b.points,
                b.longs, e.refs, e.scalars, lo, hi, kLo, kHi, c, bucketLog, tableStride, result, err,
                (long) NativeSymbols.ERR_LEN));
    }
}
