package org.ppfarm.gpukernels;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.ppfarm.prover.ByteSizes;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.prover.ntt.NttBackend;

/**
 * The engine's MSM and NTT seams on the native kernels: proving-key points are uploaded once per circuit
 * ({@link #prepare}) and stay resident; each MSM sends only scalars, written straight into page-locked staging
 * memory; a batch of scalar vectors is one native call, and so are the MSMs of one batch over several base sets
 * ({@link #msmShared}: a proof's A, B1 and B2), which share the scalars' digits and sort; the whole H step
 * ({@link #quotientOnOddCoset}) runs where the kernels run.
 *
 * <p>{@link #open()} uses the CUDA library and device 0 and fails with a {@link GpuException} (the reason from
 * {@link GpuAvailability}) when there is none; callers fall back to the CPU backend. {@link #on} accepts any
 * {@link NativeKernels}, including the host build of the same kernels, which is how the tests drive this class
 * where no GPU exists.
 *
 * <p>Thread-safe: one instance serves concurrent proofs, which overlap on the device (one stream per native lane).
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
        msmBatch(bases, new long[][] {scalars}, new long[][] {out});
    }

    @Override
    public void msmBatch(Bases bases, long[][] scalars, long[][] outs) {
        msmShared(List.of(bases), scalars, new long[][][] {outs});
    }

    /**
     * One native call for every base set when they all hold the same number of points (a proof's A, B1 and B2 hold
     * nVars each): the scalars' digits and bucket sort are computed once. Base sets of different sizes go one by one.
     */
    @Override
    public void msmShared(List<Bases> bases, long[][] scalars, long[][][] outs) {
        if (bases.size() != outs.length) throw new IllegalArgumentException(bases.size() + " base sets but " + outs.length + " output sets");
        List<ResidentBases> resident = new ArrayList<>(bases.size());
        for (Bases b : bases) resident.add(resident(b));
        if (resident.isEmpty() || scalars.length == 0) return;
        int n = resident.getFirst().count();
        if (resident.stream().anyMatch(b -> b.count() != n)) {
            MsmBackend.super.msmShared(bases, scalars, outs);
            return;
        }
        for (int j = 0; j < outs.length; j++) {
            if (scalars.length != outs[j].length) {
                throw new IllegalArgumentException(scalars.length + " scalar vectors but " + outs[j].length + " outputs");
            }
        }
        for (int v = 0; v < scalars.length; v++) checkScalars(scalars[v], n, v);
        context.msm(resident, scalars, n, 0, outs);
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
