package org.ppfarm.gpukernels;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the C ABI in {@code native/include/ppfarm_gpu.h}, bound to one loaded library. Every
 * function but {@code ppg_library_info} ends with {@code (char* err, size_t err_len)}; {@link #check} turns a
 * non-zero status into a {@link GpuException} carrying that message.
 *
 * <p>Calls are ordinary (non-critical) downcalls on native memory: a GPU call can take tens of milliseconds, and a
 * critical call would hold every other Java thread at the next safepoint for that long. The exceptions are the CPU
 * NTT's loops, short calls on the Java arrays themselves.
 */
final class NativeAbi {
    static final int ERR_LEN = 1024;
    private static final MemoryLayout SIZE_T = JAVA_LONG;

    final Path path;
    final MethodHandle libraryInfo, deviceCount, deviceDescribe, contextCreate, contextDestroy, memoryUsage;
    final MethodHandle uploadG1, uploadG2, freeBases, msmG1, msmG2;
    final MethodHandle ntt, intt, cosetNtt, cosetIntt, hPointwise, computeH, fieldOp, curveOp;
    final MethodHandle cpuBucketSum, cpuBucketRange;
    /** The CPU NTT's loops: critical downcalls that may take heap segments (see NativeNttKernel). */
    final MethodHandle cpuFrDit, cpuFrDif, cpuFrMul, cpuFrMulSub;

    private NativeAbi(Path path, SymbolLookup lib) {
        this.path = path;
        libraryInfo = bind(lib, "ppg_library_info", FunctionDescriptor.of(JAVA_INT, ADDRESS, SIZE_T));
        deviceCount = bind(lib, "ppg_device_count", withErr(ADDRESS));
        deviceDescribe = bind(lib, "ppg_device_describe", withErr(JAVA_INT, ADDRESS, SIZE_T, ADDRESS));
        contextCreate = bind(lib, "ppg_context_create", withErr(JAVA_INT, JAVA_LONG, ADDRESS));
        contextDestroy = bind(lib, "ppg_context_destroy", withErr(ADDRESS));
        memoryUsage = bind(lib, "ppg_memory_usage", withErr(ADDRESS, ADDRESS, ADDRESS));
        uploadG1 = bind(lib, "ppg_upload_g1", withErr(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        uploadG2 = bind(lib, "ppg_upload_g2", withErr(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        freeBases = bind(lib, "ppg_free_bases", withErr(ADDRESS, JAVA_LONG));
        FunctionDescriptor msm = withErr(ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS);
        msmG1 = bind(lib, "ppg_msm_g1", msm);
        msmG2 = bind(lib, "ppg_msm_g2", msm);
        FunctionDescriptor transform = withErr(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT);
        ntt = bind(lib, "ppg_ntt", transform);
        intt = bind(lib, "ppg_intt", transform);
        cosetNtt = bind(lib, "ppg_coset_ntt", transform);
        cosetIntt = bind(lib, "ppg_coset_intt", transform);
        hPointwise = bind(lib, "ppg_h_pointwise",
                withErr(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
        computeH = bind(lib, "ppg_compute_h",
                withErr(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        FunctionDescriptor elementwise = withErr(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
        fieldOp = bind(lib, "ppg_field_op", elementwise);
        curveOp = bind(lib, "ppg_curve_op", elementwise);
        cpuBucketSum = bind(lib, "ppg_cpu_bucket_sum", withErr(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
        Linker.Option heap = Linker.Option.critical(true);
        FunctionDescriptor loop = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT);
        cpuFrDit = bind(lib, "ppg_cpu_fr_dit", loop, heap);
        cpuFrDif = bind(lib, "ppg_cpu_fr_dif", loop, heap);
        cpuFrMul = bind(lib, "ppg_cpu_fr_mul", loop, heap);
        cpuFrMulSub = bind(lib, "ppg_cpu_fr_mul_sub", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
                JAVA_INT), heap);
        cpuBucketRange = bind(lib, "ppg_cpu_bucket_range", withErr(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** Loads the shared library at {@code path} for the life of the JVM and binds every entry point. */
    static NativeAbi load(Path path) {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new GpuException(GpuException.Status.LIBRARY, "cannot load " + path + ": " + e.getMessage(), e);
        }
        return new NativeAbi(path, lib);
    }

    private static FunctionDescriptor withErr(MemoryLayout... args) {
        MemoryLayout[] all = new MemoryLayout[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = ADDRESS;
        all[args.length + 1] = SIZE_T;
        return FunctionDescriptor.of(JAVA_INT, all);
    }

    private MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new GpuException(GpuException.Status.LIBRARY,
                path + " does not export " + name + " (stale or foreign library)"));
        return Linker.nativeLinker().downcallHandle(symbol, fd, options);
    }

    /** Invokes a handle whose last two parameters are the error buffer, which this method supplies. */
    static void call(String function, MethodHandle handle, Arena arena, Object... args) {
        MemorySegment err = arena.allocate(ERR_LEN);
        Object[] all = new Object[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = err;
        all[args.length + 1] = (long) ERR_LEN;
        int rc;
        try {
            rc = (int) handle.invokeWithArguments(all);
        } catch (Throwable t) {
            throw new GpuException(GpuException.Status.INTERNAL, function + ": downcall failed: " + t, t);
        }
        check(function, rc, err);
    }

    static void check(String function, int rc, MemorySegment err) {
        if (rc != 0) throw new GpuException(GpuException.Status.of(rc), function + ": " + err.getString(0));
    }
}
