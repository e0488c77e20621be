package org.ppfarm.cpukernels;

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
 * A loaded ppfarm native library, whose symbols become FFM downcall handles, and the calling convention of its C ABI:
 * a function returns an int status and, when it can fail with a message, ends with {@code (char* err, size_t
 * err_len)} ({@link #withErr}, {@link #ERR_LEN}). Shared by {@link NativeCpuLibrary} and gpu-kernels' bindings.
 * Libraries stay loaded for the life of the JVM.
 */
public final class NativeSymbols {
    /** Size of the error buffer passed to every function that takes one. */
    public static final int ERR_LEN = 1024;

    private final Path path;
    private final SymbolLookup lookup;

    private NativeSymbols(Path path, SymbolLookup lookup) {
        this.path = path;
        this.lookup = lookup;
    }

    /** Loads the shared library at {@code path}; a missing or unloadable file is a {@link NativeException} (LIBRARY). */
    public static NativeSymbols load(Path path) {
        try {
            return new NativeSymbols(path, SymbolLookup.libraryLookup(path, Arena.global()));
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new NativeException(NativeException.Status.LIBRARY, "cannot load " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() { return path; }

    /** A downcall handle for {@code name}; a missing symbol means a stale or foreign library (LIBRARY). */
    public MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = lookup.find(name).orElseThrow(() -> new NativeException(NativeException.Status.LIBRARY,
                path + " does not export " + name + " (stale or foreign library)"));
        return Linker.nativeLinker().downcallHandle(symbol, fd, options);
    }

    /** {@code int f(args..., char* err, size_t err_len)}. */
    public static FunctionDescriptor withErr(MemoryLayout... args) {
        MemoryLayout[] all = new MemoryLayout[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = ADDRESS;
        all[args.length + 1] = JAVA_LONG;   // size_t
        return FunctionDescriptor.of(JAVA_INT, all);
    }
}
