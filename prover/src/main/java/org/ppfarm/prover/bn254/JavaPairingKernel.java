package org.ppfarm.prover.bn254;

/**
 * {@link PairingKernel} in Java: {@link Pairing} itself, one instance (its scratch space) per call. Always
 * available, the fallback when no native kernel loads.
 */
public final class JavaPairingKernel implements PairingKernel {
    public static final JavaPairingKernel INSTANCE = new JavaPairingKernel();

    private JavaPairingKernel() {}

    @Override public String name() { return "java"; }

    @Override
    public Pairing.G2Prepared prepare(long[] q, int qi) { return new Pairing().prepare(q, qi); }

    @Override
    public void millerLoop(long[] g1, Pairing.G2Prepared[] g2, long[] r, int ri) { new Pairing().millerLoop(g1, g2, r, ri); }

    @Override
    public void finalExponentiation(long[] f, int fi, long[] r, int ri) { new Pairing().finalExponentiation(f, fi, r, ri); }

    @Override
    public void multiPairing(long[] g1, Pairing.G2Prepared[] g2, long[] r, int ri) { new Pairing().multiPairing(g1, g2, r, ri); }
}
