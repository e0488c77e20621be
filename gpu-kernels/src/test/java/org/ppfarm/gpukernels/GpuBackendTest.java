package org.ppfarm.gpukernels;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.ppfarm.cpukernels.MsmFixture;
import org.ppfarm.cpukernels.Oracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.prover.msm.MsmBackend.Group;
import org.ppfarm.prover.ntt.NttBackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ppfarm.cpukernels.Oracle.R_MOD;

/** The engine's seams (MsmBackend, NttBackend) implemented on the kernels. */
class GpuBackendTest {

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void msmThroughTheEngineSeam(NativeKernels kernels) {
        try (GpuBackend backend = GpuBackend.on(kernels, 0, 1L << 30)) {
            MsmBackend msm = backend;
            assertEquals(kernels.kind() == NativeKernels.Kind.CUDA ? "cuda:0" : "host-kernels:0", msm.name());
            for (Group g : Group.values()) {
                int n = 150, pl = g.affineLongs;
                MsmFixture fx = new MsmFixture(g, n, 20 + g.ordinal());
                // the points sit at an offset inside a larger array, as zkey sections do
                long[] section = new long[pl * (n + 3)];
                Arrays.fill(section, 0, 3 * pl, 0x5555_5555_5555_5555L);
                System.arraycopy(fx.bases, 0, section, 3 * pl, pl * n);
                try (MsmBackend.Bases bases = msm.prepare(g, section, 3 * pl, n)) {
                    assertEquals(n, bases.count());
                    assertEquals(g, bases.group());
                    Random rnd = new Random(g.ordinal());
                    long[] longer = MsmFixture.randomScalars(n + 10, rnd);  // only the first n are read
                    long[] out = new long[pl];
                    msm.msm(bases, longer, out);
                    assertArrayEquals(fx.expected(longer, 0), out, g + " msm");

                    long[][] vectors = {MsmFixture.randomScalars(n, rnd), MsmFixture.edgeScalars(n, rnd), longer};
                    long[][] outs = new long[3][pl];
                    msm.msmBatch(bases, vectors, outs);
                    for (int v = 0; v < 3; v++) assertArrayEquals(fx.expected(vectors[v], 0), outs[v], g + " batch " + v);

                    assertThrows(IllegalArgumentException.class, () -> msm.msm(bases, new long[4 * (n - 1)], out));
                }
            }
        }
    }

    /**
     * One scalar batch over several base sets (a proof's A, B1 and B2): one native call sharing the digits and sort
     * when the sets are of one size, set by set otherwise; every result is the single MSM's.
     */
    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void msmSharedOverSeveralBaseSets(NativeKernels kernels) {
        int n = 120;
        MsmFixture a = new MsmFixture(Group.G1, n, 50), b2 = new MsmFixture(Group.G2, n, 51), b1 = new MsmFixture(Group.G1, n, 52);
        MsmFixture shorter = new MsmFixture(Group.G1, n - 20, 53);
        Random rnd = new Random(54);
        long[][] vectors = {MsmFixture.randomScalars(n, rnd), MsmFixture.edgeScalars(n, rnd), new long[4 * n]};
        try (GpuBackend backend = GpuBackend.on(kernels, 0, 1L << 30);
             MsmBackend.Bases ba = backend.prepare(Group.G1, a.bases, 0, n);
             MsmBackend.Bases bb2 = backend.prepare(Group.G2, b2.bases, 0, n);
             MsmBackend.Bases bb1 = backend.prepare(Group.G1, b1.bases, 0, n);
             MsmBackend.Bases bs = backend.prepare(Group.G1, shorter.bases, 0, n - 20)) {
            List<MsmFixture> fixtures = List.of(b2, a, b1);
            long[][][] outs = {new long[3][16], new long[3][8], new long[3][8]};
            backend.msmShared(List.of(bb2, ba, bb1), vectors, outs);
            for (int j = 0; j < 3; j++)
                for (int v = 0; v < 3; v++) assertArrayEquals(fixtures.get(j).expected(vectors[v], 0), outs[j][v], "set " + j + ", vector " + v);

            long[][][] mixed = {new long[3][8], new long[3][8]};   // different sizes: one set at a time
            backend.msmShared(List.of(ba, bs), vectors, mixed);
            for (int v = 0; v < 3; v++) {
                assertArrayEquals(a.expected(vectors[v], 0), mixed[0][v]);
                assertArrayEquals(shorter.expected(vectors[v], 0), mixed[1][v]);
            }
            assertThrows(IllegalArgumentException.class, () -> backend.msmShared(List.of(ba, bb1), vectors, new long[][][] {outs[1]}));
        }
    }

