package org.ppfarm.cpukernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Native memory for one MSM's entries, from the C library's malloc, zeroed and freed by {@link #close}. Not a shared
 * arena: closing one makes the JVM handshake with every thread (0.1 ms median, 1.1 ms mean at load average 10) while
 * the closing thread, the proof's, waits; a proof closed four (one per MSM). The MSM closes its entries only after
 * every task reading them has joined, so nothing reads freed memory; the bytes are witness-derived, hence zeroed
 * first.
 *
 * <p>One instance per buffer; {@link #close} is idempotent and thread-safe.
 */
final class NativeScratch implements AutoCloseable {
    private static final MethodHandle MALLOC, FREE;

    static {
        Linker linker = Linker.nativeLinker();
        MALLOC = linker.downcallHandle(linker.defaultLookup().find("malloc").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        FREE = linker.downcallHandle(linker.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
    }

    private final MemorySegment segment;
    private boolean closed;

    /** At least one byte; malloc's alignment (16) suits longs and ints. */
    NativeScratch(long bytes) {
        long size = Math.max(1, bytes);
        MemorySegment p;
        try {
            p = (MemorySegment) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw new NativeException(NativeException.Status.INTERNAL, "malloc: downcall failed: " + t, t);
        }
        if (p.equals(MemorySegment.NULL))
            throw new NativeException(NativeException.Status.HOST_MEMORY, "malloc of " + size + " bytes for MSM entries failed");
        segment = p.reinterpret(size);
    }

    MemorySegment segment() { return segment; }

    /** Zeroes the buffer and frees it. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        segment.fill((byte) 0);
        try {
            FREE.invokeExact(segment);
        } catch (Throwable t) {
            throw new NativeException(NativeException.Status.INTERNAL, "free: downcall failed: " + t, t);
        }
    }
}
