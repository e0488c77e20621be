package org.ppfarm.prover.msm;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Multi-scalar multiplication: the seam between the Groth16 prover and whatever computes
 * {@code sum_i s_i * P_i} (the CPU here, a GPU in module gpu-kernels). The prover never knows which.
 *
 * <p>Layouts (shared with the GPU kernels): bases are affine points in Montgomery form, G1 as 8 longs (x, y),
 * G2 as 16 longs (x.c0, x.c1, y.c0, y.c1), the point at infinity all zeros — exactly how a snarkjs .zkey stores
 * them. Scalars are standard-form (not Montgomery) Fr elements, 4 little-endian limbs each. Results are affine in
 * the same layout.
 *
 * <p>Implementations are thread-safe: one backend serves many concurrent proofs.
 */
public interface MsmBackend {
    enum Group {
        G1(8), G2(16);
        /** longs per affine point */
        public final int affineLongs;
        Group(int affineLongs) { this.affineLongs = affineLongs; }
    }

    /** Points kept ready for many MSMs (for a GPU: uploaded once and resident). Closing releases them. */
    interface Bases extends AutoCloseable {
        Group group();
        int count();
        @Override void close();
    }

    /** Short name for logs and results, e.g. "cpu" or "cuda:0". */
    String name();

    /**
     * Makes {@code count} affine points starting at long index {@code offset} of {@code points} (a heap array's
     * segment or native memory) available for {@link #msm}. The CPU backend keeps a reference to the memory (and
     * reads it in place when it is its kernel's kind, {@link BucketKernel#basesMemory}), so the caller must not
     * modify it afterwards.
     */
    Bases prepare(Group group, MemorySegment points, int offset, int count);

    /** {@link #prepare(Group, MemorySegment, int, int)} of a heap array. */
    default Bases prepare(Group group, long[] points, int offset, int count) {
        return prepare(group, MemorySegment.ofArray(points), offset, count);
    }

    /**
     * {@code out} (affine) = sum over i < bases.count() of scalars[4i..4i+3] * base_i.
     * {@code scalars} may be longer than needed; only the first {@code bases.count()} scalars are read.
     */
    void msm(Bases bases, long[] scalars, long[] out);

    /**
     * Does now whatever per-base-set precomputation this backend would otherwise do lazily or never — the CPU
     * backend's fixed-base tables ({@link CpuMsm}), which it builds when a base set is reused — so that a caller
     * that keeps {@code bases} resident for many MSMs (a farm worker, a benchmark) pays for it up front rather
     * than inside a later MSM. Blocks until done; idempotent. The default does nothing.
     *
     * @throws IllegalArgumentException if {@code bases} were not prepared by this backend
     */
    default void precompute(Bases bases) {}

    /**
     * {@code outs[i]} = the {@link #msm} of {@code scalars[i]}, for several scalar vectors over the same bases (a
     * batch of proofs of one circuit, {@code Groth16Prover.proveBatch}). A backend overrides it where serving the
     * vectors together pays (CPU: run at once on its pool; a GPU: one pass over resident bases); the results are
     * exactly the single MSMs'. The default runs them one after another.
     */
    default void msmBatch(Bases bases, long[][] scalars, long[][] outs) {
        for (int i = 0; i < scalars.length; i++) msm(bases, scalars[i], outs[i]);
    }

    /**
     * {@code outs[j][i]} = the {@link #msm} of {@code scalars[i]} over {@code bases.get(j)}: one set of scalar vectors
     * over several base sets (a proof's A, B1 and B2 share the witness, {@code Groth16Prover}). A backend overrides it
     * where the scalars' own work can be shared (a GPU: their digits and bucket sort, once for every base set); the
     * results are exactly the single MSMs'. The default runs {@link #msmBatch} per base set.
     */
    default void msmShared(List<Bases> bases, long[][] scalars, long[][][] outs) {
        for (int j = 0; j < bases.size(); j++) msmBatch(bases.get(j), scalars, outs[j]);
    }
}
