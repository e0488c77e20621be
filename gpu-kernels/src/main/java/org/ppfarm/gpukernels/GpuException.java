package org.ppfarm.gpukernels;

import org.ppfarm.prover.PpfarmException;

/**
 * A failure reported by the native kernels (or by loading them). The message is the library's own one-line text —
 * for CUDA failures it carries CUDA's error string — prefixed with the C function that failed. The native side
 * never throws or aborts; every failure arrives here as a status code.
 */
public final class GpuException extends PpfarmException {
    /** The C ABI's status codes (ppfarm_gpu.h), plus failures of finding or loading the library. */
    public enum Status {
        ARGUMENT(1), NO_DEVICE(2), BUDGET(3), CUDA(4), INTERNAL(5), BROKEN(6), HOST_MEMORY(7),
        /** The shared library is missing or could not be loaded. */
        LIBRARY(-1),
        /** The context or bases were already closed. */
        CLOSED(-2);

        final int code;

        Status(int code) { this.code = code; }

        static Status of(int code) {
            for (Status s : values()) if (s.code == code) return s;
            return INTERNAL;
        }
    }

    private final Status status;

    public GpuException(Status status, String message) {
        super(message);
        this.status = status;
    }

    public GpuException(Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public Status status() { return status; }
}
