package org.ppfarm.prover.bn254;

/**
 * The pairing's arithmetic behind a seam, as {@link org.ppfarm.prover.msm.BucketKernel} and
 * {@link org.ppfarm.prover.ntt.NttKernel} are the MSM's and the NTT's: {@link JavaPairingKernel} runs
 * {@link Pairing}, module cpu-kernels offers the same steps compiled by g++ (in Java the pairing is most of a
 * verification's ~3.5 ms, a tenth of a commitment proof's CPU; compiled it takes about a third as long). Every
 * implementation computes {@link Pairing}'s values limb for limb, prepared lines included, so a
 * {@link Pairing.G2Prepared} made by one serves any other.
 *
 * <p>Layouts are {@link Pairing}'s: Montgomery Fq, G1 affine 8 longs, G2 affine 16 longs, the point at infinity all
 * zeros, an Fq12 48 longs ({@link Fq12}). Curve and subgroup membership are the caller's to check. Implementations
 * are thread-safe; see {@link org.ppfarm.prover.CpuKernels} for the choice.
 */
public interface PairingKernel {
    /** "java" or "native". */
    String name();

    /** The Miller-loop lines of the affine G2 point at q[qi .. qi+16). */
    Pairing.G2Prepared prepare(long[] q, int qi);

    /**
     * The product of the Miller loops of the n = g2.length pairs (G1 point at g1[8k], g2[k]) into r[ri .. ri+48);
     * a pair with a point at infinity contributes 1.
     */
    void millerLoop(long[] g1, Pairing.G2Prepared[] g2, long[] r, int ri);

    /** f^((q^12 − 1)/r · 2x(6x^2 + 3x + 1)) into r[ri .. ri+48), f non-zero (see {@link Pairing}); r may be f. */
    void finalExponentiation(long[] f, int fi, long[] r, int ri);

    /** Π e(P_k, Q_k): {@link #millerLoop} then {@link #finalExponentiation}. */
    void multiPairing(long[] g1, Pairing.G2Prepared[] g2, long[] r, int ri);
}
