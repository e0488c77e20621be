package org.ppfarm.cpukernels;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.Fq12;
import org.ppfarm.prover.bn254.Fq2;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.bn254.JavaPairingKernel;
import org.ppfarm.prover.bn254.Pairing;
import org.ppfarm.prover.bn254.PairingKernel;
import org.ppfarm.prover.groth16.PreparedVerifyingKey;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.testkit.TestCircuits;
import org.ppfarm.testkit.ZeroXBowInputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native pairing ({@code pairing.hpp} through {@link NativePairingKernel}) against {@link Pairing} in Java:
 * the constants, the prepared lines, the Miller loop, the final exponentiation and the multi-pairing equal Java's
 * limb for limb on random points (k·G1, k·G2 by the prover's curve classes) with points at infinity among them;
 * bilinearity on the native path alone; snarkjs proofs of the production circuits verify on it and tampered ones
 * do not.
 */
class NativePairingKernelTest {
    private static final NativeCpuLibrary LIBRARY = NativeCpuLibrary.bundled();
    private static final PairingKernel NATIVE = new NativePairingKernel(LIBRARY);
    private static final PairingKernel JAVA = JavaPairingKernel.INSTANCE;
    private static final BigInteger Q = Field.FQ.modulus(), R = Field.FR.modulus();

    private static long[] g1(BigInteger k) {
        G1 c = new G1();
        long[] r = new long[G1.JACOBIAN];
        c.scalarMul(c.jacobianOf(c.generator()), 0, k.mod(R), r, 0);
        return c.affineOf(r);
    }

    private static long[] g2(BigInteger k) {
        G2 c = new G2();
        long[] r = new long[G2.JACOBIAN];
        c.scalarMul(c.jacobianOf(c.generator()), 0, k.mod(R), r, 0);
        return c.affineOf(r);
    }

    private static BigInteger scalar(SplittableRandom rnd) {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return new BigInteger(1, b).mod(R);
    }

    private static long[] lines(Pairing.G2Prepared p) {
        long[] l = new long[Pairing.PREPARED_LONGS];
        p.copyLines(l, 0);
        return l;
    }

    /** The Frobenius constants and 3b' = 9/ξ, against Java's Fq2 raising ξ to each exponent directly. */
    @Test
    void constantsEqualJavas() throws Throwable {
        assertEquals(Pairing.STEPS, (int) LIBRARY.pairingSteps.invokeExact(), "lines per prepared point");
        long[] got = new long[128];
        assertEquals(0, (int) LIBRARY.pairingConstants.invokeExact(MemorySegment.ofArray(got)));
        Fq2 f = new Fq2();
        long[] xi = Fq2.of(BigInteger.valueOf(9), BigInteger.ONE);
        for (int k = 1; k <= 3; k++) {
            for (int i = 1; i <= 5; i++) {
                BigInteger e = Q.pow(k).subtract(BigInteger.ONE).divide(BigInteger.valueOf(6)).multiply(BigInteger.valueOf(i));
                long[] want = new long[8];
                Fq2.setOne(want, 0);
                for (int b = e.bitLength() - 1; b >= 0; b--) {
                    f.square(want, 0, want, 0);
                    if (e.testBit(b)) f.mul(want, 0, xi, 0, want, 0);
                }
                int at = 40 * (k - 1) + 8 * (i - 1);
                assertArrayEquals(want, java.util.Arrays.copyOfRange(got, at, at + 8), "ξ^(" + i + "(q^" + k + " - 1)/6)");
            }
        }
        long[] b3 = new long[8];
        f.inverse(xi, 0, b3, 0);
        f.mul(b3, 0, Fq2.of(BigInteger.valueOf(9), BigInteger.ZERO), 0, b3, 0);
        assertArrayEquals(b3, java.util.Arrays.copyOfRange(got, 120, 128), "9/ξ");
    }

    @Test
    void preparedLinesEqualJavas() {
        SplittableRandom rnd = new SplittableRandom(90);
        List<BigInteger> ks = new ArrayList<>(List.of(BigInteger.ONE, BigInteger.TWO, R.subtract(BigInteger.ONE)));
        for (int i = 0; i < 6; i++) ks.add(scalar(rnd));
        for (BigInteger k : ks) {
            long[] q = g2(k);
            long[] padded = new long[40];
            System.arraycopy(q, 0, padded, 11, 16);   // an offset into a larger array
            long[] want = lines(JAVA.prepare(q, 0));
            assertArrayEquals(want, lines(NATIVE.prepare(padded, 11)), "lines of " + k + "·G2");
            assertFalse(NATIVE.prepare(q, 0).isInfinity());
        }
        assertTrue(NATIVE.prepare(new long[16], 0).isInfinity(), "the point at infinity prepares to no lines");
        assertArrayEquals(new long[Pairing.PREPARED_LONGS], lines(NATIVE.prepare(new long[16], 0)));
    }

    /**
     * n pairs of random points, with G1 and G2 points at infinity among them: the Miller loop, the final
     * exponentiation of its value and of a random Fq12 element, and the multi-pairing equal Java's. Lines prepared
     * by either kernel serve the other.
     */
    @Test
    void millerLoopAndFinalExponentiationEqualJavas() {
        SplittableRandom rnd = new SplittableRandom(91);
        for (int n : new int[] {0, 1, 2, 3, 5}) {
            for (int variant = 0; variant < 3; variant++) {
                long[] points = new long[8 * n];
                Pairing.G2Prepared[] javaLines = new Pairing.G2Prepared[n], nativeLines = new Pairing.G2Prepared[n];
                for (int k = 0; k < n; k++) {
                    // variant 1: the first G1 point is infinity; variant 2: the last G2 point is
                    if (!(variant == 1 && k == 0)) System.arraycopy(g1(scalar(rnd)), 0, points, 8 * k, 8);
                    long[] q = variant == 2 && k == n - 1 ? new long[16] : g2(scalar(rnd));
                    javaLines[k] = JAVA.prepare(q, 0);
                    nativeLines[k] = NATIVE.prepare(q, 0);
                }
                String what = n + " pairs, variant " + variant;
                long[] want = new long[Fq12.LIMBS], got = new long[Fq12.LIMBS + 5];
                JAVA.millerLoop(points, javaLines, want, 0);
                NATIVE.millerLoop(points, javaLines, got, 5);
                assertArrayEquals(want, java.util.Arrays.copyOfRange(got, 5, 5 + Fq12.LIMBS), "Miller loop, " + what);
                NATIVE.millerLoop(points, nativeLines, got, 0);
                assertArrayEquals(want, java.util.Arrays.copyOf(got, Fq12.LIMBS), "Miller loop on native lines, " + what);
                long[] fe = new long[Fq12.LIMBS], nfe = new long[Fq12.LIMBS];
                JAVA.finalExponentiation(want, 0, fe, 0);
                NATIVE.finalExponentiation(want, 0, nfe, 0);
                assertArrayEquals(fe, nfe, "final exponentiation, " + what);
                NATIVE.multiPairing(points, nativeLines, got, 0);
                assertArrayEquals(fe, java.util.Arrays.copyOf(got, Fq12.LIMBS), "multi-pairing, " + what);
                if (n == 0 || (n == 1 && variant > 0)) assertTrue(Fq12.isOne(fe, 0), "no pair left: 1, " + what);
                else assertFalse(Fq12.isOne(fe, 0), what);
            }
        }
        for (int i = 0; i < 4; i++) {
            BigInteger[] c = new BigInteger[12];
            for (int j = 0; j < 12; j++) c[j] = i == 0 && j > 0 ? BigInteger.ZERO : scalar(rnd);   // i = 0: in Fq
            long[] f = Fq12.of(c), want = new long[Fq12.LIMBS], got = f.clone();
            JAVA.finalExponentiation(f, 0, want, 0);
            NATIVE.finalExponentiation(got, 0, got, 0);
            assertArrayEquals(want, got, "final exponentiation of a random element " + i);
        }
    }

    /** e(aP, bQ) = e(P, Q)^(ab) and e(aP, Q) e(−P, aQ) = 1 with every pairing on the native kernel. */
    @Test
    void bilinearOnTheNativePath() {
        SplittableRandom rnd = new SplittableRandom(92);
        long[] p = g1(BigInteger.ONE), q = g2(BigInteger.ONE);
        long[] e = pair(p, q);
        assertFalse(Fq12.isOne(e, 0), "non-degenerate");
        Fq12 f12 = new Fq12();
        long[] er = new long[Fq12.LIMBS];
        f12.pow(e, 0, R, er, 0);
        assertTrue(Fq12.isOne(er, 0), "e(P, Q) has order r");
        for (int i = 0; i < 3; i++) {
            BigInteger a = scalar(rnd), b = scalar(rnd);
            long[] want = new long[Fq12.LIMBS];
            f12.pow(e, 0, a.multiply(b).mod(R), want, 0);
            assertArrayEquals(want, pair(g1(a), g2(b)), "e(aP, bQ) = e(P, Q)^(ab)");
            long[] points = new long[16];
            System.arraycopy(g1(a), 0, points, 0, 8);
            System.arraycopy(g1(R.subtract(BigInteger.ONE)), 0, points, 8, 8);
            long[] r = new long[Fq12.LIMBS];
            NATIVE.multiPairing(points, new Pairing.G2Prepared[] {NATIVE.prepare(q, 0), NATIVE.prepare(g2(a), 0)}, r, 0);
            assertTrue(Fq12.isOne(r, 0), "e(aP, Q) e(-P, aQ) = 1");
        }
    }

    private static long[] pair(long[] p, long[] q) {
        long[] r = new long[Fq12.LIMBS];
        NATIVE.multiPairing(p, new Pairing.G2Prepared[] {NATIVE.prepare(q, 0)}, r, 0);
        return r;
    }

    /**
     * snarkjs proofs on the production commitment circuit (4 public signals) and the testkit's 22-signal circuit
     * verify on the native kernel, as on Java's and through the selected kernel (native here); A and C swapped, or
     * one public signal changed, are rejected by both.
     */
    @Test
    void snarkjsProofsVerifyAndTamperedOnesDoNot(@TempDir Path dir) {
        var commitment = ZeroXBowInputs.commitmentReference(ZeroXBowInputs.commitmentCases(93, 1).getFirst(), dir);
        TestCircuits.Fixture many = TestCircuits.manyPublic();
        var manyRef = many.reference(dir.resolve("many"), 94);
        check(VerificationKey.readJson(org.ppfarm.testkit.Artifacts.commitmentVkey()), commitment.publicJson(), commitment.proof());
        check(VerificationKey.readJson(many.vkey()), manyRef.publicJson(), manyRef.proof());
    }

    private static void check(VerificationKey vk, Path publicJson, Path proofJson) {
        assertEquals("native", CpuKernels.selected().pairing().name());
        PreparedVerifyingKey pvk = PreparedVerifyingKey.of(vk);
        PublicSignals pub = PublicSignals.readJson(publicJson);
        Proof proof = Proof.readJson(proofJson);
        assertTrue(Verifier.verify(pvk, pub, proof, NATIVE), "native kernel accepts snarkjs's proof");
        assertTrue(Verifier.verify(pvk, pub, proof, JAVA), "Java kernel accepts snarkjs's proof");
        assertTrue(Verifier.verify(vk, pub, proof), "the selected kernel accepts snarkjs's proof");
        Proof swapped = Proof.of(proof.c(), proof.b(), proof.a());
        List<BigInteger> v = new ArrayList<>();
        for (int i = 0; i < pub.size(); i++) v.add(i == pub.size() - 1 ? pub.get(i).add(BigInteger.ONE).mod(R) : pub.get(i));
        PublicSignals changed = PublicSignals.of(v);
        for (PairingKernel k : new PairingKernel[] {NATIVE, JAVA}) {
            assertFalse(Verifier.verify(pvk, pub, swapped, k), k.name() + ": A and C swapped");
            assertFalse(Verifier.verify(pvk, changed, proof, k), k.name() + ": a public signal changed");
        }
    }
}
