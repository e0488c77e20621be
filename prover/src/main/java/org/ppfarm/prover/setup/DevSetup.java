package org.ppfarm.prover.setup;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.format.R1cs;
import org.ppfarm.prover.format.R1csFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.ntt.CpuNttBackend;

/**
 * A development Groth16 setup: <b>UNSAFE FOR PRODUCTION</b>. The toxic waste (τ, α, β, γ, δ) is drawn in this
 * process and the key is computed from it directly, so anyone who saw the process's memory can forge proofs for the
 * key. It exists so tests get valid keys for a circuit in seconds, where snarkjs's own dev ceremony spends minutes
 * preparing a powers of tau (power 14: about 15 minutes on the 2-core development machine). Production keys need a
 * public powers-of-tau and a phase-2 ceremony, as the 0xbow keys had.
 *
 * <p>The key has the shape {@code snarkjs groth16 setup} gives it from a ptau whose secret is τ (snarkjs
 * zkey_new.js), followed by one phase-2 contribution δ; only γ differs, random here where snarkjs leaves γ = 1,
 * which any Groth16 verifier accepts. So snarkjs's prover and ppfarm's prove with it alike. With L_i the Lagrange basis of the domain ⟨ω⟩ of size n (the prover's domain,
 * {@link CpuNttBackend#rootOfUnity}) and the r1cs extended, as snarkjs does, by rows nConstraints + s with A = 1 on
 * public signal s ≤ nPublic:
 * <pre>
 *   u_j = Σ_i A_ij L_i(τ)    v_j = Σ_i B_ij L_i(τ)    w_j = Σ_i C_ij L_i(τ)
 *   A_j = u_j·G1   B1_j = v_j·G1   B2_j = v_j·G2
 *   IC_j = (β u_j + α v_j + w_j)/γ · G1  (j ≤ nPublic)      C_j = (β u_j + α v_j + w_j)/δ · G1  (j > nPublic)
 *   H_i = L'_{2i+1}(τ)/δ · G1, L' the Lagrange basis of the 2n domain: the prover's odd-coset points ω_{2n}^{2i+1}
 * </pre>
 * The scalars cost O(n + terms) field operations; the points are fixed-base multiplications ({@link FixedBaseMul}).
 */
public final class DevSetup {
    private DevSetup() {}

    private static final Field FR = Field.FR;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Signals + domain from which {@link FixedBaseMul} uses 16-bit windows (building those tables costs ~2^20 additions per group). */
    static final int WIDE_WINDOWS_FROM = 1 << 18;

    /** The setup's secrets, each in [1, r): whoever knows them can forge proofs for the key. */
    public record Toxic(BigInteger tau, BigInteger alpha, BigInteger beta, BigInteger gamma, BigInteger delta) {
        public Toxic {
            BigInteger[] all = {tau, alpha, beta, gamma, delta};
            String[] names = {"tau", "alpha", "beta", "gamma", "delta"};
            for (int i = 0; i < all.length; i++) {
                if (all[i].signum() <= 0 || all[i].compareTo(FR.modulus()) >= 0)
                    throw new IllegalArgumentException("toxic waste " + names[i] + " must be in [1, r)");
            }
        }

        /** Fresh secrets from {@link SecureRandom}. */
        public static Toxic random() {
            BigInteger[] v = new BigInteger[5];
            for (int i = 0; i < v.length; i++) {
                do v[i] = new BigInteger(254, RANDOM); while (v[i].signum() == 0 || v[i].compareTo(FR.modulus()) >= 0);
            }
            return new Toxic(v[0], v[1], v[2], v[3], v[4]);
        }
    }

    /**
     * Reads a circuit's r1cs and writes its development zkey and verification_key.json (fresh random toxic waste,
     * dropped when this returns). Returns the key, ready to prove with.
     */
    public static ProvingKey write(Path r1cs, Path zkey, Path vkeyJson) {
        ProvingKey pk = keys(R1csFile.read(r1cs), zkey.toString(), Toxic.random());
        ZkeyFile.write(pk, zkey);
        pk.verificationKey().writeJson(vkeyJson);
        return pk;
    }

