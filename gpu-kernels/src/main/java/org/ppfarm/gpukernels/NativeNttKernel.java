package org.ppfarm.gpukernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import org.ppfarm.prover.ntt.NttKernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The CPU NTT's loops compiled by g++ ({@code ppg_cpu_fr_*} in {@code native/src/cpu_api.cpp}, exported by the host
 * library). They are <em>critical</em> downcalls that read and write the Java arrays in place: the engine calls them
 * on ranges of at most a few thousand butterflies (well under a millisecond), so copying would cost more than the
 * arithmetic, and no other thread waits long at a safepoint. {@link org.ppfarm.prover.ntt.CpuNttBackend} checks
 * every index before calling. Thread-safe.
 */
public final class NativeNttKernel implements NttKernel {
    private final MethodHandle dit, dif, mul, mulSub;

    NativeNttKernel(NativeKernels library) {
        SymbolLookup lib = SymbolLookup.libraryLookup(library.path(), java.lang.foreign.Arena.global());
        Linker.Option critical = Linker.Option.critical(true);
        FunctionDescriptor butterflies = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT);
        dit = bind(lib, "ppg_cpu_fr_dit", butterflies, critical);
        dif = bind(lib, "ppg_cpu_fr_dif", butterflies, critical);
        mul = bind(lib, "ppg_cpu_fr_mul", butterflies, critical);
        mulSub = bind(lib, "ppg_cpu_fr_mul_sub", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT), critical);
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd, Linker.Option option) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new GpuException(GpuException.Status.LIBRARY,
                "the host library does not export " + name + " (stale library)"));
        return Linker.nativeLinker().downcallHandle(symbol, fd, option);
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
            if (rc != 0) throw new GpuException(GpuException.Status.INTERNAL, "ppg_cpu_fr_mul_sub returned " + rc);
        } catch (GpuException e) {
            throw e;
        } catch (Throwable t) {
            throw new GpuException(GpuException.Status.INTERNAL, "ppg_cpu_fr_mul_sub: downcall failed: " + t, t);
        }
    }

    private static void call(MethodHandle h, long[] a, long[] b, int arg, int from, int to) {
        try {
            int rc = (int) h.invokeExact(MemorySegment.ofArray(a), MemorySegment.ofArray(b), arg, from, to);
            if (rc != 0) throw new GpuException(GpuException.Status.INTERNAL, "CPU NTT kernel returned " + rc);
        } catch (GpuException e) {
            throw e;
        } catch (Throwable t) {
            throw new GpuException(GpuException.Status.INTERNAL, "CPU NTT kernel: downcall failed: " + t, t);
        }
    }
}
