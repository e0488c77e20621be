package org.ppfarm.gpukernels;

import java.lang.foreign.MemorySegment;
import org.ppfarm.prover.ByteSizes;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.prover.ntt.NttBackend;

/**
 * The engine's MSM and NTT seams on the native kernels: proving-key points are uploaded once per circuit
 * ({@link #prepare}) and stay resident; each MSM sends only scalars; a batch of scalar vectors is one native call;
 * the whole H step ({@link #quotientOnOddCoset}) runs where the kernels run.
 *
 * <p>{@link #open()} uses the CUDA library and device 0 and fails with a {@link GpuException} (the reason from
 * {@link GpuAvailability}) when there is none; callers fall back to the CPU backend. {@link #on} accepts any
 * {@link NativeKernels}, including the host build of the same kernels, which is how the tests drive this class
 * where no GPU exists.
 *
 * <p>Thread-safe: one instance serves concurrent proofs (the library serialises them on its stream).
 */
public final class GpuBackend implements MsmBackend, NttBackend, AutoCloseable {
    /** Bound on device memory in bytes (suffixes k, m, g accepted); default 90% of the device's memory. */
    public static final String MEMORY_LIMIT_PROPERTY = "ppfarm.gpu.memoryLimit";
    private static final long HOST_DEFAULT_LIMIT = 4L << 30;

    private final KernelContext context;
    private final String name;

    private GpuBackend(KernelContext context, String name) {
        this.context = context;
        this.name = name;
    }

    /**
     * The CUDA kernels on device 0 bounded by {@value #MEMORY_LIMIT_PROPERTY} (the command-line tools' setting), or a
     * {@link GpuException} saying why not.
     */
    public static GpuBackend open() { return open(memoryLimitFromProperty()); }

    /**
     * The CUDA kernels on device 0 using at most {@code memoryLimit} bytes of it (0: 90% of the device), or a
     * {@link GpuException} saying why not.
     */
    public static GpuBackend open(long memoryLimit) {
        GpuAvailability availability = GpuAvailability.probe();
        if (!availability.available()) {
            throw new GpuException(GpuException.Status.NO_DEVICE, "GPU backend unavailable: " + availability.reason());
        }
        return on(NativeKernels.load(GpuLibraries.require(GpuLibraries.CUDA)), 0, memoryLimit);
    }

    /**
     * A backend on {@code device} of the given library with the given memory bound (0: the default — 90% of the
     * device's memory, or 4 GiB for the host library).
     */
    public static GpuBackend on(NativeKernels kernels, int device, long memoryLimit) {
        long limit = memoryLimit;
        if (limit <= 0) {
            long total = kernels.device(device).totalMemory();
            limit = total > 0 ? total / 10 * 9 : HOST_DEFAULT_LIMIT;
        }
        String name = (kernels.kind() == NativeKernels.Kind.CUDA ? "cuda:" : "host-kernels:") + device;
        return new GpuBackend(kernels.open(device, limit), name);
    }

    /** {@value #MEMORY_LIMIT_PROPERTY} as bytes; 0 (the default bound) when it is not set. */
    static long memoryLimitFromProperty() {
        String v = System.getProperty(MEMORY_LIMIT_PROPERTY);
        return v == null || v.isBlank() ? 0 : ByteSizes.parse("-D" + MEMORY_LIMIT_PROPERTY, v);
    }

    /** The native context (memory accounting, the other kernels). */
    public KernelContext context() { return context; }

    @Override
    public String name() { return name; }

    // ---- MsmBackend ----

    @Override
    public Bases prepare(Group group, MemorySegment points, int offset, int count) {
        return context.upload(group, points, offset, count);
    }

    @Override
    public void msm(Bases bases, long[] scalars, long[] out) {
        ResidentBases rb = resident(bases);
        checkScalars(scalars, rb.count(), 0);
        context.msm(rb, scalars, 0, rb.count(), 1, 0, out, 0);
    }

    @Override
    public void msmBatch(Bases bases, long[][] scalars, long[][] outs) {
        ResidentBases rb = resident(bases);
        if (scalars.length != outs.length) {
            throw new IllegalArgumentException(scalars.length + " scalar vectors but " + outs.length + " outputs");
        }
        if (scalars.length == 0) return;
        int n = rb.count(), vectors = scalars.length, pointLongs = rb.group().affineLongs;
        long[] packed = new long[Math.multiplyExact(Math.multiplyExact(4, n), vectors)];
        for (int v = 0; v < vectors; v++) {
            checkScalars(scalars[v], n, v);
            System.arraycopy(scalars[v], 0, packed, 4 * n * v, 4 * n);
        }
        long[] results = new long[pointLongs * vectors];
        context.msm(rb, packed, 0, n, vectors, 0, results, 0);
        for (int v = 0; v < vectors; v++) System.arraycopy(results, v * pointLongs, outs[v], 0, pointLongs);
    }

    private ResidentBases resident(Bases bases) {
        if (!(bases instanceof ResidentBases rb) || rb.context() != context) {
            throw new IllegalArgumentException("bases were not prepared by this backend (" + name + ")");
        }
        return rb;
    }

    private static void checkScalars(long[] scalars, int n, int vector) {
        if (scalars.length < 4L * n) {
            throw new IllegalArgumentException("scalar vector " + vector + " has " + scalars.length / 4
                    + " elements, the bases " + n);
        }
    }

    // ---- NttBackend ----

    @Override
    public void ntt(long[] a, int log) { context.ntt(a, log, 1); }

    @Override
    public void intt(long[] a, int log) { context.intt(a, log, 1); }

    @Override
    public long[] quotientOnOddCoset(long[] a, long[] b, long[] c, int log) {
        return context.computeH(a, b, c, log, null, false);
    }

    /** Frees the device context and everything resident in it. */
    @Override
    public void close() { context.close(); }

    @Override
    public String toString() { return "GpuBackend[" + name + "]"; }
}
