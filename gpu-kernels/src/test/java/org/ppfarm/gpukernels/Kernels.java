package org.ppfarm.gpukernels;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel libraries the tests run against: always the host build; the CUDA build too when this machine has a
 * usable GPU — so the same assertions are the on-device acceptance checks wherever a device exists.
 */
final class Kernels {
    private static NativeKernels host;
    private static List<NativeKernels> all;

    private Kernels() { }

    static synchronized NativeKernels host() {
        if (host == null) host = NativeKernels.host();
        return host;
    }

    /** For {@code @MethodSource("org.ppfarm.gpukernels.Kernels#all")}. */
    static synchronized List<NativeKernels> all() {
        if (all == null) {
            List<NativeKernels> list = new ArrayList<>();
            list.add(host());
            if (GpuAvailability.probe().available()) {
                list.add(NativeKernels.load(GpuLibraries.require(GpuLibraries.CUDA)));
            }
            all = List.copyOf(list);
        }
        return all;
    }

    static KernelContext open(NativeKernels kernels) { return kernels.open(0, 1L << 30); }
}
