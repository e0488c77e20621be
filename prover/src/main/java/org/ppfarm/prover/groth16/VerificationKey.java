package org.ppfarm.prover.groth16;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.bn254.Fq12;
import org.ppfarm.prover.bn254.Pairing;
import org.ppfarm.prover.bn254.PairingKernel;
import org.ppfarm.prover.format.FormatException;

/**
 * A Groth16 verification key on BN254: α ∈ G1, β, γ, δ ∈ G2, and IC[0..nPublic] ∈ G1 (the public-input
 * commitments), as affine points in Montgomery form (G1 8 longs, G2 16 longs, infinity all zeros).
 *
 * <p>Valid by construction: every coordinate is below q, every point on its curve, β, γ, δ in the G2 subgroup,
 * α, β, γ, δ not the point at infinity, and IC has nPublic + 1 points; otherwise {@link FormatException} naming
 * the field. Reads and writes snarkjs's {@code verification_key.json} ({@code snarkjs zkey export verificationkey}
 * byte for byte, including {@code vk_alphabeta_12} = e(α, β)). Immutable and thread-safe.
 */
public final class VerificationKey {
    public static final String PROTOCOL = "groth16";
    /** snarkjs's name for BN254. */
    public static final String CURVE = "bn128";

    private final int nPublic;
    private final long[] alpha1, beta2, gamma2, delta2, ic;
    private volatile long[] alphaBeta;

    private VerificationKey(int nPublic, long[] alpha1, long[] beta2, long[] gamma2, long[] delta2, long[] ic) {
        this.nPublic = nPublic;
        this.alpha1 = alpha1;
        this.beta2 = beta2;
        this.gamma2 = gamma2;
        this.delta2 = delta2;
        this.ic = ic;
    }

    /**
     * A key from affine Montgomery-form points (copied); {@code ic} holds nPublic + 1 G1 points, 8 longs each.
     * Errors name the source "verification key".
     */
    public static VerificationKey of(int nPublic, long[] alpha1, long[] beta2, long[] gamma2, long[] delta2, long[] ic) {
        return of(nPublic, alpha1, beta2, gamma2, delta2, ic, "verification key");
    }

    static VerificationKey of(int nPublic, long[] alpha1, long[] beta2, long[] gamma2, long[] delta2, long[] ic, String source) {
        if (nPublic < 0) throw new FormatException(source, "nPublic", "is negative (" + nPublic + ")");
        Points.checkG1(alpha1, source, "vk_alpha_1", false);
        Points.checkG2(beta2, source, "vk_beta_2", false);
        Points.checkG2(gamma2, source, "vk_gamma_2", false);
        Points.checkG2(delta2, source, "vk_delta_2", false);
        if (ic == null || (long) ic.length != 8L * (nPublic + 1))
            throw new FormatException(source, "IC", "expected nPublic + 1 = " + (nPublic + 1L) + " points ("
                    + 8L * (nPublic + 1) + " longs), found " + (ic == null ? 0 : ic.length) + " longs");
        for (int i = 0; i <= nPublic; i++)
            Points.checkG1(Arrays.copyOfRange(ic, 8 * i, 8 * i + 8), source, "IC[" + i + "]", true);
        return new VerificationKey(nPublic, alpha1.clone(), beta2.clone(), gamma2.clone(), delta2.clone(), ic.clone());
    }

    public int nPublic() { return nPublic; }
    public long[] alpha1() { return alpha1.clone(); }
    public long[] beta2() { return beta2.clone(); }
    public long[] gamma2() { return gamma2.clone(); }
    public long[] delta2() { return delta2.clone(); }
    /** IC[0..nPublic], 8 longs each (a copy). */
    public long[] ic() { return ic.clone(); }

    /** e(α, β) ∈ GT (48 longs, a copy), computed once. */
    public long[] alphaBeta() {
        long[] ab = alphaBeta;
        if (ab == null) {
            ab = new long[Fq12.LIMBS];
            PairingKernel pairing = CpuKernels.selected().pairing();
            pairing.multiPairing(alpha1, new Pairing.G2Prepared[] {pairing.prepare(beta2, 0)}, ab, 0);
            alphaBeta = ab;
        }
        return ab.clone();
    }

    // ---- verification_key.json ----

    public static VerificationKey readJson(Path file) {
        return parseJson(SnarkjsJson.readFile(file), file.toString());
    }

