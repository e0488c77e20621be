package org.ppfarm.prover.groth16;

import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.bn254.Pairing;
import org.ppfarm.prover.bn254.PairingKernel;

/**
 * A verification key made ready for many checks (arkworks' PreparedVerifyingKey): e(α, β) computed once, and the
 * Miller-loop lines of −γ and −δ precomputed, so a verification is one Miller loop with fresh lines (for the
 * proof's B), two with stored lines, and one final exponentiation. The lines are computed on the selected pairing
 * kernel and serve any other (they are equal limb for limb). Immutable and thread-safe.
 */
public final class PreparedVerifyingKey {
    final VerificationKey vk;
    final int nPublic;
    final long[] ic;
    final long[] alphaBeta;
    final Pairing.G2Prepared negGamma, negDelta;

    private PreparedVerifyingKey(VerificationKey vk) {
        this.vk = vk;
        this.nPublic = vk.nPublic();
        this.ic = vk.ic();
        this.alphaBeta = vk.alphaBeta();
        PairingKernel pairing = CpuKernels.selected().pairing();
        G2 g2 = new G2();
        long[] neg = new long[G2.AFFINE];
        g2.negAffine(vk.gamma2(), 0, neg, 0);
        this.negGamma = pairing.prepare(neg, 0);
        g2.negAffine(vk.delta2(), 0, neg, 0);
        this.negDelta = pairing.prepare(neg, 0);
    }

    public static PreparedVerifyingKey of(VerificationKey vk) { return new PreparedVerifyingKey(vk); }

    public VerificationKey verificationKey() { return vk; }

    public int nPublic() { return nPublic; }
}
