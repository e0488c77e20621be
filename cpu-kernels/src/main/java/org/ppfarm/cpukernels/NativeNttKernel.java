package org.ppfarm.cpukernels;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import org.ppfarm.prover.ntt.NttKernel;

/**
 * The CPU NTT's loops compiled by g++ ({@code ppc_fr_*} in {@code native/src/cpu_api.cpp}, exported by
 * {@code libppfarm_cpu.so}). They are <em>critical</em> downcalls that read and write the Java arrays in place: the engine calls them
 * on ranges of at most a few thousand butterflies (well under a millisecond), so copying would cost more than the
 * arithmetic, and no other thread waits long at a safepoint. {@link org.ppfarm.prover.ntt.CpuNttBackend} checks
 * every index before calling. Thread-safe.
 */
public final class NativeNttKernel implements NttKernel {
    private final MethodHandle dit, dif, mul, mulSub;

    NativeNttKernel(NativeCpuLibrary library) {
        dit = library.frDit;
        dif = library.frDif;
        mul = library.frMul;
        mulSub = library.frMulSub;
    }

    @Override public String name() { return "native"; }

    @Override
    public void dit(long[] a, long[] tw, int lm, int from, int to) {
        call(dit, a, tw, lm, from, to);
    }

    @Override
    public void dif(long[] a, long[] tw, int lm, int from, int to) {
        call(dif, a, tw, lm, from, to);
    }

    @Override
    public void mul(long[] a, long[] b, int from, int to) {
        call(mul, a, b, 4, from, to);
    }

    @Override
    public void scale(long[] a, long[] s, int from, int to) {
        call(mul, a, s, 0, from, to);
    }

    @Override
    public void mulSub(long[] a, long[] b, long[] c, int from, int to) {
        try {
            int rc = (int) mulSub.invokeExact(MemorySegment.ofArray(a), MemorySegment.ofArray(b), MemorySegment.ofArray(c), from, to);
            if (rc != 0) throw new NativeException(NativeException.Status.INTERNAL, "ppc_fr_mul_sub returned " + rc);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeException(NativeException.Status.INTERNAL, "ppc_fr_mul_sub: downcall failed: " + t, t);
        }
    }

    private static void call(MethodHandle h, long[] a, long[] b, int arg, int from, int to) {
        try {
            int rc = (int) h.invokeExact(MemorySegment.ofArray(a), MemorySegment.ofArray(b), arg, from, to);
            if (rc != 0) throw new NativeException(NativeException.Status.INTERNAL, "CPU NTT kernel returned " + rc);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeException(NativeException.Status.INTERNAL, "CPU NTT kernel: downcall failed: " + t, t);
        }
    }
}