    @Test
    void basesFromAnotherBackendAreRefused() {
        MsmFixture fx = new MsmFixture(Group.G1, 8, 30);
        try (GpuBackend a = GpuBackend.on(Kernels.host(), 0, 1L << 20);
             GpuBackend b = GpuBackend.on(Kernels.host(), 0, 1L << 20);
             MsmBackend.Bases bases = a.prepare(Group.G1, fx.bases, 0, 8)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.msm(bases, new long[32], new long[8]));
            assertEquals("bases were not prepared by this backend (host-kernels:0)", e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void nttAndQuotientThroughTheEngineSeam(NativeKernels kernels) {
        Random rnd = new Random(31);
        int log = 4, n = 1 << log;
        try (GpuBackend backend = GpuBackend.on(kernels, 0, 1L << 30)) {
            NttBackend ntt = backend;
            BigInteger[] a = Oracle.randomFr(n, rnd), b = Oracle.randomFr(n, rnd), c = Oracle.randomFr(n, rnd);
            long[] data = Oracle.montLimbs(a, R_MOD);
            ntt.ntt(data, log);
            BigInteger w = NttKernelTest.omega(log);
            for (int i = 0; i < n; i++) {
                assertEquals(NttKernelTest.eval(a, w.modPow(BigInteger.valueOf(i), R_MOD)),
                        Oracle.fromMont(Oracle.get(data, 4 * i), R_MOD));
            }
            ntt.intt(data, log);
            assertArrayEquals(Oracle.montLimbs(a, R_MOD), data);

            // quotientOnOddCoset: A·B − C of the interpolants at ω_2n^(2i+1), Montgomery form
            long[] h = ntt.quotientOnOddCoset(Oracle.montLimbs(a, R_MOD), Oracle.montLimbs(b, R_MOD),
                    Oracle.montLimbs(c, R_MOD), log);
            BigInteger[] pa = interpolate(a, log), pb = interpolate(b, log), pc = interpolate(c, log);
            BigInteger w2n = NttKernelTest.omega(log + 1);
            for (int i = 0; i < n; i++) {
                BigInteger x = w2n.modPow(BigInteger.valueOf(2L * i + 1), R_MOD);
                BigInteger want = NttKernelTest.eval(pa, x).multiply(NttKernelTest.eval(pb, x))
                        .subtract(NttKernelTest.eval(pc, x)).mod(R_MOD);
                assertEquals(want, Oracle.fromMont(Oracle.get(h, 4 * i), R_MOD), "H at " + i);
            }
        }
    }

    /** Coefficients of the polynomial with the given evaluations on the 2^log domain, by the naive inverse DFT. */
    private static BigInteger[] interpolate(BigInteger[] evals, int log) {
        int n = evals.length;
        BigInteger wInv = NttKernelTest.omega(log).modInverse(R_MOD), nInv = BigInteger.valueOf(n).modInverse(R_MOD);
        BigInteger[] coeffs = new BigInteger[n];
        for (int j = 0; j < n; j++) {
            BigInteger acc = BigInteger.ZERO;
            for (int i = 0; i < n; i++) acc = acc.add(evals[i].multiply(wInv.modPow(BigInteger.valueOf((long) i * j), R_MOD)));
            coeffs[j] = acc.multiply(nInv).mod(R_MOD);
        }
        return coeffs;
    }

    @Test
    void memoryLimitProperty() {
        String old = System.getProperty(GpuBackend.MEMORY_LIMIT_PROPERTY);
        try {
            System.setProperty(GpuBackend.MEMORY_LIMIT_PROPERTY, "512m");
            assertEquals(512L << 20, GpuBackend.memoryLimitFromProperty());
            System.setProperty(GpuBackend.MEMORY_LIMIT_PROPERTY, "70G");
            assertEquals(70L << 30, GpuBackend.memoryLimitFromProperty());
            System.setProperty(GpuBackend.MEMORY_LIMIT_PROPERTY, "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, GpuBackend::memoryLimitFromProperty);
            assertEquals("-Dppfarm.gpu.memoryLimit: 'lots' is not a size in bytes (e.g. 0, 512m, 2g)",
                    e.getMessage());
            System.clearProperty(GpuBackend.MEMORY_LIMIT_PROPERTY);
            assertEquals(0, GpuBackend.memoryLimitFromProperty());
        } finally {
            if (old == null) System.clearProperty(GpuBackend.MEMORY_LIMIT_PROPERTY);
            else System.setProperty(GpuBackend.MEMORY_LIMIT_PROPERTY, old);
        }
    }
}
