package org.ppfarm.gpukernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import org.ppfarm.prover.msm.BucketKernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CPU MSM's bucket kernel compiled by g++ ({@code native/src/cpu_buckets.hpp}, exported as
 * {@code ppg_cpu_bucket_sum} by the host library, which every linux-x86_64 build of this module produces). The
 * engine's {@link org.ppfarm.prover.msm.CpuMsm} plans and parallelizes as with its Java kernel; only each task's
 * bucket accumulation and reduction runs here, about 3× faster (see {@link BucketKernel}).
 *
 * <p>Resident bases are copied once into native memory (released by {@link BucketKernel.Resident#close}); an MSM's
 * references and scalars are copied per call (a few MB, ~1 ms for the withdraw circuit). Calls are ordinary
 * downcalls on native memory, so a running kernel never holds other Java threads at a safepoint.
 *
 * <p>Offered to the engine by {@link NativeCpuKernels}. Thread-safe.
 */
public final class NativeBucketKernel implements BucketKernel {
    private final NativeKernels library;
    private final MethodHandle bucketSum;

    public NativeBucketKernel(NativeKernels library) {
        this.library = library;
        this.bucketSum = library.abi().cpuBucketSum;
    }

    @Override public String name() { return "native"; }

    /** The library the kernel runs in. */
    public NativeKernels library() { return library; }

    private static final class NativeResident implements Resident {
        final Arena arena = Arena.ofShared();
        final MemorySegment points;
        final long longs;

        NativeResident(long[] p) {
            longs = p.length;
            points = arena.allocate(JAVA_LONG, Math.max(1, p.length));
            MemorySegment.copy(p, 0, points, JAVA_LONG, 0, p.length);
        }

        @Override public void close() { arena.close(); }
    }

    private static final class NativeEntries implements Entries {
        final Arena arena = Arena.ofShared();
        final MemorySegment refs, scalars;

        NativeEntries(int[] r, long[] s, int size) {
            if (size < 0 || size > r.length || 4L * size > s.length) {
                throw new IllegalArgumentException("entries: size " + size + " exceeds the arrays given");
            }
            refs = arena.allocate(JAVA_INT, Math.max(1, size));
            scalars = arena.allocate(JAVA_LONG, Math.max(1, 4L * size));
            MemorySegment.copy(r, 0, refs, JAVA_INT, 0, size);
            MemorySegment.copy(s, 0, scalars, JAVA_LONG, 0, 4 * size);
        }

        @Override public void close() { arena.close(); }
    }

    @Override public Resident resident(long[] points) { return new NativeResident(points); }

    @Override public Entries entries(int[] refs, long[] scalars, int size) { return new NativeEntries(refs, scalars, size); }

    @Override
    public void bucketSum(boolean g2, Resident bases, Entries entries, int lo, int hi, int kLo, int kHi, int c,
                          int bucketLog, long tableStride, long[] out, int oi) {
        if (!(bases instanceof NativeResident b) || !(entries instanceof NativeEntries e)) {
            throw new IllegalArgumentException("bases or entries were not made by the native kernel");
        }
        int jl = g2 ? 24 : 12;
        if (oi < 0 || oi + jl > out.length) throw new IllegalArgumentException("output slot " + oi + " out of range");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment result = call.allocate(JAVA_LONG, jl);
            MemorySegment err = call.allocate(NativeAbi.ERR_LEN);
            int rc;
            try {
                rc = (int) bucketSum.invokeExact(g2 ? 2 : 1, b.points, b.longs, e.refs, e.scalars, lo, hi, kLo, kHi, c,
                        bucketLog, tableStride, result, err, (long) NativeAbi.ERR_LEN);
            } catch (Throwable t) {
                throw new GpuException(GpuException.Status.INTERNAL, "ppg_cpu_bucket_sum: downcall failed: " + t, t);
            }
            NativeAbi.check("ppg_cpu_bucket_sum", rc, err);
            MemorySegment.copy(result, JAVA_LONG, 0, out, oi, jl);
        }
    }
}
