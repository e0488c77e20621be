package org.ppfarm.gpukernels;

import java.math.BigInteger;
import java.util.Random;
import java.util.stream.IntStream;

import org.ppfarm.cpukernels.Oracle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ppfarm.cpukernels.Oracle.R_MOD;

/**
 * The kernels' NTTs against BigInteger with snarkjs's conventions (ntt.cuh): ω_n = w28^(2^(28-k)), natural order,
 * intt includes 1/n, the coset is the odd powers of ω_{2n}; and the H step built from them. Sizes cross 2^10, where
 * the device switches from the fused shared-memory stages to global ones.
 */
class NttKernelTest {
    private static final int[] LOGS = {0, 1, 2, 3, 5, 6, 10, 11, 13};

    static BigInteger omega(int log) { return Oracle.W28.modPow(BigInteger.ONE.shiftLeft(28 - log), R_MOD); }

    /** sum_j a[j] x^j (Horner). */
    static BigInteger eval(BigInteger[] a, BigInteger x) {
        BigInteger acc = BigInteger.ZERO;
        for (int j = a.length - 1; j >= 0; j--) acc = acc.multiply(x).add(a[j]).mod(R_MOD);
        return acc;
    }

    /** Output indices checked for size n: all when small (the naive O(n^2) DFT), else a spread sample. */
    static int[] indices(int n) {
        if (n <= 64) return IntStream.range(0, n).toArray();
        return new int[] {0, 1, 2, 3, n / 2 - 1, n / 2, n / 2 + 1, n / 3, 2 * n / 3, n - 2, n - 1};
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void forwardEvaluatesAtPowersOfSnarkjsRoot(NativeKernels kernels) {
        Random rnd = new Random(40);
        try (KernelContext ctx = Kernels.open(kernels)) {
            for (int log : LOGS) {
                int n = 1 << log;
                BigInteger[] a = Oracle.randomFr(n, rnd);
                long[] data = Oracle.montLimbs(a, R_MOD);
                ctx.ntt(data, log, 1);
                BigInteger[] got = Oracle.fromMontLimbs(data, n, R_MOD);
                BigInteger w = omega(log);
                for (int i : indices(n)) assertEquals(eval(a, w.modPow(BigInteger.valueOf(i), R_MOD)), got[i],
                        "ntt 2^" + log + " output " + i);
            }
            // the transform of X is (ω^i): pins the root itself, not just some root of the right order
            for (int log = 1; log <= 12; log++) {
                BigInteger[] x = new BigInteger[1 << log];
                java.util.Arrays.fill(x, BigInteger.ZERO);
                x[1] = BigInteger.ONE;
                long[] data = Oracle.montLimbs(x, R_MOD);
                ctx.ntt(data, log, 1);
                assertEquals(omega(log), Oracle.fromMont(Oracle.get(data, 4), R_MOD), "ω for 2^" + log);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void inverseIsTheExactInverseWithOneOverN(NativeKernels kernels) {
        Random rnd = new Random(41);
        try (KernelContext ctx = Kernels.open(kernels)) {
            for (int log : LOGS) {
                int n = 1 << log;
                BigInteger[] evals = Oracle.randomFr(n, rnd);
                long[] data = Oracle.montLimbs(evals, R_MOD);
                ctx.intt(data, log, 1);
                BigInteger[] coeffs = Oracle.fromMontLimbs(data, n, R_MOD);
                BigInteger w = omega(log);
                for (int i : indices(n)) assertEquals(evals[i], eval(coeffs, w.modPow(BigInteger.valueOf(i), R_MOD)),
                        "intt 2^" + log + " reproduces evaluation " + i);
                ctx.ntt(data, log, 1);
                assertArrayEquals(Oracle.montLimbs(evals, R_MOD), data, "ntt(intt(x)) = x, 2^" + log);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void cosetIsTheOddPowersOfTheDoubleSizeRoot(NativeKernels kernels) {
        Random rnd = new Random(42);
        try (KernelContext ctx = Kernels.open(kernels)) {
            for (int log : LOGS) {
                int n = 1 << log;
                BigInteger[] a = Oracle.randomFr(n, rnd);
                long[] data = Oracle.montLimbs(a, R_MOD);
                ctx.cosetNtt(data, log, 1);
                BigInteger[] got = Oracle.fromMontLimbs(data, n, R_MOD);
                BigInteger w2n = omega(log + 1);
                for (int i : indices(n)) assertEquals(eval(a, w2n.modPow(BigInteger.valueOf(2L * i + 1), R_MOD)),
                        got[i], "coset ntt 2^" + log + " output " + i + " at ω_2n^(2i+1)");
                ctx.cosetIntt(data, log, 1);
                assertArrayEquals(Oracle.montLimbs(a, R_MOD), data, "coset round trip 2^" + log);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void batchedVectorsTransformIndependently(NativeKernels kernels) {
        int log = 11, n = 1 << log, count = 3;
        Random rnd = new Random(43);
        long[] batch = new long[4 * n * count];
        for (int v = 0; v < count; v++) System.arraycopy(Oracle.montLimbs(Oracle.randomFr(n, rnd), R_MOD), 0, batch, 4 * n * v, 4 * n);
        try (KernelContext ctx = Kernels.open(kernels)) {
            long[] separate = batch.clone();
            ctx.cosetNtt(batch, log, count);
            for (int v = 0; v < count; v++) {
                long[] one = java.util.Arrays.copyOfRange(separate, 4 * n * v, 4 * n * (v + 1));
                ctx.cosetNtt(one, log, 1);
                assertArrayEquals(one, java.util.Arrays.copyOfRange(batch, 4 * n * v, 4 * n * (v + 1)), "vector " + v);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void hIsABMinusCOnTheOddCoset(NativeKernels kernels) {
        Random rnd = new Random(44);
        try (KernelContext ctx = Kernels.open(kernels)) {
            for (int log : new int[] {0, 3, 5, 11}) {
                int n = 1 << log;
                BigInteger[] a = Oracle.randomFr(n, rnd), b = Oracle.randomFr(n, rnd), c = Oracle.randomFr(n, rnd);
                BigInteger k = Oracle.random(rnd, R_MOD);
                long[] am = Oracle.montLimbs(a, R_MOD), bm = Oracle.montLimbs(b, R_MOD), cm = Oracle.montLimbs(c, R_MOD);
                long[] kOne = ctx.computeH(am, bm, cm, log, null, false);
                long[] kStd = ctx.computeH(am, bm, cm, log, Oracle.montLimbs(new BigInteger[] {k}, R_MOD), true);
                assertArrayEquals(Oracle.montLimbs(a, R_MOD), am, "inputs untouched");
                // coefficients of the interpolants, through the already-checked intt
                long[] ac = am.clone(), bc = bm.clone(), cc = cm.clone();
                ctx.intt(ac, log, 1);
                ctx.intt(bc, log, 1);
                ctx.intt(cc, log, 1);
                BigInteger[] pa = Oracle.fromMontLimbs(ac, n, R_MOD), pb = Oracle.fromMontLimbs(bc, n, R_MOD),
                        pc = Oracle.fromMontLimbs(cc, n, R_MOD);
                BigInteger w2n = omega(log + 1);
                for (int i : indices(n)) {
                    BigInteger x = w2n.modPow(BigInteger.valueOf(2L * i + 1), R_MOD);
                    BigInteger h = eval(pa, x).multiply(eval(pb, x)).subtract(eval(pc, x)).mod(R_MOD);
                    assertEquals(h, Oracle.fromMont(Oracle.get(kOne, 4 * i), R_MOD), "H 2^" + log + " at " + i);
                    assertEquals(h.multiply(k).mod(R_MOD), Oracle.get(kStd, 4 * i), "H*k standard form, 2^" + log);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void pointwiseHStep(NativeKernels kernels) {
        Random rnd = new Random(45);
        int n = 77;
        BigInteger[] a = Oracle.randomWithEdges(rnd, R_MOD, n - 7), b = Oracle.randomWithEdges(rnd, R_MOD, n - 7),
                c = Oracle.randomWithEdges(rnd, R_MOD, n - 7);
        java.util.Collections.reverse(java.util.Arrays.asList(b));
        BigInteger k = Oracle.random(rnd, R_MOD);
        try (KernelContext ctx = Kernels.open(kernels)) {
            long[] mont = ctx.hPointwise(Oracle.montLimbs(a, R_MOD), Oracle.montLimbs(b, R_MOD),
                    Oracle.montLimbs(c, R_MOD), Oracle.montLimbs(new BigInteger[] {k}, R_MOD), n, false);
            long[] std = ctx.hPointwise(Oracle.montLimbs(a, R_MOD), Oracle.montLimbs(b, R_MOD),
                    Oracle.montLimbs(c, R_MOD), null, n, true);
            for (int i = 0; i < n; i++) {
                BigInteger abc = a[i].multiply(b[i]).subtract(c[i]).mod(R_MOD);
                assertEquals(abc.multiply(k).mod(R_MOD), Oracle.fromMont(Oracle.get(mont, 4 * i), R_MOD), "k(ab-c) " + i);
                assertEquals(abc, Oracle.get(std, 4 * i), "ab-c standard " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void sizesBeyondSnarkjsCosetAreRefused(NativeKernels kernels) {
        try (KernelContext ctx = Kernels.open(kernels)) {
            assertThrows(IllegalArgumentException.class, () -> ctx.ntt(new long[4], 28, 1));
            assertThrows(IllegalArgumentException.class, () -> ctx.ntt(new long[4 * 8], 4, 1));  // too short
        }
    }
}
