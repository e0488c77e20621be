package org.ppfarm.prover.bn254;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppfarm.prover.bn254.Oracle.G1;
import static org.ppfarm.prover.bn254.Oracle.G2;
import static org.ppfarm.prover.bn254.Oracle.Q;
import static org.ppfarm.prover.bn254.Oracle.R;
import static org.ppfarm.prover.bn254.Oracle.g1Limbs;
import static org.ppfarm.prover.bn254.Oracle.g1mul;
import static org.ppfarm.prover.bn254.Oracle.g2Limbs;
import static org.ppfarm.prover.bn254.Oracle.g2mul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppfarm.testkit.Artifacts;

/** The pairing's defining properties, and known answers: snarkjs's vk_alphabeta_12 in the production keys. */
class PairingTest {
    private final Pairing pairing = new Pairing();
    private final Fq12 f12 = new Fq12();

    private long[] e(BigInteger[] p, BigInteger[][] q) {
        long[] r = new long[48];
        pairing.pair(g1Limbs(p), 0, g2Limbs(q), 0, r, 0);
        return r;
    }

    @Test
    void nonDegenerateAndOfOrderR() {
        long[] g = e(G1, G2);
        assertFalse(Fq12.isOne(g, 0));
        long[] gr = new long[48];
        f12.pow(g, 0, R, gr, 0);
        assertTrue(Fq12.isOne(gr, 0));
    }

    @Test
    void bilinear() {
        SplittableRandom rnd = new SplittableRandom(21);
        long[] g = e(G1, G2);
        for (int i = 0; i < 3; i++) {
            BigInteger a = Oracle.rnd(rnd, R), b = Oracle.rnd(rnd, R);
            long[] lhs = e(g1mul(G1, a), g2mul(G2, b));
            long[] rhs = new long[48];
            f12.pow(g, 0, a.multiply(b).mod(R), rhs, 0);
            assertArrayEquals(rhs, lhs);
        }
        // e(P + P', Q) = e(P, Q) e(P', Q) with P, P' unrelated to the generator's multiples used above
        BigInteger[] p = g1mul(G1, BigInteger.valueOf(12345)), p2 = g1mul(G1, BigInteger.valueOf(777));
        BigInteger[][] q = g2mul(G2, BigInteger.valueOf(999));
        long[] sum = e(Oracle.g1add(p, p2), q), prod = new long[48];
        f12.mul(e(p, q), 0, e(p2, q), 0, prod, 0);
        assertArrayEquals(prod, sum);
    }

    @Test
    void multiPairingSharesTheFinalExponentiation() {
        BigInteger[] p = g1mul(G1, BigInteger.valueOf(31337));
        BigInteger[][] q = g2mul(G2, BigInteger.valueOf(4242));
        BigInteger[] negP = {p[0], p[1].negate().mod(Q)};
        long[] g1 = new long[16];
        System.arraycopy(g1Limbs(p), 0, g1, 0, 8);
        System.arraycopy(g1Limbs(negP), 0, g1, 8, 8);
        Pairing.G2Prepared pq = pairing.prepare(g2Limbs(q), 0);
        long[] r = new long[48];
        pairing.multiPairing(g1, new Pairing.G2Prepared[] {pq, pq}, r, 0);
        assertTrue(Fq12.isOne(r, 0), "e(P, Q) e(-P, Q) = 1");
        // e(aP, Q) e(P, -aQ)... as a product of three with infinity contributing 1
        long[] g3 = new long[24];
        System.arraycopy(g1Limbs(g1mul(p, BigInteger.valueOf(5))), 0, g3, 0, 8);
        System.arraycopy(g1Limbs(p), 0, g3, 16, 8); // middle pair: G1 infinity
        BigInteger[][] q5 = g2mul(q, BigInteger.valueOf(5));
        long[] negQ5 = g2Limbs(new BigInteger[][] {q5[0], Oracle.f2neg(q5[1])});
        pairing.multiPairing(g3, new Pairing.G2Prepared[] {pq, pq, pairing.prepare(negQ5, 0)}, r, 0);
        assertTrue(Fq12.isOne(r, 0), "e(5P, Q) e(O, Q) e(P, -5Q) = 1");
        pairing.multiPairing(g3, new Pairing.G2Prepared[] {pq, pairing.prepare(new long[16], 0), pairing.prepare(g2Limbs(q5), 0)}, r, 0);
        assertFalse(Fq12.isOne(r, 0));
    }

    @Test
    void finalExponentiationIsTheDocumentedPower() {
        // f^((q^12 - 1)/r · 2x(6x^2 + 3x + 1)) for an arbitrary non-zero f
        long[] f = Oracle.toLimbs(Oracle.f12rnd(new SplittableRandom(5)));
        long[] got = new long[48], want = new long[48];
        pairing.finalExponentiation(f, 0, got, 0);
        BigInteger x = BigInteger.valueOf(Pairing.X);
        BigInteger lambda = x.shiftLeft(1).multiply(x.pow(2).multiply(BigInteger.valueOf(6)).add(x.multiply(BigInteger.valueOf(3))).add(BigInteger.ONE));
        f12.pow(f, 0, Q.pow(12).subtract(BigInteger.ONE).divide(R).multiply(lambda), want, 0);
        assertArrayEquals(want, got);
    }

    /** snarkjs computes vk_alphabeta_12 = e(vk_alpha_1, vk_beta_2) with its own pairing: ours must agree exactly. */
    @Test
    void matchesSnarkjsAlphaBetaInProductionKeys() throws IOException {
        for (Path vkey : new Path[] {Artifacts.withdrawVkey(), Artifacts.commitmentVkey()}) {
            JsonNode vk = new ObjectMapper().readTree(vkey.toFile());
            BigInteger[] alpha = {big(vk.at("/vk_alpha_1/0")), big(vk.at("/vk_alpha_1/1"))};
            BigInteger[][] beta = {
                {big(vk.at("/vk_beta_2/0/0")), big(vk.at("/vk_beta_2/0/1"))},
                {big(vk.at("/vk_beta_2/1/0")), big(vk.at("/vk_beta_2/1/1"))}};
            BigInteger[] ab = new BigInteger[12];
            for (int i = 0; i < 12; i++) ab[i] = big(vk.at("/vk_alphabeta_12/" + (i / 6) + "/" + (i / 2 % 3) + "/" + (i % 2)));
            assertArrayEquals(Fq12.of(ab), e(alpha, beta), vkey.toString());
        }
    }

    private static BigInteger big(JsonNode n) { return new BigInteger(n.asText()); }
}
