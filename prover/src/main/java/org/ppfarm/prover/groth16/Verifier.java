package org.ppfarm.prover.groth16;

import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.bn254.Fq12;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.Pairing;
import org.ppfarm.prover.bn254.PairingKernel;

/**
 * The Groth16 check e(A, B) = e(α, β) · e(L, γ) · e(C, δ), with L = IC[0] + Σ s_i IC[i] over the public signals
 * s_1..s_n, evaluated as FE(ML(A, B) · ML(L, −γ) · ML(C, −δ)) = e(α, β): three Miller loops sharing one squaring
 * chain, one final exponentiation (the same equation snarkjs's {@code groth16 verify} and the Solidity verifier
 * check). The pairing runs on the selected {@link CpuKernels#pairing() kernel}: compiled by g++ where module
 * cpu-kernels loads, else {@link Pairing} in Java; the verdict is the same.
 *
 * <p>Inputs that do not fit the key are errors ({@link VerificationException}): a wrong number of public signals.
 * Signals ≥ r and proof points off the curve or outside G2 cannot reach here — {@link PublicSignals} and
 * {@link Proof} refuse them on construction. A well-formed proof that fails the equation is just {@code false}.
 *
 * <p>Thread-safe: each call uses its own scratch space.
 */
public final class Verifier {
    private Verifier() {}

    public static boolean verify(VerificationKey vk, PublicSignals publicSignals, Proof proof) {
        return verify(PreparedVerifyingKey.of(vk), publicSignals, proof);
    }

    public static boolean verify(PreparedVerifyingKey pvk, PublicSignals publicSignals, Proof proof) {
        return verify(pvk, publicSignals, proof, CpuKernels.selected().pairing());
    }

    /** The check on the given pairing kernel (any kernel's lines serve any other, so pvk may come from either). */
    public static boolean verify(PreparedVerifyingKey pvk, PublicSignals publicSignals, Proof proof, PairingKernel pairing) {
        if (publicSignals.size() != pvk.nPublic)
            throw new VerificationException("public signals", "the verification key expects " + pvk.nPublic
                    + " (nPublic), got " + publicSignals.size());
        G1 g1 = new G1();
        long[] points = new long[3 * G1.AFFINE];
        System.arraycopy(proof.aRef(), 0, points, 0, G1.AFFINE);
        publicInputCommitment(g1, pvk.ic, publicSignals.ref(), pvk.nPublic, points, G1.AFFINE);
        System.arraycopy(proof.cRef(), 0, points, 2 * G1.AFFINE, G1.AFFINE);
        Pairing.G2Prepared[] g2 = {pairing.prepare(proof.bRef(), 0), pvk.negGamma, pvk.negDelta};
        long[] f = new long[Fq12.LIMBS];
        pairing.multiPairing(points, g2, f, 0);
        return Fq12.equal(f, 0, pvk.alphaBeta, 0);
    }

    /**
     * L = IC[0] + Σ s_i IC[i] (affine, into r[ri]) by interleaved double-and-add over all signals at once: one
     * shared doubling chain of at most 254 steps, one mixed addition per set bit.
     */
    static void publicInputCommitment(G1 g1, long[] ic, long[] s, int n, long[] r, int ri) {
        int bits = 0;
        for (int i = 0; i < n; i++)
            for (int l = 3; l >= 0; l--)
                if (s[4 * i + l] != 0) { bits = Math.max(bits, 64 * l + 64 - Long.numberOfLeadingZeros(s[4 * i + l])); break; }
        long[] acc = new long[G1.JACOBIAN];
        g1.setInfinity(acc, 0);
        for (int b = bits - 1; b >= 0; b--) {
            g1.dbl(acc, 0, acc, 0);
            for (int i = 0; i < n; i++)
                if (((s[4 * i + (b >>> 6)] >>> (b & 63)) & 1) != 0) g1.addMixed(acc, 0, ic, 8 * (i + 1), acc, 0);
        }
        g1.addMixed(acc, 0, ic, 0, acc, 0);
        g1.toAffine(acc, 0, r, ri);
    }
}
