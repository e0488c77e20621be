package org.ppfarm.gpukernels;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.ppfarm.cpukernels.MsmFixture;
import org.ppfarm.cpukernels.Oracle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.msm.MsmBackend.Group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernels' Pippenger MSM (signed windows, sorted buckets, segmented reduction) against known answers. */
class MsmKernelTest {

    static List<Object[]> sizes() {
        List<Object[]> out = new ArrayList<>();
        for (NativeKernels k : Kernels.all()) {
            for (int log : new int[] {8, 10, 12}) out.add(new Object[] {k, Group.G1, log});
            for (int log : new int[] {8, 10}) out.add(new Object[] {k, Group.G2, log});
        }
        return out;
    }

    static List<Object[]> groups() {
        List<Object[]> out = new ArrayList<>();
        for (NativeKernels k : Kernels.all()) for (Group g : Group.values()) out.add(new Object[] {k, g});
        return out;
    }

    @ParameterizedTest(name = "{1} 2^{2} on {0}")
    @MethodSource("sizes")
    void randomAndEdgeScalarsMatchTheKnownAnswer(NativeKernels kernels, Group g, int log) {
        int n = 1 << log;
        MsmFixture fx = new MsmFixture(g, n, 100 + log);
        Random rnd = new Random(log);
        long[] random = MsmFixture.randomScalars(n, rnd), edge = MsmFixture.edgeScalars(n, rnd);
        try (KernelContext ctx = Kernels.open(kernels); ResidentBases bases = ctx.upload(g, fx.bases, 0, n)) {
            long[] out = new long[g.affineLongs];
            ctx.msm(bases, random, 0, n, 1, 0, out, 0);
            assertArrayEquals(fx.expected(random, 0), out, g + " random scalars, n=" + n);
            ctx.msm(bases, edge, 0, n, 1, 0, out, 0);
            assertArrayEquals(fx.expected(edge, 0), out, g + " edge scalars, n=" + n);
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("groups")
    void everyWindowWidthGivesTheSameAnswer(NativeKernels kernels, Group g) {
        int n = 300;
        MsmFixture fx = new MsmFixture(g, n, 7);
        long[] scalars = MsmFixture.edgeScalars(n, new Random(8));
        long[] want = fx.expected(scalars, 0);
        int[] widths = g == Group.G1 ? IntStream.rangeClosed(2, 16).toArray() : new int[] {2, 3, 8, 9, 16};
        try (KernelContext ctx = Kernels.open(kernels); ResidentBases bases = ctx.upload(g, fx.bases, 0, n)) {
            for (int c : widths) {
                long[] out = new long[g.affineLongs];
                ctx.msm(bases, scalars, 0, n, 1, c, out, 0);
                assertArrayEquals(want, out, g + " window " + c);
            }
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("groups")
    void severalVectorsInOneCallAndPrefixesOfTheBases(NativeKernels kernels, Group g) {
        int n = 200, vectors = 3, prefix = 57;
        MsmFixture fx = new MsmFixture(g, n, 9);
        Random rnd = new Random(10);
        long[] scalars = new long[4 * n * vectors];
        System.arraycopy(MsmFixture.randomScalars(n, rnd), 0, scalars, 0, 4 * n);
        System.arraycopy(MsmFixture.edgeScalars(n, rnd), 0, scalars, 4 * n, 4 * n);
        // vector 2 stays all zero: the answer is the point at infinity
        int pl = g.affineLongs;
        try (KernelContext ctx = Kernels.open(kernels); ResidentBases bases = ctx.upload(g, fx.bases, 0, n)) {
            long[] batch = new long[pl * vectors];
            ctx.msm(bases, scalars, 0, n, vectors, 0, batch, 0);
            for (int v = 0; v < vectors; v++) {
                long[] single = new long[pl];
                ctx.msm(bases, scalars, 4 * n * v, n, 1, 0, single, 0);
                assertArrayEquals(fx.expected(scalars, 4 * n * v), single, g + " vector " + v);
                assertArrayEquals(single, Arrays.copyOfRange(batch, pl * v, pl * (v + 1)), g + " batched vector " + v);
            }
            assertTrue(Arrays.stream(batch, 2 * pl, 3 * pl).allMatch(x -> x == 0), "zero scalars give infinity");

            // only the first `prefix` bases are used when n is smaller than the resident count
            long[] out = new long[pl];
            ctx.msm(bases, scalars, 0, prefix, 1, 0, out, 0);
            long[] cut = Arrays.copyOf(scalars, 4 * n);
            Arrays.fill(cut, 4 * prefix, 4 * n, 0L);
            assertArrayEquals(fx.expected(cut, 0), out, g + " prefix of " + prefix + " bases");
        }
    }

    /**
     * The window-sum stage's edges, for widths whose windows take one segment of buckets (c = 2, 5), one tree level
     * (c = 8) or several (c = 9, 16): one filled bucket in the whole MSM, one per window, buckets either side of a
     * segment boundary and the top bucket, negative digits with carries, and a vector whose sum is infinity.
     */
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("groups")
    void windowSumEdges(NativeKernels kernels, Group g) {
        int n = 16, vectors = 4, pl = g.affineLongs;
        MsmFixture fx = new MsmFixture(g, n, 13);
        BigInteger r = Oracle.R_MOD;
        try (KernelContext ctx = Kernels.open(kernels); ResidentBases bases = ctx.upload(g, fx.bases, 0, n)) {
            for (int c : new int[] {2, 5, 8, 9, 16}) {
                int windows = Math.min((255 + c - 1) / c - 1, 252 / c), nb = 1 << (c - 1), seg = 16, top = (1 << c) - 1;
                long[] scalars = new long[4 * n * vectors];
                // v0: one filled bucket in the whole MSM
                Oracle.put(BigInteger.ONE, scalars, 4 * 1);
                // v1: in every window, buckets seg-1 | seg (either side of the first segment boundary), the top bucket
                // nb-1, bucket 2 seg-1, and negative digits with carries (digits above the window's range clamped)
                int[] digits = {seg, seg + 1, nb, 2 * seg, nb + 1, nb + seg + 1};
                for (int i = 0; i < digits.length; i++) {
                    Oracle.put(everyWindow(Math.min(digits[i], top), c, windows), scalars, 4 * (n + 2 * i));
                }
                // v2: one filled bucket per window; v3: k log_2 P_1 - k log_1 P_2 = infinity
                Oracle.put(everyWindow(nb, c, windows), scalars, 4 * (2 * n + 4));
                BigInteger k = Oracle.random(new Random(c), r);
                Oracle.put(k.multiply(fx.logs[2]).mod(r), scalars, 4 * (3 * n + 1));
                Oracle.put(k.multiply(fx.logs[1]).negate().mod(r), scalars, 4 * (3 * n + 2));

                long[] batch = new long[pl * vectors];
                ctx.msm(bases, scalars, 0, n, vectors, c, batch, 0);
                for (int v = 0; v < vectors; v++) {
                    long[] single = new long[pl];
                    ctx.msm(bases, scalars, 4 * n * v, n, 1, c, single, 0);
                    assertArrayEquals(fx.expected(scalars, 4 * n * v), single, g + " window " + c + " vector " + v);
                    assertArrayEquals(single, Arrays.copyOfRange(batch, pl * v, pl * (v + 1)),
                                      g + " window " + c + " batched vector " + v);
                }
                assertTrue(Arrays.stream(batch, 3 * pl, 4 * pl).allMatch(x -> x == 0), "the sum is infinity");
            }
        }
    }

    /** The scalar whose c-bit windows 0 .. windows-1 all hold `digit` (before the signed recoding). */
    private static BigInteger everyWindow(int digit, int c, int windows) {
        BigInteger s = BigInteger.ZERO;
        for (int w = 0; w < windows; w++) s = s.add(BigInteger.valueOf(digit).shiftLeft(c * w));
        return s;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("groups")
    void unreducedScalarsAndOversizedRequestsAreRejected(NativeKernels kernels, Group g) {
        int n = 64;
        MsmFixture fx = new MsmFixture(g, n, 11);
        long[] scalars = MsmFixture.randomScalars(2 * n, new Random(12));
        Oracle.put(Oracle.R_MOD, scalars, 4 * (n + 5));  // vector 1, scalar 5 equals r
        try (KernelContext ctx = Kernels.open(kernels); ResidentBases bases = ctx.upload(g, fx.bases, 0, n)) {
            long[] out = new long[2 * g.affineLongs];
            GpuException e = assertThrows(GpuException.class, () -> ctx.msm(bases, scalars, 0, n, 2, 0, out, 0));
            assertEquals(GpuException.Status.ARGUMENT, e.status());
            assertTrue(e.getMessage().contains("scalar 5 of vector 1 is not reduced mod r"), e.getMessage());

            long[] more = new long[4 * (n + 1)];
            e = assertThrows(GpuException.class, () -> ctx.msm(bases, more, 0, n + 1, 1, 0, out, 0));
            assertTrue(e.getMessage().contains("the bases hold 64 points"), e.getMessage());
            e = assertThrows(GpuException.class, () -> ctx.msm(bases, scalars, 0, n, 1, 17, out, 0));
            assertTrue(e.getMessage().contains("window_bits 17"), e.getMessage());

            // the context is still usable afterwards
            long[] ok = new long[g.affineLongs];
            ctx.msm(bases, scalars, 0, n, 1, 0, ok, 0);
            assertArrayEquals(fx.expected(scalars, 0), ok);
        }
    }
}