    /**
     * Parses snarkjs's verification_key.json. {@code vk_alphabeta_12} is optional; when present it must equal
     * e(vk_alpha_1, vk_beta_2).
     */
    public static VerificationKey parseJson(String text, String source) {
        JsonNode root = SnarkjsJson.parse(text, source);
        SnarkjsJson.expectObject(root, source);
        SnarkjsJson.expectText(root, "protocol", PROTOCOL, true, source);
        SnarkjsJson.expectText(root, "curve", CURVE, true, source);
        JsonNode np = SnarkjsJson.field(root, "nPublic", source);
        if (!np.isIntegralNumber() || !np.canConvertToInt() || np.intValue() < 0)
            throw new FormatException(source, "nPublic", "expected a non-negative integer, found " + np);
        int nPublic = np.intValue();
        long[] alpha = SnarkjsJson.g1(SnarkjsJson.field(root, "vk_alpha_1", source), source, "vk_alpha_1", false);
        long[] beta = SnarkjsJson.g2(SnarkjsJson.field(root, "vk_beta_2", source), source, "vk_beta_2", false);
        long[] gamma = SnarkjsJson.g2(SnarkjsJson.field(root, "vk_gamma_2", source), source, "vk_gamma_2", false);
        long[] delta = SnarkjsJson.g2(SnarkjsJson.field(root, "vk_delta_2", source), source, "vk_delta_2", false);
        JsonNode icNode = SnarkjsJson.field(root, "IC", source);
        if (!icNode.isArray()) SnarkjsJson.array(icNode, -1, source, "IC");
        if (icNode.size() != nPublic + 1)
            throw new FormatException(source, "IC", "expected nPublic + 1 = " + (nPublic + 1) + " points, found " + icNode.size());
        long[] ic = new long[8 * (nPublic + 1)];
        for (int i = 0; i <= nPublic; i++)
            System.arraycopy(SnarkjsJson.g1(icNode.get(i), source, "IC[" + i + "]", true), 0, ic, 8 * i, 8);
        VerificationKey vk = of(nPublic, alpha, beta, gamma, delta, ic, source);
        JsonNode ab = root.get("vk_alphabeta_12");
        if (ab != null) {
            BigInteger[] c = new BigInteger[12];
            SnarkjsJson.array(ab, 2, source, "vk_alphabeta_12");
            for (int i = 0; i < 2; i++) {
                JsonNode six = SnarkjsJson.array(ab.get(i), 3, source, "vk_alphabeta_12[" + i + "]");
                for (int j = 0; j < 3; j++) {
                    String w = "vk_alphabeta_12[" + i + "][" + j + "]";
                    JsonNode pair = SnarkjsJson.array(six.get(j), 2, source, w);
                    for (int k = 0; k < 2; k++) c[6 * i + 2 * j + k] = SnarkjsJson.decimal(pair.get(k), SnarkjsJson.Q, source, w + "[" + k + "]");
                }
            }
            if (!Arrays.equals(Fq12.of(c), vk.alphaBeta()))
                throw new FormatException(source, "vk_alphabeta_12", "does not equal e(vk_alpha_1, vk_beta_2)");
        }
        return vk;
    }

    /** verification_key.json exactly as {@code snarkjs zkey export verificationkey} writes it. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", PROTOCOL);
        m.put("curve", CURVE);
        m.put("nPublic", nPublic);
        m.put("vk_alpha_1", Points.g1Object(alpha1, 0));
        m.put("vk_beta_2", Points.g2Object(beta2, 0));
        m.put("vk_gamma_2", Points.g2Object(gamma2, 0));
        m.put("vk_delta_2", Points.g2Object(delta2, 0));
        BigInteger[] ab = Fq12.toBigIntegers(alphaBeta(), 0);
        List<Object> gt = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            List<Object> six = new ArrayList<>();
            for (int j = 0; j < 3; j++) six.add(new BigInteger[] {ab[6 * i + 2 * j], ab[6 * i + 2 * j + 1]});
            gt.add(six);
        }
        m.put("vk_alphabeta_12", gt);
        List<Object> ics = new ArrayList<>();
        for (int i = 0; i <= nPublic; i++) ics.add(Points.g1Object(ic, 8 * i));
        m.put("IC", ics);
        return SnarkjsJson.write(m);
    }

    public void writeJson(Path file) { SnarkjsJson.writeFile(file, toJson()); }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey k && nPublic == k.nPublic && Arrays.equals(alpha1, k.alpha1)
                && Arrays.equals(beta2, k.beta2) && Arrays.equals(gamma2, k.gamma2) && Arrays.equals(delta2, k.delta2)
                && Arrays.equals(ic, k.ic);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(alpha1) + Arrays.hashCode(ic); }

    @Override
    public String toString() { return "VerificationKey[groth16/bn128, nPublic=" + nPublic + "]"; }
}