    /** The domain size snarkjs gives a circuit: the power of two holding its constraints and nPublic + 1 rows. */
    public static int domainLog(R1cs r1cs) {
        int rows = r1cs.nConstraints() + r1cs.nPublic() + 1;
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(rows - 1));
    }

    /** The proving key of {@code r1cs} for these secrets; {@code source} names it in messages. */
    public static ProvingKey keys(R1cs r1cs, String source, Toxic toxic) {
        final int nVars = r1cs.nWires(), nPublic = r1cs.nPublic(), nCons = r1cs.nConstraints(), log = domainLog(r1cs);
        if (log >= CpuNttBackend.MAX_LOG)
            throw new IllegalArgumentException(source + ": a 2^" + log + " domain has no odd coset in Fr (at most 2^" + (CpuNttBackend.MAX_LOG - 1) + ")");
        final int n = 1 << log, nC = nVars - nPublic - 1;
        long[] tau = FR.fromBigInteger(toxic.tau()), alpha = FR.fromBigInteger(toxic.alpha()), beta = FR.fromBigInteger(toxic.beta());
        long[] gammaInv = new long[4], deltaInv = new long[4];
        FR.inverse(FR.fromBigInteger(toxic.gamma()), 0, gammaInv, 0);
        FR.inverse(FR.fromBigInteger(toxic.delta()), 0, deltaInv, 0);

        // u, v, w at τ per signal; the extra rows put L_{nCons+s}(τ) into u_s
        long[] lagrange = lagrange(tau, log);
        long[] u = atTau(r1cs.a(), lagrange, nVars), v = atTau(r1cs.b(), lagrange, nVars), w = atTau(r1cs.c(), lagrange, nVars);
        for (int s = 0; s <= nPublic; s++) FR.add(u, 4 * s, lagrange, 4 * (nCons + s), u, 4 * s);

        // IC (over γ), then C followed by H (over δ), as the key stores C and H side by side
        long[] ic = new long[4 * (nPublic + 1)], ch = new long[4 * (nC + n)], t = new long[4];
        for (int j = 0; j < nVars; j++) {
            FR.mul(beta, 0, u, 4 * j, t, 0);
            long[] dst = j <= nPublic ? ic : ch;
            int at = j <= nPublic ? 4 * j : 4 * (j - nPublic - 1);
            FR.mul(alpha, 0, v, 4 * j, dst, at);
            FR.add(dst, at, t, 0, dst, at);
            FR.add(dst, at, w, 4 * j, dst, at);
            FR.mul(dst, at, j <= nPublic ? gammaInv : deltaInv, 0, dst, at);
        }
        long[] lagrange2n = lagrange(tau, log + 1);
        for (int i = 0; i < n; i++) FR.mul(lagrange2n, 4 * (2 * i + 1), deltaInv, 0, ch, 4 * (nC + i));

        // 16-bit windows halve the additions once there are enough products to pay for their larger tables
        int bits = nVars + n >= WIDE_WINDOWS_FROM ? 16 : 8;
        FixedBaseMul g1 = new FixedBaseMul(G1::local, G1.local().generator(), bits);
        FixedBaseMul g2 = new FixedBaseMul(G2::local, G2.local().generator(), bits);
        long[] header1 = g1.mul(standard(alpha, beta, FR.fromBigInteger(toxic.delta())), 3);
        long[] header2 = g2.mul(standard(beta, FR.fromBigInteger(toxic.gamma()), FR.fromBigInteger(toxic.delta())), 3);
        ProvingKey pk = new ProvingKey(source, nVars, nPublic, n,
                Arrays.copyOfRange(header1, 0, 8), Arrays.copyOfRange(header1, 8, 16),
                Arrays.copyOfRange(header2, 0, 16), Arrays.copyOfRange(header2, 16, 32),
                Arrays.copyOfRange(header1, 16, 24), Arrays.copyOfRange(header2, 32, 48),
                g1.mul(standard(ic), nPublic + 1), matrix(r1cs.a(), n, nCons, nPublic), matrix(r1cs.b(), n, nCons, -1),
                g1.mul(standard(u), nVars), g1.mul(standard(v), nVars), g2.mul(standard(v), nVars), g1.mul(standard(ch), nC + n));
        for (long[] secret : new long[][] {tau, alpha, beta, gammaInv, deltaInv, lagrange, lagrange2n, u, v, w, ic, ch, t})
            Arrays.fill(secret, 0L);
        return pk;
    }

    /** L_i(τ) = (τ^n − 1)/n · ω^i/(τ − ω^i) for i < n = 2^log, Montgomery form, with one batched inversion. */
    static long[] lagrange(long[] tau, int log) {
        int n = 1 << log;
        long[] omega = CpuNttBackend.rootOfUnity(log);
        long[] powers = new long[4 * n], den = new long[4 * n];
        FR.setOne(powers, 0);
        for (int i = 0; i < n; i++) {
            if (i > 0) FR.mul(powers, 4 * (i - 1), omega, 0, powers, 4 * i);
            FR.sub(tau, 0, powers, 4 * i, den, 4 * i);
            if (Field.isZero(den, 4 * i)) throw new IllegalArgumentException("tau is a 2^" + log + "-th root of unity; draw other toxic waste");
        }
        FR.batchInverse(den, 0, n, new long[4 * n]);
        long[] z = tau.clone(), nInv = new long[4];
        for (int i = 0; i < log; i++) FR.square(z, 0, z, 0);
        FR.sub(z, 0, FR.one(), 0, z, 0);
        FR.inverse(FR.fromBigInteger(BigInteger.valueOf(n)), 0, nInv, 0);
        FR.mul(z, 0, nInv, 0, z, 0);
        long[] out = new long[4 * n];
        for (int i = 0; i < n; i++) {
            FR.mul(powers, 4 * i, den, 4 * i, out, 4 * i);
            FR.mul(out, 4 * i, z, 0, out, 4 * i);
        }
        return out;
    }

    /** Σ_i M_ij L_i(τ) for every signal j. */
    private static long[] atTau(R1cs.Matrix m, long[] lagrange, int nVars) {
        long[] out = new long[4 * nVars], t = new long[4];
        for (int row = 0; row + 1 < m.rowStart().length; row++) {
            for (int k = m.rowStart()[row]; k < m.rowStart()[row + 1]; k++) {
                FR.mul(m.value(), 4 * k, lagrange, 4 * row, t, 0);
                FR.add(out, 4 * m.wire()[k], t, 0, out, 4 * m.wire()[k]);
            }
        }
        return out;
    }

    /**
     * An r1cs matrix as the key stores it: coefficients c·R² (the Montgomery form of the r1cs's c·R), rows padded
     * to the domain; with {@code nPublic ≥ 0} also snarkjs's rows nCons + s holding 1 on signal s ≤ nPublic.
     */
    private static ProvingKey.Matrix matrix(R1cs.Matrix m, int n, int nCons, int nPublic) {
        int entries = m.terms() + nPublic + 1;
        int[] rowStart = new int[n + 1], signal = new int[entries];
        long[] coef = new long[4 * entries];
        System.arraycopy(m.rowStart(), 0, rowStart, 0, nCons + 1);
        for (int k = 0; k < m.terms(); k++) {
            signal[k] = m.wire()[k];
            FR.toMontgomery(m.value(), 4 * k, coef, 4 * k);
        }
        long[] one = FR.one();
        for (int s = 0; s <= nPublic; s++) {
            int k = m.terms() + s;
            signal[k] = s;
            FR.toMontgomery(one, 0, coef, 4 * k);
            rowStart[nCons + s + 1] = k + 1;
        }
        for (int row = nCons + Math.max(0, nPublic + 1); row < n; row++) rowStart[row + 1] = rowStart[row];
        return new ProvingKey.Matrix(rowStart, signal, coef);
    }

    /** Montgomery-form elements as one array of standard-form scalars, the form the multiplications take. */
    private static long[] standard(long[]... montgomery) {
        int len = 0;
        for (long[] m : montgomery) len += m.length;
        long[] out = new long[len];
        int at = 0;
        for (long[] m : montgomery) {
            for (int i = 0; i < m.length; i += 4, at += 4) FR.fromMontgomery(m, i, out, at);
        }
        return out;
    }
}
