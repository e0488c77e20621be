package org.ppfarm.gpukernels;

import org.ppfarm.cpukernels.NativeException;

/**
 * A failure reported by the GPU kernels library (or by loading it). The message is the library's own one-line text
 * — for CUDA failures it carries CUDA's error string — prefixed with the C function that failed. The native side
 * never throws or aborts; every failure arrives here as a status code ({@link NativeException.Status}, the codes of
 * {@code ppfarm/status.h} that the CPU and GPU libraries share, so {@code GpuException.Status.BUDGET} etc. work).
 */
public final class GpuException extends NativeException {
    public GpuException(Status status, String message) {
        super(status, message);
    }

    public GpuException(Status status, String message, Throwable cause) {
        super(status, message, cause);
    }
}
