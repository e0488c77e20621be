package org.ppfarm.gpukernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One loaded kernels library: {@code libppfarm_gpu_cuda.so} (the CUDA kernels) or {@code libppfarm_gpu_host.so}
 * (the same kernel code compiled for the CPU, used by the tests and as a diagnostic). Both export the C ABI of
 * {@code native/include/ppfarm_gpu.h}; this class is the Java face of its device functions, and
 * {@link #open} makes a {@link KernelContext} for everything else.
 *
 * <p>Why the FFM API and not hand-written JNI: {@code java.lang.foreign} (final since Java 22) is the JDK's
 * supported way to call a C ABI — the successor of JNI for exactly this job. The C side stays a plain
 * {@code extern "C"} library (rapidsnark's status-code-and-error-buffer style) with no {@code jni.h} glue to
 * compile per JDK; argument marshalling is bounds-checked {@link MemorySegment}s with arena lifetimes instead of
 * pinned arrays; and a failure is a status code turned into {@link GpuException} here, never a JVM crash.
 *
 * <p>Thread-safe. Libraries stay loaded for the life of the JVM.
 */
public final class NativeKernels {
    /** Which implementation a library is, from its {@code ppg_library_info}. */
    public enum Kind { CUDA, HOST }

    /** A device as the library sees it. {@code totalMemory} is 0 for the host library. */
    public record Device(int index, String description, long totalMemory) { }

    private final NativeAbi abi;
    private final String info;
    private final Kind kind;

    private NativeKernels(NativeAbi abi) {
        this.abi = abi;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            int rc = (int) abi.libraryInfo.invoke(buf, 256L);
            if (rc != 0) throw new GpuException(GpuException.Status.LIBRARY, abi.path + ": ppg_library_info failed");
            info = buf.getString(0);
        } catch (GpuException e) {
            throw e;
        } catch (Throwable t) {
            throw new GpuException(GpuException.Status.LIBRARY, abi.path + ": ppg_library_info failed: " + t, t);
        }
        kind = info.startsWith("kind=cuda") ? Kind.CUDA : Kind.HOST;
    }

    /** Loads the library at {@code path}; a missing or foreign file is a {@link GpuException} (LIBRARY). */
    public static NativeKernels load(Path path) {
        return new NativeKernels(NativeAbi.load(path));
    }

    /** The host library built with this module (always present on linux-x86_64 builds). */
    public static NativeKernels host() {
        return load(GpuLibraries.require(GpuLibraries.HOST));
    }

    public Path path() { return abi.path; }

    NativeAbi abi() { return abi; }

    public Kind kind() { return kind; }

    /** The library's self-description, e.g. {@code kind=cuda;cuda_runtime=13000;archs=90-real+90-virtual;...}. */
    public String info() { return info; }

    /** Number of usable devices; no device or no driver is a {@link GpuException} with status NO_DEVICE. */
    public int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            NativeAbi.call("ppg_device_count", abi.deviceCount, arena, count);
            return count.get(JAVA_INT, 0);
        }
    }

    public Device device(int index) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(512);
            MemorySegment total = arena.allocate(JAVA_LONG);
            NativeAbi.call("ppg_device_describe", abi.deviceDescribe, arena, index, buf, 512L, total);
            return new Device(index, buf.getString(0), total.get(JAVA_LONG, 0));
        }
    }

    /** A context on {@code device} whose allocations never exceed {@code memoryLimit} bytes. */
    public KernelContext open(int device, long memoryLimit) {
        if (memoryLimit <= 0) throw new IllegalArgumentException("memoryLimit must be positive, got " + memoryLimit);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            NativeAbi.call("ppg_context_create", abi.contextCreate, arena, device, memoryLimit, out);
            MemorySegment ctx = out.get(ADDRESS, 0);
            return new KernelContext(abi, kind, device, ctx);
        }
    }

    @Override
    public String toString() { return path() + " (" + info + ")"; }
}
