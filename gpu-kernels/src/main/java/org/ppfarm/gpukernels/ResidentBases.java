package org.ppfarm.gpukernels;

import org.ppfarm.prover.msm.MsmBackend;

/**
 * Affine points uploaded once to a {@link KernelContext} and kept there for many MSMs (a circuit's proving-key
 * sections). Their memory counts against the context's bound until {@link #close}; closing the context frees them
 * too. Thread-safe.
 */
public final class ResidentBases implements MsmBackend.Bases {
    private final KernelContext context;
    private final MsmBackend.Group group;
    private final int count;
    private final long handle;
    private boolean closed;

    ResidentBases(KernelContext context, MsmBackend.Group group, int count, long handle) {
        this.context = context;
        this.group = group;
        this.count = count;
        this.handle = handle;
    }

    @Override public MsmBackend.Group group() { return group; }

    @Override public int count() { return count; }

    KernelContext context() { return context; }

    long handle() { return handle; }

    synchronized void checkOpen() {
        if (closed) throw new GpuException(GpuException.Status.CLOSED, "resident bases were closed");
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        context.free(this);
    }

    @Override
    public String toString() { return count + " " + group + " bases (handle " + handle + ")"; }
}
