package org.ppfarm.gpukernels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.ppfarm.cpukernels.NativeLibraries;

/**
 * Whether the GPU backend can run here, and if not, why — for {@code ppfarm backend} and for the worker's choice
 * of backend. The checks, in order: the platform (linux-x86_64), whether the build compiled the CUDA library (it
 * does only where nvcc was on the PATH), whether the library loads, and whether CUDA sees a device (CUDA's own
 * message when not, e.g. "CUDA driver version is insufficient for CUDA runtime version").
 *
 * @param state    the outcome
 * @param reason   one line: why the GPU backend is unavailable, or what it runs on
 * @param library  the CUDA library and its self-description, when one was found
 * @param devices  the visible CUDA devices (empty unless AVAILABLE)
 */
public record GpuAvailability(State state, String reason, Optional<String> library,
                              List<NativeKernels.Device> devices) {

    public enum State {
        /** A CUDA library loaded and sees at least one device. */
        AVAILABLE,
        /** Not linux-x86_64: no native libraries exist for this platform. */
        UNSUPPORTED_PLATFORM,
        /** The build did not compile the CUDA library (no nvcc, or disabled). */
        NOT_BUILT,
        /** The build says it compiled the library, but it is not on the classpath or in the configured directory. */
        NO_LIBRARY,
        /** The library file exists but does not load or is not ours. */
        LOAD_FAILED,
        /** The library loads but CUDA reports no usable device or driver. */
        NO_DEVICE
    }

    public boolean available() { return state == State.AVAILABLE; }

    /** Probes this machine (cheap: loads the library once, asks CUDA for its devices). */
    public static GpuAvailability probe() {
        if (!NativeLibraries.platformSupported()) {
            return new GpuAvailability(State.UNSUPPORTED_PLATFORM, "native kernels are built for linux-x86_64 only, "
                    + "this JVM runs on " + System.getProperty("os.name") + "-" + System.getProperty("os.arch"),
                    Optional.empty(), List.of());
        }
        return probe(GpuLibraries.buildInfo(), GpuLibraries.find(GpuLibraries.CUDA));
    }

    /** The decision given what the build recorded and where (if anywhere) the CUDA library is. */
    static GpuAvailability probe(GpuLibraries.BuildInfo info, Optional<Path> cudaLibrary) {
        if (cudaLibrary.isEmpty()) {
            if (!info.cudaBuilt()) {
                return new GpuAvailability(State.NOT_BUILT, "the CUDA kernels were not built: " + info.cudaReason(),
                        Optional.empty(), List.of());
            }
            return new GpuAvailability(State.NO_LIBRARY, "the build compiled " + GpuLibraries.CUDA
                    + " but it is not on the classpath or in -D" + GpuLibraries.DIR_PROPERTY, Optional.empty(),
                    List.of());
        }
        NativeKernels kernels;
        try {
            kernels = NativeKernels.load(cudaLibrary.get());
        } catch (GpuException e) {
            return new GpuAvailability(State.LOAD_FAILED, e.getMessage(), Optional.of(cudaLibrary.get().toString()),
                    List.of());
        }
        String library = kernels.path() + " (" + kernels.info() + ")";
        if (kernels.kind() != NativeKernels.Kind.CUDA) {
            return new GpuAvailability(State.LOAD_FAILED, kernels.path() + " is not a CUDA build (" + kernels.info()
                    + ")", Optional.of(library), List.of());
        }
        try {
            int count = kernels.deviceCount();
            List<NativeKernels.Device> devices = new ArrayList<>();
            for (int i = 0; i < count; i++) devices.add(kernels.device(i));
            NativeKernels.Device first = devices.getFirst();
            return new GpuAvailability(State.AVAILABLE, count + " CUDA device(s); device 0: " + first.description(),
                    Optional.of(library), List.copyOf(devices));
        } catch (GpuException e) {
            return new GpuAvailability(State.NO_DEVICE, "no usable CUDA device: " + e.getMessage(),
                    Optional.of(library), List.of());
        }
    }

    /** The text {@code ppfarm backend} prints: the active backend, why, and what was found. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (available()) {
            sb.append("backend: gpu (cuda:0)\n").append("gpu: ").append(reason).append('\n');
        } else {
            sb.append("backend: cpu\n").append("gpu unavailable (").append(state.name().toLowerCase().replace('_', ' '))
                    .append("): ").append(reason).append('\n');
        }
        library.ifPresent(l -> sb.append("gpu library: ").append(l).append('\n'));
        for (NativeKernels.Device d : devices) sb.append("device ").append(d.index()).append(": ")
                .append(d.description()).append('\n');
        return sb.toString();
    }
}
