package org.ppfarm.cpukernels;

import org.ppfarm.prover.CpuKernels;

/**
 * The {@link CpuKernels.Provider} service of this module (registered in {@code META-INF/services}): the MSM bucket
 * kernel, the NTT loops and the pairing of {@code libppfarm_cpu.so} ({@link NativeBucketKernel},
 * {@link NativeNttKernel}, {@link NativePairingKernel}).
 * {@link CpuKernels#selected()} takes them whenever this module is on the class path and the library loads;
 * otherwise the engine keeps its Java loops.
 */
public final class NativeCpuKernels implements CpuKernels.Provider {
    @Override
    public CpuKernels open() {
        if (!NativeLibraries.platformSupported()) {
            throw new NativeException(NativeException.Status.LIBRARY, "the native CPU kernels are built for linux-x86_64 only");
        }
        return of(NativeCpuLibrary.bundled());
    }

    /** The three kernels of {@code library}. */
    public static CpuKernels of(NativeCpuLibrary library) {
        return new CpuKernels(new NativeBucketKernel(library), new NativeNttKernel(library), new NativePairingKernel(library));
    }
}
