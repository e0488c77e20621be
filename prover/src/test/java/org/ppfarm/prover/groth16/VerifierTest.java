package org.ppfarm.prover.groth16;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.format.FormatException;

/**
 * The verifier against snarkjs (a real proof on the production commitment circuit, and tampered variants judged
 * by both) and against synthetic keys whose trapdoor the test knows, for any number of public signals.
 */
class VerifierTest {
    private static final BigInteger R = SnarkjsJson.R, Q = SnarkjsJson.Q;

    @Test
    void acceptsSnarkjsProof() {
        CommitmentFixture fx = CommitmentFixture.get();
        VerificationKey vk = VerificationKey.readJson(fx.vkey);
        PreparedVerifyingKey pvk = PreparedVerifyingKey.of(vk);
        assertTrue(Verifier.verify(pvk, PublicSignals.readJson(fx.pub), Proof.readJson(fx.proof)));
        assertTrue(Verifier.verify(vk, PublicSignals.readJson(fx.pub), Proof.readJson(fx.proof)));
        assertTrue(CommitmentFixture.snarkjsVerifies(fx.vkey, fx.pub, fx.proof));
        // the same proof against the withdraw key: well-formed, wrong key, rejected
        PublicSignals pub = PublicSignals.readJson(fx.pub);
        VerificationException e = assertThrows(VerificationException.class,
                () -> Verifier.verify(VerificationKey.readJson(org.ppfarm.testkit.Artifacts.withdrawVkey()), pub, Proof.readJson(fx.proof)));
        assertEquals("public signals: the verification key expects 8 (nPublic), got 4", e.getMessage());
    }

    @Test
    void changedPublicSignalIsRejectedByBoth(@TempDir Path tmp) throws IOException {
        CommitmentFixture fx = CommitmentFixture.get();
        PublicSignals pub = PublicSignals.readJson(fx.pub);
        List<BigInteger> v = new ArrayList<>();
        for (int i = 0; i < pub.size(); i++) v.add(i == 2 ? pub.get(i).add(BigInteger.ONE).mod(R) : pub.get(i));
        PublicSignals changed = PublicSignals.of(v);
        Path file = tmp.resolve("public.json");
        changed.writeJson(file);
        assertFalse(Verifier.verify(VerificationKey.readJson(fx.vkey), changed, Proof.readJson(fx.proof)));
        assertFalse(CommitmentFixture.snarkjsVerifies(fx.vkey, file, fx.proof));
    }

    /** One changed coordinate that keeps the point on its curve: A's y negated (A → −A). */
    @Test
    void changedProofCoordinateIsRejectedByBoth(@TempDir Path tmp) throws IOException {
        CommitmentFixture fx = CommitmentFixture.get();
        String text = Files.readString(fx.proof);
        Proof proof = Proof.readJson(fx.proof);
        String ay = text.split("\"")[5];
        String tampered = text.replace(ay, Q.subtract(new BigInteger(ay)).toString());
        Path file = tmp.resolve("proof.json");
        Files.writeString(file, tampered);
        Proof negA = Proof.readJson(file);
        assertFalse(negA.equals(proof));
        assertFalse(Verifier.verify(VerificationKey.readJson(fx.vkey), PublicSignals.readJson(fx.pub), negA));
        assertFalse(CommitmentFixture.snarkjsVerifies(fx.vkey, fx.pub, file));
        // A and C swapped
        Proof swapped = Proof.of(proof.c(), proof.b(), proof.a());
        assertFalse(Verifier.verify(VerificationKey.readJson(fx.vkey), PublicSignals.readJson(fx.pub), swapped));
    }

    @Test
    void malformedInputsAreTypedErrors() {
        CommitmentFixture fx = CommitmentFixture.get();
        Proof proof = Proof.readJson(fx.proof);
        long[] b = proof.b();
        b[0] ^= 1;
        FormatException notOnCurve = assertThrows(FormatException.class, () -> Proof.of(proof.a(), b, proof.c()));
        assertEquals("proof: pi_b: point is not on the curve", notOnCurve.getMessage());
        String[][] t = TwistPoints.outsideSubgroup(3);
        long[] outside = G2.affine(new BigInteger(t[0][0]), new BigInteger(t[0][1]), new BigInteger(t[1][0]), new BigInteger(t[1][1]));
        assertTrue(G2.local().isOnCurveAffine(outside, 0));
        assertEquals("proof: pi_b: point is not in the G2 subgroup",
                assertThrows(FormatException.class, () -> Proof.of(proof.a(), outside, proof.c())).getMessage());
        long[] big = proof.c();
        System.arraycopy(Field.limbs(Q), 0, big, 0, 4);
        assertEquals("proof: pi_c: coordinate is not below the base field modulus q",
                assertThrows(FormatException.class, () -> Proof.of(proof.a(), proof.b(), big)).getMessage());
        assertEquals("public signals: [1]: value is not in [0, r)",
                assertThrows(FormatException.class, () -> PublicSignals.of(BigInteger.ONE, R)).getMessage());
        long[] limbs = new long[8];
        System.arraycopy(Field.limbs(R), 0, limbs, 4, 4);
        assertThrows(FormatException.class, () -> PublicSignals.ofStandardLimbs(limbs, 0, 2));
    }

