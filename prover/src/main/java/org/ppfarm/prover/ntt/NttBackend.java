package org.ppfarm.prover.ntt;

/**
 * Number-theoretic transforms over BN254 Fr and the pointwise steps of Groth16's quotient polynomial, behind
 * one seam so a GPU backend can keep the whole H computation on the device.
 *
 * <p>Domain conventions are snarkjs's: for a domain of size n = 2^k, ω_n is the 2^k-th root of unity obtained
 * from Fr's 2^28-th root 19103219067921713944291392827692070036145651957329286315305642004821462161904 by
 * squaring 28-k times; vectors are in natural order; {@code intt} includes the 1/n factor. The "odd coset" is
 * {ω_{2n}^(2i+1)}: evaluations there are the transform of coefficients c_i·ω_{2n}^i.
 *
 * <p>Elements are Montgomery-form Fr, 4 limbs each. Implementations are thread-safe.
 */
public interface NttBackend {
    String name();

    /** In place: coefficients → evaluations on the subgroup of size 2^log. */
    void ntt(long[] a, int log);

    /** In place: evaluations → coefficients (includes the 1/n factor). */
    void intt(long[] a, int log);

    /**
     * Groth16's H evaluations: given A, B, C evaluated on the size-2^log domain (Montgomery Fr, each 4·2^log longs,
     * overwritten), returns A·B − C evaluated on the odd coset, i.e. for i in [0, n):
     * (Â·B̂ − Ĉ)(ω_{2n}^(2i+1)) where Â = intt(A) etc. The division by Z (constant −2 there) is folded into the
     * proving key's H points by snarkjs, so no division happens here.
     */
    long[] quotientOnOddCoset(long[] a, long[] b, long[] c, int log);
}
