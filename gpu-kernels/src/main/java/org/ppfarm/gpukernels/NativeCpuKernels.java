package org.ppfarm.gpukernels;

import org.ppfarm.prover.CpuKernels;

/**
 * The {@link CpuKernels.Provider} service of this module: the MSM bucket kernel and the NTT loops of the host
 * library ({@link NativeBucketKernel}, {@link NativeNttKernel}). {@link CpuKernels#selected()} takes them whenever
 * this module is on the class path and the library loads; otherwise the engine keeps its Java loops.
 */
public final class NativeCpuKernels implements CpuKernels.Provider {
    @Override
    public CpuKernels open() {
        if (!NativeLibraries.platformSupported()) {
            throw new GpuException(GpuException.Status.LIBRARY, "the native CPU kernels are built for linux-x86_64 only");
        }
        return of(NativeKernels.host());
    }

    /** Both kernels of {@code library} (a host or CUDA build: both export them). */
    public static CpuKernels of(NativeKernels library) {
        return new CpuKernels(new NativeBucketKernel(library), new NativeNttKernel(library));
    }
}
