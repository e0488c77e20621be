package org.ppfarm.cpukernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.ppfarm.cpukernels.NativeSymbols.withErr;

/**
 * {@code libppfarm_cpu.so} loaded, with downcall handles for its C ABI ({@code native/include/ppfarm_cpu.h}). The
 * bucket kernels end with {@code (char* err, size_t err_len)} and fail with a status ({@link #check}); the NTT loops
 * and the pairing's line preparation are <em>critical</em> downcalls that may take heap segments (see
 * {@link NativeNttKernel}, {@link NativePairingKernel}) and only return 0, as do the pairing's longer calls.
 *
 * <p>Thread-safe; the library stays loaded for the life of the JVM.
 */
public final class NativeCpuLibrary {
    public static final String FILE = "libppfarm_cpu.so";
    /** A directory holding {@value #FILE}, instead of the copy built into this module's jar. */
    public static final String DIR_PROPERTY = "ppfarm.cpu.libraryDir";

    private static final NativeLibraries LIBRARIES = new NativeLibraries(NativeCpuLibrary.class,
            "/org/ppfarm/cpukernels/native/", DIR_PROPERTY);

    private final Path path;
    final MethodHandle bucketSum, bucketRange;
    final MethodHandle frDit, frDif, frMul, frMulSub;
    final MethodHandle pairingSteps, g2Prepare, millerLoop, finalExponentiation, multiPairing, pairingConstants;

    private NativeCpuLibrary(NativeSymbols lib) {
        this.path = lib.path();
        bucketSum = lib.bind("ppc_bucket_sum", withErr(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
        bucketRange = lib.bind("ppc_bucket_range", withErr(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        Linker.Option heap = Linker.Option.critical(true);
        FunctionDescriptor loop = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT);
        frDit = lib.bind("ppc_fr_dit", loop, heap);
        frDif = lib.bind("ppc_fr_dif", loop, heap);
        frMul = lib.bind("ppc_fr_mul", loop, heap);
        frMulSub = lib.bind("ppc_fr_mul_sub", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
                JAVA_INT), heap);
        pairingSteps = lib.bind("ppc_pairing_steps", FunctionDescriptor.of(JAVA_INT));
        FunctionDescriptor two = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        FunctionDescriptor loops = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        g2Prepare = lib.bind("ppc_g2_prepare", two, heap);
        millerLoop = lib.bind("ppc_miller_loop", loops);
        finalExponentiation = lib.bind("ppc_final_exponentiation", two);
        multiPairing = lib.bind("ppc_multi_pairing", loops);
        pairingConstants = lib.bind("ppc_pairing_constants", FunctionDescriptor.of(JAVA_INT, ADDRESS), heap);
    }

    /** Loads the library at {@code path}; a missing or foreign file is a {@link NativeException} (LIBRARY). */
    public static NativeCpuLibrary load(Path path) {
        return new NativeCpuLibrary(NativeSymbols.load(path));
    }

    /** The library this module's build made (or the one in -D{@value #DIR_PROPERTY}). */
    public static NativeCpuLibrary bundled() {
        Path path = LIBRARIES.find(FILE).orElseThrow(() -> new NativeException(NativeException.Status.LIBRARY,
                FILE + " not found" + (NativeLibraries.platformSupported()
                        ? " on the class path or in -D" + DIR_PROPERTY : " (it is built for linux-x86_64 only)")));
        return load(path);
    }

    public Path path() { return path; }

    /** A non-zero status becomes a {@link NativeException} carrying the library's message. */
    static void check(String function, int rc, MemorySegment err) {
        if (rc != 0) throw new NativeException(NativeException.Status.of(rc), function + ": " + err.getString(0));
    }

    @Override
    public String toString() { return path.toString(); }
}
