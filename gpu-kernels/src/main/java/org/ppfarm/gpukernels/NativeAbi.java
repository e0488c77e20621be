package org.ppfarm.gpukernels;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import org.ppfarm.cpukernels.NativeException;
import org.ppfarm.cpukernels.NativeSymbols;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.ppfarm.cpukernels.NativeSymbols.withErr;

/**
 * Downcall handles for the C ABI in {@code native/include/ppfarm_gpu.h}, bound to one loaded library. Every
 * function but {@code ppg_library_info} ends with {@code (char* err, size_t err_len)}; {@link #check} turns a
 * non-zero status into a {@link GpuException} carrying that message.
 *
 * <p>Calls are ordinary (non-critical) downcalls on native memory: a GPU call can take tens of milliseconds, and a
 * critical call would hold every other Java thread at the next safepoint for that long.
 */
final class NativeAbi {
    static final int ERR_LEN = NativeSymbols.ERR_LEN;
    private static final MemoryLayout SIZE_T = JAVA_LONG;

    final Path path;
    final MethodHandle libraryInfo, deviceCount, deviceDescribe, contextCreate, contextDestroy, memoryUsage;
    final MethodHandle uploadG1, uploadG2, freeBases, msmG1, msmG2;
    final MethodHandle ntt, intt, cosetNtt, cosetIntt, hPointwise, computeH, fieldOp, curveOp;
    final MethodHandle msmShared, hostAlloc, hostFree;

    private NativeAbi(NativeSymbols lib) {
        this.path = lib.path();
        libraryInfo = lib.bind("ppg_library_info", FunctionDescriptor.of(JAVA_INT, ADDRESS, SIZE_T));
        deviceCount = lib.bind("ppg_device_count", withErr(ADDRESS));
        deviceDescribe = lib.bind("ppg_device_describe", withErr(JAVA_INT, ADDRESS, SIZE_T, ADDRESS));
        contextCreate = lib.bind("ppg_context_create", withErr(JAVA_INT, JAVA_LONG, ADDRESS));
        contextDestroy = lib.bind("ppg_context_destroy", withErr(ADDRESS));
        memoryUsage = lib.bind("ppg_memory_usage", withErr(ADDRESS, ADDRESS, ADDRESS));
        uploadG1 = lib.bind("ppg_upload_g1", withErr(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        uploadG2 = lib.bind("ppg_upload_g2", withErr(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        freeBases = lib.bind("ppg_free_bases", withErr(ADDRESS, JAVA_LONG));
        FunctionDescriptor msm = withErr(ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS);
        msmG1 = lib.bind("ppg_msm_g1", msm);
        msmG2 = lib.bind("ppg_msm_g2", msm);
        FunctionDescriptor transform = withErr(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT);
        ntt = lib.bind("ppg_ntt", transform);
        intt = lib.bind("ppg_intt", transform);
        cosetNtt = lib.bind("ppg_coset_ntt", transform);
        cosetIntt = lib.bind("ppg_coset_intt", transform);
        hPointwise = lib.bind("ppg_h_pointwise",
                withErr(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
        computeH = lib.bind("ppg_compute_h",
                withErr(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        FunctionDescriptor elementwise = withErr(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
        fieldOp = lib.bind("ppg_field_op", elementwise);
        curveOp = lib.bind("ppg_curve_op", elementwise);
        msmShared = lib.bind("ppg_msm_shared",
                withErr(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS));
        hostAlloc = lib.bind("ppg_host_alloc", withErr(ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        hostFree = lib.bind("ppg_host_free", withErr(ADDRESS, ADDRESS));
    }

    /** Loads the shared library at {@code path} for the life of the JVM and binds every entry point. */
    static NativeAbi load(Path path) {
        try {
            return new NativeAbi(NativeSymbols.load(path));
        } catch (GpuException e) {
            throw e;
        } catch (NativeException e) {   // the GPU API raises GpuException only (callers fall back to the CPU on it)
            throw new GpuException(e.status(), e.getMessage(), e);
        }
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