    // ---- synthetic keys: α = a·G1, β = b·G2, γ = g·G2, δ = d·G2, IC[i] = k_i·G1 with the scalars known ----

    private record Synthetic(VerificationKey vk, BigInteger[] scalars) {}

    private static Synthetic syntheticKey(int nPublic, SplittableRandom rnd) {
        BigInteger a = rand(rnd), b = rand(rnd), g = rand(rnd), d = rand(rnd);
        BigInteger[] k = new BigInteger[nPublic + 1];
        long[] ic = new long[8 * (nPublic + 1)];
        for (int i = 0; i <= nPublic; i++) {
            k[i] = rand(rnd);
            System.arraycopy(g1(k[i]), 0, ic, 8 * i, 8);
        }
        VerificationKey vk = VerificationKey.of(nPublic, g1(a), g2(b), g2(g), g2(d), ic);
        BigInteger[] s = new BigInteger[nPublic + 5];
        s[0] = a; s[1] = b; s[2] = g; s[3] = d;
        System.arraycopy(k, 0, s, 4, nPublic + 1);
        return new Synthetic(vk, s);
    }

    /** A valid proof for the synthetic key: A = x·G1, B = y·G2, C = c·G1 with xy = ab + l g + c d (mod r). */
    private static Proof syntheticProof(Synthetic key, List<BigInteger> pub, SplittableRandom rnd) {
        BigInteger[] s = key.scalars;
        BigInteger l = s[4];
        for (int i = 0; i < pub.size(); i++) l = l.add(pub.get(i).multiply(s[5 + i]));
        BigInteger x = rand(rnd), y = rand(rnd);
        BigInteger c = x.multiply(y).subtract(s[0].multiply(s[1])).subtract(l.multiply(s[2])).multiply(s[3].modInverse(R)).mod(R);
        return Proof.of(g1(x), g2(y), g1(c));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 8, 17})
    void syntheticProofsVerifyForAnyNumberOfPublicSignals(int n) {
        SplittableRandom rnd = new SplittableRandom(100 + n);
        Synthetic key = syntheticKey(n, rnd);
        PreparedVerifyingKey pvk = PreparedVerifyingKey.of(key.vk);
        List<BigInteger> pub = new ArrayList<>();
        for (int i = 0; i < n; i++) pub.add(switch (i % 4) { case 0 -> BigInteger.ZERO; case 1 -> BigInteger.ONE; case 2 -> R.subtract(BigInteger.ONE); default -> rand(rnd); });
        Proof proof = syntheticProof(key, pub, rnd);
        assertTrue(Verifier.verify(pvk, PublicSignals.of(pub), proof));
        if (n > 0) {
            List<BigInteger> other = new ArrayList<>(pub);
            other.set(n - 1, other.get(n - 1).add(BigInteger.ONE).mod(R));
            assertFalse(Verifier.verify(pvk, PublicSignals.of(other), proof));
        }
        assertFalse(Verifier.verify(pvk, PublicSignals.of(pub), Proof.of(proof.a(), proof.b(), g1(BigInteger.valueOf(5)))));
        // and the key survives its JSON form
        assertTrue(Verifier.verify(VerificationKey.parseJson(key.vk.toJson(), "vk"), PublicSignals.of(pub), proof));
    }

    private static BigInteger rand(SplittableRandom rnd) {
        byte[] b = new byte[40];
        rnd.nextBytes(b);
        return new BigInteger(1, b).mod(R.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    }

    private static long[] g1(BigInteger k) {
        G1 g = G1.local();
        long[] j = new long[G1.JACOBIAN];
        g.scalarMul(g.jacobianOf(g.generator()), 0, k, j, 0);
        return g.affineOf(j);
    }

    private static long[] g2(BigInteger k) {
        G2 g = G2.local();
        long[] j = new long[G2.JACOBIAN];
        g.scalarMul(g.jacobianOf(g.generator()), 0, k, j, 0);
        return g.affineOf(j);
    }
}
