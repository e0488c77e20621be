package org.ppfarm.gpukernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

import org.ppfarm.prover.msm.MsmBackend.Group;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A native kernels context: one device, a few lanes (CUDA: one stream each), a memory bound, resident bases, cached
 * twiddle tables and staging buffers. Every allocation it makes is counted against the bound ({@link #memoryUsed()});
 * exceeding it is a {@link GpuException} with status BUDGET, not an out-of-memory crash. Closing it frees everything,
 * resident bases included.
 *
 * <p>Layouts are the engine's (see {@link org.ppfarm.prover.msm.MsmBackend}): Montgomery-form field elements of 4
 * little-endian limbs, G1/G2 affine points of 8/16 longs with infinity all zeros, MSM scalars in standard form.
 * NTT conventions are snarkjs's ({@code native/include/ppfarm/ntt.cuh}, the engine contract): transforms of
 * 2^log elements in natural order, {@code intt} includes 1/n, the coset is the odd powers of ω_{2n}.
 *
 * <p>Thread-safe: concurrent calls run at once, each on a lane of its own (a fifth waits for one), so the kernels and
 * copies of concurrent proofs overlap on the device; {@link #close} waits for calls in flight. MSM scalars from Java
 * arrays are written straight into staging buffers of page-locked host memory ({@code ppg_host_alloc}), which the
 * device copies from by DMA; the other calls' inputs are copied into native memory per call (see {@link NativeAbi}
 * for why calls are not critical).
 */
public final class KernelContext implements AutoCloseable {
    /** Element-wise field operations ({@code PPG_FOP_*}); declaration order is the C code. */
    public enum FieldOp { ADD, SUB, MUL, SQUARE, NEG, INVERSE, TO_MONTGOMERY, FROM_MONTGOMERY }

    /** Fields for {@link #fieldOp}; declaration order is the C code. FQ2 elements are 8 longs. */
    public enum KernelField {
        FR(4), FQ(4), FQ2(8);
        final int longs;
        KernelField(int longs) { this.longs = longs; }
    }

    /**
     * Element-wise curve operations on affine points ({@code PPG_COP_*}): ADD gives 2a + 2b (both operands doubled
     * first so the Jacobian formula sees Z ≠ 1), ADD_MIXED gives 2a + b (Jacobian plus affine), DOUBLE 2a, NEG -a,
     * SCALAR_MUL k·a with b holding 4-limb standard scalars, ON_CURVE writes limb 0 = 1 or 0.
     */
    public enum CurveOp { ADD, ADD_MIXED, DOUBLE, NEG, SCALAR_MUL, ON_CURVE }

    private final NativeAbi abi;
    private final NativeKernels.Kind kind;
    private final int device;
    private final MemorySegment handle;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;
    /**
     * Staging buffers kept between calls, smallest first: at most {@link #STAGING_KEPT} (one per native lane), so a
     * steady stream of proofs allocates no page-locked memory after its first calls. They count against the bound.
     */
    private final List<MemorySegment> staging = new ArrayList<>();
    private static final int STAGING_KEPT = 4;

    KernelContext(NativeAbi abi, NativeKernels.Kind kind, int device, MemorySegment handle) {
        this.abi = abi;
        this.kind = kind;
        this.device = device;
        this.handle = handle;
    }

    public NativeKernels.Kind kind() { return kind; }

    public int device() { return device; }

    /** Bytes allocated now by this context (resident bases, twiddle tables, the workspace of calls in flight). */
    public long memoryUsed() { return usage(0); }

    /** The bound given at creation. */
    public long memoryLimit() { return usage(1); }

    private long usage(int which) {
        return locked(arena -> {
            MemorySegment used = arena.allocate(JAVA_LONG), limit = arena.allocate(JAVA_LONG);
            NativeAbi.call("ppg_memory_usage", abi.memoryUsage, arena, handle, used, limit);
            return (which == 0 ? used : limit).get(JAVA_LONG, 0);
        });
    }

    /**
     * Uploads {@code count} affine points starting at long index {@code offset} (8 or 16 longs each) and keeps them
     * resident. The library rejects unreduced coordinates and points off the curve (naming the first bad index).
     */
    public ResidentBases upload(Group group, long[] points, int offset, int count) {
        checkRange("points", points, offset, (long) count * group.affineLongs);
        return upload(group, MemorySegment.ofArray(points), offset, count);
    }

    /**
     * As {@link #upload(Group, long[], int, int)} from a heap array's segment or native memory (a proving key's
     * points, {@link org.ppfarm.prover.groth16.ProvingKey}); native memory is handed to the library as it is.
     */
    public ResidentBases upload(Group group, MemorySegment points, long offset, int count) {
        long longs = (long) count * group.affineLongs;
        if (offset < 0 || offset + longs > points.byteSize() / 8) {
            throw new IllegalArgumentException("points: needs " + longs + " longs from index " + offset
                    + " but has length " + points.byteSize() / 8);
        }
        if (count <= 0) throw new IllegalArgumentException("count must be positive, got " + count);
        long handleValue = locked(arena -> {
            MemorySegment src = points.isNative() ? points.asSlice(8 * offset, 8 * longs)
                    : copyIn(arena, points.asSlice(8 * offset, 8 * longs));
            MemorySegment out = arena.allocate(JAVA_LONG);
            MethodHandle mh = group == Group.G1 ? abi.uploadG1 : abi.uploadG2;
            NativeAbi.call(group == Group.G1 ? "ppg_upload_g1" : "ppg_upload_g2", mh, arena, handle, src,
                    (long) count, out);
            return out.get(JAVA_LONG, 0);
        });
        return new ResidentBases(this, group, count, handleValue);
    }

    void free(ResidentBases bases) {
        lock.readLock().lock();
        try {
            if (closed) return;  // the context's destruction already released them
            try (Arena arena = Arena.ofConfined()) {
                NativeAbi.call("ppg_free_bases", abi.freeBases, arena, handle, bases.handle());
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * {@code vectors} MSMs over the first {@code n} resident bases: vector v's scalars are the n standard-form Fr
     * elements at {@code scalars[scalarOffset + 4*n*v ...]}; its affine result goes to
     * {@code out[outOffset + v*group.affineLongs ...]}. {@code windowBits} 0 lets the library choose (else 2..16).
     * One call shares the sort and reduction kernels among all vectors (batched proofs of one circuit).
     */
    public void msm(ResidentBases bases, long[] scalars, int scalarOffset, int n, int vectors, int windowBits,
                    long[] out, int outOffset) {
        if (bases.context() != this) throw new IllegalArgumentException("bases belong to another context");
        if (n <= 0 || vectors <= 0) throw new IllegalArgumentException("n and vectors must be positive");
        int pointLongs = bases.group().affineLongs;
        checkRange("scalars", scalars, scalarOffset, 4L * n * vectors);
        checkRange("out", out, outOffset, (long) pointLongs * vectors);
        int longs = Math.multiplyExact(4 * n, vectors);
        locked(arena -> {
            withScalars(arena, 8L * longs, s -> MemorySegment.copy(scalars, scalarOffset, s, JAVA_LONG, 0, longs), s -> {
                MemorySegment o = arena.allocate(JAVA_LONG, (long) pointLongs * vectors);
                msmSegments(arena, bases, s, n, vectors, windowBits, o);
                MemorySegment.copy(o, JAVA_LONG, 0, out, outOffset, pointLongs * vectors);
            });
            return null;
        });
    }

    /**
     * The MSMs of one set of scalar vectors over one or more resident base sets: {@code outs[j][v]} (affine) is the
     * MSM of the first n scalars of {@code scalars[v]} over the first n points of {@code bases.get(j)}. With several
     * base sets the scalars' signed digits and bucket sort are computed once for all of them (a proof's A, B1 and B2
     * share the witness: {@code ppg_msm_shared}). The scalars go from the arrays straight into a page-locked staging
     * buffer. {@code windowBits} 0 lets the library choose (else 2..16).
     */
    public void msm(List<ResidentBases> bases, long[][] scalars, int n, int windowBits, long[][][] outs) {
        if (bases.isEmpty() || outs.length != bases.size()) {
            throw new IllegalArgumentException(bases.size() + " base sets but " + outs.length + " output sets");
        }
        int vectors = scalars.length;
        if (n <= 0 || vectors <= 0) throw new IllegalArgumentException("n and vectors must be positive");
        long outLongs = 0;
        for (int j = 0; j < bases.size(); j++) {
            ResidentBases b = bases.get(j);
            if (b.context() != this) throw new IllegalArgumentException("bases belong to another context");
            if (outs[j].length != vectors) {
                throw new IllegalArgumentException(vectors + " scalar vectors but " + outs[j].length + " outputs for base set " + j);
            }
            for (int v = 0; v < vectors; v++) checkRange("outs[" + j + "][" + v + "]", outs[j][v], 0, b.group().affineLongs);
            outLongs += (long) vectors * b.group().affineLongs;
        }
        for (int v = 0; v < vectors; v++) checkRange("scalars[" + v + "]", scalars[v], 0, 4L * n);
        long bytes = Math.multiplyExact(32L * n, vectors), resultLongs = outLongs;
        locked(arena -> {
            withScalars(arena, bytes, s -> {
                for (int v = 0; v < vectors; v++) MemorySegment.copy(scalars[v], 0, s, JAVA_LONG, 32L * n * v, 4 * n);
            }, s -> {
                MemorySegment o = arena.allocate(JAVA_LONG, resultLongs);
                if (bases.size() == 1) {
                    msmSegments(arena, bases.getFirst(), s, n, vectors, windowBits, o);
                } else {
                    MemorySegment handles = arena.allocate(JAVA_LONG, bases.size());
                    for (int j = 0; j < bases.size(); j++) {
                        bases.get(j).checkOpen();
                        handles.setAtIndex(JAVA_LONG, j, bases.get(j).handle());
                    }
                    NativeAbi.call("ppg_msm_shared", abi.msmShared, arena, handle, handles, bases.size(), s, (long) n,
                            vectors, windowBits, o);
                }
                long at = 0;
                for (int j = 0; j < bases.size(); j++) {
                    int pointLongs = bases.get(j).group().affineLongs;
                    for (int v = 0; v < vectors; v++, at += pointLongs) MemorySegment.copy(o, JAVA_LONG, 8 * at, outs[j][v], 0, pointLongs);
                }
            });
            return null;
        });
    }

    /**
     * Runs {@code body} on {@code bytes} of scalars that {@code fill} wrote into a staging buffer: a kept one if one is
     * large enough, else a new one from the library, else (no room under the bound) ordinary memory of this call's
     * arena. Afterwards the bytes are zeroed (witness values are not kept past the call) and the buffer is kept, or
     * freed when the call failed (its memory is room for a retry). Called under the read lock.
     */
    private void withScalars(Arena arena, long bytes, Consumer<MemorySegment> fill, Consumer<MemorySegment> body) {
        MemorySegment staged = takeStaging(bytes);
        MemorySegment s = staged != null ? staged : arena.allocate(bytes, 8);
        boolean done = false;
        try {
            fill.accept(s);
            body.accept(s);
            done = true;
        } finally {
            s.asSlice(0, bytes).fill((byte) 0);
            if (staged != null) {
                if (done) keepStaging(staged); else freeStaging(staged);
            }
        }
    }

    private MemorySegment takeStaging(long bytes) {
        synchronized (staging) {
            for (int i = 0; i < staging.size(); i++) if (staging.get(i).byteSize() >= bytes) return staging.remove(i);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            NativeAbi.call("ppg_host_alloc", abi.hostAlloc, arena, handle, bytes, out, MemorySegment.NULL);
            return out.get(ADDRESS, 0).reinterpret(bytes);
        } catch (GpuException e) {
            if (e.status() == GpuException.Status.BUDGET) return null;
            throw e;
        }
    }

    private void keepStaging(MemorySegment buffer) {
        MemorySegment drop = null;
        synchronized (staging) {
            int at = 0;
            while (at < staging.size() && staging.get(at).byteSize() < buffer.byteSize()) at++;
            staging.add(at, buffer);
            if (staging.size() > STAGING_KEPT) drop = staging.removeFirst();
        }
        if (drop != null) freeStaging(drop);
    }

    private void freeStaging(MemorySegment buffer) {
        try (Arena arena = Arena.ofConfined()) {
            NativeAbi.call("ppg_host_free", abi.hostFree, arena, handle, buffer);
        }
    }

    /** {@link #msm} on native memory the caller owns (no copies): scalars vector-major, out affine points. */
    public void msm(ResidentBases bases, MemorySegment scalars, int n, int vectors, int windowBits, MemorySegment out) {
        if (bases.context() != this) throw new IllegalArgumentException("bases belong to another context");
        if (!scalars.isNative() || !out.isNative()) throw new IllegalArgumentException("segments must be native");
        if (scalars.byteSize() < 32L * n * vectors || out.byteSize() < 8L * bases.group().affineLongs * vectors) {
            throw new IllegalArgumentException("scalars or out segment too small for " + vectors + " x " + n);
        }
        locked(arena -> {
            msmSegments(arena, bases, scalars, n, vectors, windowBits, out);
            return null;
        });
    }

    private void msmSegments(Arena arena, ResidentBases bases, MemorySegment s, int n, int vectors, int windowBits,
                             MemorySegment o) {
        bases.checkOpen();
        boolean g1 = bases.group() == Group.G1;
        NativeAbi.call(g1 ? "ppg_msm_g1" : "ppg_msm_g2", g1 ? abi.msmG1 : abi.msmG2, arena, handle, bases.handle(),
                s, (long) n, vectors, windowBits, o);
    }

    /** In place: {@code count} consecutive vectors of 2^log elements, coefficients to evaluations. */
    public void ntt(long[] data, int log, int count) { transform("ppg_ntt", abi.ntt, data, log, count); }

    /** In place: evaluations to coefficients, including the 1/n factor. */
    public void intt(long[] data, int log, int count) { transform("ppg_intt", abi.intt, data, log, count); }

    /** In place: coefficient j times ω_{2n}^j, then the forward transform (evaluations on the odd coset). */
    public void cosetNtt(long[] data, int log, int count) { transform("ppg_coset_ntt", abi.cosetNtt, data, log, count); }

    /** In place: the inverse of {@link #cosetNtt}. */
    public void cosetIntt(long[] data, int log, int count) {
        transform("ppg_coset_intt", abi.cosetIntt, data, log, count);
    }

    private void transform(String name, MethodHandle mh, long[] data, int log, int count) {
        if (log < 0 || log > 27) throw new IllegalArgumentException("log must be in 0..27, got " + log);
        if (count <= 0) throw new IllegalArgumentException("count must be positive, got " + count);
        int longs = Math.multiplyExact(4 << log, count);
        checkRange("data", data, 0, longs);
        locked(arena -> {
            MemorySegment d = copyIn(arena, data, 0, longs);
            NativeAbi.call(name, mh, arena, handle, d, log, count);
            MemorySegment.copy(d, JAVA_LONG, 0, data, 0, longs);
            return null;
        });
    }

    /**
     * (a·b − c)·k element-wise on n Montgomery Fr elements ({@code k} null means 1); the result in standard form
     * when {@code standardOut} (ready as MSM scalars), else Montgomery.
     */
    public long[] hPointwise(long[] a, long[] b, long[] c, long[] k, int n, boolean standardOut) {
        int longs = Math.multiplyExact(4, n);
        checkRange("a", a, 0, longs);
        checkRange("b", b, 0, longs);
        checkRange("c", c, 0, longs);
        if (k != null) checkRange("k", k, 0, 4);
        return locked(arena -> {
            MemorySegment o = arena.allocate(JAVA_LONG, longs);
            NativeAbi.call("ppg_h_pointwise", abi.hPointwise, arena, handle, copyIn(arena, a, 0, longs),
                    copyIn(arena, b, 0, longs), copyIn(arena, c, 0, longs),
                    k == null ? MemorySegment.NULL : copyIn(arena, k, 0, 4), (long) n, standardOut ? 1 : 0, o);
            return o.toArray(JAVA_LONG);
        });
    }

    /**
     * snarkjs's H step in one call: a, b, c are evaluations on the size-2^log domain; each goes through the inverse
     * transform and the coset transform, then (A'·B' − C')·k as in {@link #hPointwise}. Inputs are not modified.
     */
    public long[] computeH(long[] a, long[] b, long[] c, int log, long[] k, boolean standardOut) {
        if (log < 0 || log > 27) throw new IllegalArgumentException("log must be in 0..27, got " + log);
        int longs = 4 << log;
        checkRange("a", a, 0, longs);
        checkRange("b", b, 0, longs);
        checkRange("c", c, 0, longs);
        if (k != null) checkRange("k", k, 0, 4);
        return locked(arena -> {
            MemorySegment o = arena.allocate(JAVA_LONG, longs);
            NativeAbi.call("ppg_compute_h", abi.computeH, arena, handle, copyIn(arena, a, 0, longs),
                    copyIn(arena, b, 0, longs), copyIn(arena, c, 0, longs), log,
                    k == null ? MemorySegment.NULL : copyIn(arena, k, 0, 4), standardOut ? 1 : 0, o);
            return o.toArray(JAVA_LONG);
        });
    }

    /** Element-wise field arithmetic where the kernels run (tests, diagnostics); b may be null for unary ops. */
    public long[] fieldOp(KernelField field, FieldOp op, long[] a, long[] b, int n) {
        return elementwise("ppg_field_op", abi.fieldOp, field.ordinal(), op.ordinal(), a, b, n, field.longs,
                field.longs, field.longs);
    }

    /** Element-wise curve arithmetic on affine points where the kernels run (tests, diagnostics). */
    public long[] curveOp(Group group, CurveOp op, long[] a, long[] b, int n) {
        int p = group.affineLongs;
        return elementwise("ppg_curve_op", abi.curveOp, group == Group.G1 ? 1 : 2, op.ordinal(), a, b, n, p,
                op == CurveOp.SCALAR_MUL ? 4 : p, p);
    }

    private long[] elementwise(String name, MethodHandle mh, int selector, int op, long[] a, long[] b, int n,
                               int aLongs, int bLongs, int outLongs) {
        checkRange("a", a, 0, (long) aLongs * n);
        if (b != null) checkRange("b", b, 0, (long) bLongs * n);
        return locked(arena -> {
            MemorySegment o = arena.allocate(JAVA_LONG, Math.max(1L, (long) outLongs * n));
            NativeAbi.call(name, mh, arena, handle, selector, op, copyIn(arena, a, 0, aLongs * n),
                    b == null ? MemorySegment.NULL : copyIn(arena, b, 0, bLongs * n), o, (long) n);
            return o.asSlice(0, 8L * outLongs * n).toArray(JAVA_LONG);
        });
    }

    /** Destroys the native context: every resident base set and cached table is freed. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            synchronized (staging) {
                staging.clear();   // the context's destruction frees them
            }
            try (Arena arena = Arena.ofConfined()) {
                NativeAbi.call("ppg_context_destroy", abi.contextDestroy, arena, handle);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }

    private interface Call<T> { T run(Arena arena); }

    private <T> T locked(Call<T> call) {
        lock.readLock().lock();
        try {
            if (closed) throw new GpuException(GpuException.Status.CLOSED, "kernel context is closed");
            try (Arena arena = Arena.ofConfined()) {
                return call.run(arena);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private static MemorySegment copyIn(Arena arena, MemorySegment src) {
        MemorySegment seg = arena.allocate(JAVA_LONG, Math.max(1, src.byteSize() / 8));
        MemorySegment.copy(src, 0, seg, 0, src.byteSize());
        return seg;
    }

    private static MemorySegment copyIn(Arena arena, long[] src, int offset, int longs) {
        MemorySegment seg = arena.allocate(JAVA_LONG, Math.max(1, longs));
        MemorySegment.copy(src, offset, seg, JAVA_LONG, 0, longs);
        return seg;
    }

    private static void checkRange(String name, long[] array, int offset, long longs) {
        if (array == null) throw new IllegalArgumentException(name + " must not be null");
        if (offset < 0 || longs < 0 || offset + longs > array.length) {
            throw new IllegalArgumentException(name + ": needs " + longs + " longs from index " + offset
                    + " but has length " + array.length);
        }
    }
}
