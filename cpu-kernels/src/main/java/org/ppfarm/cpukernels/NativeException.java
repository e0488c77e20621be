package org.ppfarm.cpukernels;

import org.ppfarm.prover.PpfarmException;

/**
 * A failure reported by ppfarm's native libraries (or by finding and loading them). The message is the library's
 * own one-line text, prefixed with the C function that failed; the native side never throws or aborts, every
 * failure arrives here as a status code. The codes are those of {@code native/include/ppfarm/status.h}, which the
 * CPU library and gpu-kernels' libraries share; gpu-kernels' {@code GpuException} is this type for its calls.
 */
public class NativeException extends PpfarmException {
    /** The C ABI's status codes (ppfarm/status.h), plus failures of finding or loading the library. */
    public enum Status {
        ARGUMENT(1), NO_DEVICE(2), BUDGET(3), CUDA(4), INTERNAL(5), BROKEN(6), HOST_MEMORY(7),
        /** The shared library is missing or could not be loaded. */
        LIBRARY(-1),
        /** The context or bases were already closed. */
        CLOSED(-2);

        final int code;

        Status(int code) { this.code = code; }

        /** The status a native function returned; an unknown code is INTERNAL. */
        public static Status of(int code) {
            for (Status s : values()) if (s.code == code) return s;
            return INTERNAL;
        }
    }

    private final Status status;

    public NativeException(Status status, String message) {
        super(message);
        this.status = status;
    }

    public NativeException(Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public Status status() { return status; }
}
