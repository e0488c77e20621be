package org.ppfarm.prover.ntt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppfarm.prover.bn254.Field;

/** The CPU NTT against a naive BigInteger DFT with snarkjs's roots, round trips, and the Groth16 odd-coset step. */
class CpuNttBackendTest {
    private static final Field F = Field.FR;
    private static final BigInteger R = F.modulus();
    private final CpuNttBackend ntt = new CpuNttBackend();

    private static BigInteger[] random(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        BigInteger[] v = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[32];
            rnd.nextBytes(b);
            v[i] = new BigInteger(1, b).mod(R);
        }
        if (n > 2) { v[0] = BigInteger.ZERO; v[1] = R.subtract(BigInteger.ONE); v[2] = BigInteger.ONE; }
        return v;
    }

    private static long[] mont(BigInteger[] v) {
        long[] a = new long[4 * v.length];
        for (int i = 0; i < v.length; i++) F.fromBigInteger(v[i], a, 4 * i);
        return a;
    }

    private static BigInteger[] big(long[] a, int n) {
        BigInteger[] v = new BigInteger[n];
        for (int i = 0; i < n; i++) v[i] = F.toBigInteger(a, 4 * i);
        return v;
    }

    /** ω_n from the 2^28-th root by repeated squaring, in BigInteger. */
    private static BigInteger omega(int log) {
        return CpuNttBackend.ROOT_2_28.modPow(BigInteger.ONE.shiftLeft(28 - log), R);
    }

    /** Evaluations of the polynomial with coefficients c at x_j = shift * ω^j. */
    private static BigInteger[] naiveEval(BigInteger[] c, BigInteger w, BigInteger shift) {
        int n = c.length;
        BigInteger[] out = new BigInteger[n];
        for (int j = 0; j < n; j++) {
            BigInteger x = shift.multiply(w.modPow(BigInteger.valueOf(j), R)).mod(R), acc = BigInteger.ZERO;
            for (int i = n - 1; i >= 0; i--) acc = acc.multiply(x).add(c[i]).mod(R);
            out[j] = acc;
        }
        return out;
    }

    @Test
    void rootHasExactOrderTwoTo28() {
        BigInteger w = CpuNttBackend.ROOT_2_28;
        assertEquals(BigInteger.ONE, w.modPow(BigInteger.ONE.shiftLeft(28), R));
        assertEquals(R.subtract(BigInteger.ONE), w.modPow(BigInteger.ONE.shiftLeft(27), R));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 5, 8})
    void nttMatchesNaiveDft(int log) {
        int n = 1 << log;
        BigInteger[] c = random(n, 7 + log);
        long[] a = mont(c);
        ntt.ntt(a, log);
        assertArrayEquals(naiveEval(c, omega(log), BigInteger.ONE), big(a, n));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 7})
    void inttMatchesNaiveInverse(int log) {
        int n = 1 << log;
        BigInteger[] e = random(n, 11 + log);
        long[] a = mont(e);
        ntt.intt(a, log);
        // the inverse DFT is the DFT with ω^-1, divided by n
        BigInteger nInv = BigInteger.valueOf(n).modInverse(R);
        BigInteger[] expected = naiveEval(e, omega(log).modInverse(R), BigInteger.ONE);
        for (int i = 0; i < n; i++) expected[i] = expected[i].multiply(nInv).mod(R);
        assertArrayEquals(expected, big(a, n));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 6, 12, 15})
    void roundTripsIncludingParallelSizes(int log) {
        int n = 1 << log;
        long[] a = mont(random(n, 99 + log));
        long[] orig = a.clone();
        ntt.ntt(a, log);
        ntt.intt(a, log);
        assertArrayEquals(orig, a);
        ntt.intt(a, log);
        ntt.ntt(a, log);
        assertArrayEquals(orig, a);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 6})
    void quotientOnOddCosetMatchesNaive(int log) {
        int n = 1 << log;
        BigInteger[] ea = random(n, 1 + log), eb = random(n, 2 + log), ec = random(n, 3 + log);
        BigInteger w = omega(log), g = omega(log + 1);
        BigInteger nInv = BigInteger.valueOf(n).modInverse(R);
        BigInteger[][] coeffs = new BigInteger[3][];
        BigInteger[][] evals = {ea, eb, ec};
        for (int k = 0; k < 3; k++) {
            coeffs[k] = naiveEval(evals[k], w.modInverse(R), BigInteger.ONE);
            for (int i = 0; i < n; i++) coeffs[k][i] = coeffs[k][i].multiply(nInv).mod(R);
        }
        BigInteger[] oa = naiveEval(coeffs[0], w, g), ob = naiveEval(coeffs[1], w, g), oc = naiveEval(coeffs[2], w, g);
        long[] out = ntt.quotientOnOddCoset(mont(ea), mont(eb), mont(ec), log);
        BigInteger[] got = big(out, n);
        for (int i = 0; i < n; i++) assertEquals(oa[i].multiply(ob[i]).subtract(oc[i]).mod(R), got[i], "index " + i);
    }

    @Test
    void quotientAtParallelSizeMatchesPublicTransforms() {
        // For a large, parallel-sized domain compare against the public ntt/intt path instead of a naive DFT.
        int log = 14, n = 1 << log;
        long[] a = mont(random(n, 5)), b = mont(random(n, 6)), c = mont(random(n, 8));
        long[][] viaPublic = new long[3][];
        long[] g = F.fromBigInteger(omega(log + 1));
        long[][] in = {a.clone(), b.clone(), c.clone()};
        for (int k = 0; k < 3; k++) {
            long[] v = in[k];
            ntt.intt(v, log);
            long[] pow = F.one();
            for (int i = 0; i < n; i++) {
                F.mul(v, 4 * i, pow, 0, v, 4 * i);
                F.mul(pow, 0, g, 0, pow, 0);
            }
            ntt.ntt(v, log);
            viaPublic[k] = v;
        }
        long[] expected = new long[4 * n];
        for (int i = 0; i < n; i++) {
            F.mul(viaPublic[0], 4 * i, viaPublic[1], 4 * i, expected, 4 * i);
            F.sub(expected, 4 * i, viaPublic[2], 4 * i, expected, 4 * i);
        }
        assertArrayEquals(expected, ntt.quotientOnOddCoset(a, b, c, log));
    }

    @Test
    void rejectsShortVectorsAndOversizedDomains() {
        assertThrows(IllegalArgumentException.class, () -> ntt.ntt(new long[4 * 3], 2));
        assertThrows(IllegalArgumentException.class, () -> ntt.ntt(new long[4], 29));
        assertThrows(IllegalArgumentException.class, () -> ntt.quotientOnOddCoset(new long[4], new long[4], new long[4], 28));
    }
}
