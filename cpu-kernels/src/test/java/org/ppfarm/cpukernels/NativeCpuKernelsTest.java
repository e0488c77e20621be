package org.ppfarm.cpukernels;

import java.math.BigInteger;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.msm.BucketKernel;
import org.ppfarm.prover.msm.CpuMsm;
import org.ppfarm.prover.msm.JavaBucketKernel;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.prover.msm.MsmBackend.Group;
import org.ppfarm.prover.ntt.CpuNttBackend;
import org.ppfarm.prover.ntt.JavaNttKernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's CPU MSM and NTT with the native kernels. The NTT: transforms and the Groth16 quotient equal the Java
 * kernel's limb for limb (whose results CpuNttBackendTest checks against BigInteger and snarkjs). The MSM with the
 * native bucket kernel: equal to the known answer (BigInteger discrete logs, see
 * {@link MsmFixture}) and limb for limb to the Java kernel, for G1 and G2, sizes from 1 to 2^13 (so window sizes
 * from a few bits, where every bucket collides, to the affine-batch regime), random, circom-like edge and all-zero
 * scalars, all-equal scalars (every window's points pile into one bucket), and with 1 and 3 threads.
 */
class NativeCpuKernelsTest {
    private static final ForkJoinPool THREE = new ForkJoinPool(3);
    private static final NativeBucketKernel NATIVE = new NativeBucketKernel(NativeCpuLibrary.bundled());

    @AfterAll
    static void shutdown() { THREE.shutdown(); }

    @Test
    void serviceLoaderSelectsTheNativeKernels() {
        assertEquals("native", CpuKernels.selected().name());
        assertEquals("native", CpuKernels.select("native").ntt().name());
        assertEquals("native", CpuKernels.selected().pairing().name());
        assertEquals("java", CpuKernels.select("java").name());
        assertEquals("java", CpuKernels.select("java").pairing().name());
        assertEquals("cpu-native", new CpuMsm().name());
        assertEquals("cpu-native", new CpuNttBackend().name());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> CpuKernels.select("gpu"));
        assertTrue(bad.getMessage().contains("ppfarm.cpu.kernels must be auto, java or native"), bad.getMessage());
    }

    @Test
    void nttAgreesWithTheJavaKernel() {
        CpuNttBackend nat = new CpuNttBackend(NativeCpuKernels.of(NativeCpuLibrary.bundled()).ntt());
        CpuNttBackend java = new CpuNttBackend(JavaNttKernel.INSTANCE);
        Random rnd = new Random(60);
        for (int log : new int[] {0, 1, 2, 5, 11, 12, 13, 15}) {
            int n = 1 << log;
            long[] a = Oracle.montLimbs(Oracle.randomFr(n, rnd), Oracle.R_MOD);
            long[] b = Oracle.montLimbs(Oracle.randomFr(n, rnd), Oracle.R_MOD);
            long[] c = Oracle.montLimbs(Oracle.randomFr(n, rnd), Oracle.R_MOD);
            long[] x = a.clone(), y = a.clone();
            nat.ntt(x, log);
            java.ntt(y, log);
            assertArrayEquals(y, x, "ntt 2^" + log);
            nat.intt(x, log);
            java.intt(y, log);
            assertArrayEquals(a, x, "intt(ntt(a)) == a, 2^" + log);
            assertArrayEquals(y, x, "intt 2^" + log);
            long[] hn = nat.quotientOnOddCoset(a.clone(), b.clone(), c.clone(), log);
            long[] hj = java.quotientOnOddCoset(a.clone(), b.clone(), c.clone(), log);
            assertArrayEquals(hj, hn, "quotient on the odd coset, 2^" + log);
        }
    }

    @Test
    void agreesWithTheKnownAnswerAndTheJavaKernel() {
        for (Group g : Group.values()) {
            int[] sizes = g == Group.G1 ? new int[] {1, 8, 300, 1 << 13} : new int[] {1, 8, 300, 1 << 11};
            for (int n : sizes) {
                MsmFixture fx = new MsmFixture(g, n, 70 + n + g.ordinal());
                Random rnd = new Random(71 + n);
                long[] equal = new long[4 * n];   // one hot bucket per window: the overflow path
                long[] one = MsmFixture.randomScalars(1, rnd);
                for (int i = 0; i < n; i++) System.arraycopy(one, 0, equal, 4 * i, 4);
                long[][] vectors = {MsmFixture.randomScalars(n, rnd), MsmFixture.edgeScalars(n, rnd), new long[4 * n], equal};
                for (ForkJoinPool pool : new ForkJoinPool[] {CpuMsm.sharedPool(), THREE}) {
                    CpuMsm nat = new CpuMsm(pool, NATIVE), java = new CpuMsm(pool, JavaBucketKernel.INSTANCE);
                    try (MsmBackend.Bases nb = nat.prepare(g, fx.bases, 0, n); MsmBackend.Bases jb = java.prepare(g, fx.bases, 0, n)) {
                        for (int v = 0; v < vectors.length; v++) {
                            long[] got = new long[g.affineLongs], want = new long[g.affineLongs];
                            nat.msm(nb, vectors[v], got);
                            java.msm(jb, vectors[v], want);
                            String what = g + " n=" + n + " vector " + v + " threads " + pool.getParallelism();
                            assertArrayEquals(fx.expected(vectors[v], 0), got, what + " (known answer)");
                            assertArrayEquals(want, got, what + " (java kernel)");
                        }
                    }
                }
            }
        }
    }

    @Test
    void fixedBaseTablesAgreeWithTheJavaKernel() {
        // c = 11 over 2^11 bases cuts the bucket set into thread ranges of uneven length (a past bug)
        for (Group g : Group.values()) {
            int n = g == Group.G1 ? 1 << 11 : 1 << 9;
            MsmFixture fx = new MsmFixture(g, n, 80 + g.ordinal());
            Random rnd = new Random(81);
            long[][] vectors = {MsmFixture.randomScalars(n, rnd), MsmFixture.edgeScalars(n, rnd)};
            for (int c : g == Group.G1 ? new int[] {11} : new int[] {8}) {
                CpuMsm nat = new CpuMsm(CpuMsm.sharedPool(), NATIVE, Long.MAX_VALUE, c);
                CpuMsm java = new CpuMsm(CpuMsm.sharedPool(), JavaBucketKernel.INSTANCE, 0, 0);
                try (MsmBackend.Bases nb = nat.prepare(g, fx.bases, 0, n); MsmBackend.Bases jb = java.prepare(g, fx.bases, 0, n)) {
                    assertTrue(nat.hasTable(nb), "a fixed table window builds the table at prepare");
                    for (int v = 0; v < vectors.length; v++) {
                        long[] got = new long[g.affineLongs], want = new long[g.affineLongs];
                        nat.msm(nb, vectors[v], got);
                        java.msm(jb, vectors[v], want);
                        String what = g + " table c=" + c + " vector " + v;
                        assertArrayEquals(fx.expected(vectors[v], 0), got, what + " (known answer)");
                        assertArrayEquals(want, got, what + " (java kernel, no table)");
                    }
                }
            }
        }
    }

    @Test
    void largeBucketRangesReduceToTheKnownAnswer() {
        // Ranges of 2,000 and ~10,000 buckets take the batch-affine running sums (64 and 256 lanes, some of them one
        // bucket longer), with the cases their batches must not get wrong planted inside lanes: a bucket equal to
        // the running sum above it (a doubling), one opposite to it (the sum cancels), empty stretches (a total
        // meets an unchanged running sum: a doubling) and a lane with nothing in it; entries outside the range
        // must be ignored, buckets below `hot` kept Jacobian.
        for (Group g : Group.values()) {
            MsmFixture fx = new MsmFixture(g, 64, 90 + g.ordinal());
            int al = 2 * (g == Group.G1 ? 4 : 8);
            Curve curve = MsmFixture.curve(g);
            for (int[] range : new int[][] {{0, 2000, 0}, {300, 10300, 305}}) {
                int lo = range[0], hi = range[1], hot = range[2];
                Random rnd = new Random(91 + lo);
                java.util.List<long[]> picks = new java.util.ArrayList<>();   // {point, bucket, neg}
                for (int b = lo - 50; b < hi + 50; b++) {
                    if (b < 0 || (b >= lo + 600 && b < lo + 900)) continue;   // an empty stretch wider than a lane
                    if (rnd.nextInt(5) == 0) continue;
                    for (int k = rnd.nextInt(2); k >= 0; k--) {
                        int point = 4 + rnd.nextInt(60);   // a table holds no infinity (the fixture's point 3)
                        picks.add(new long[] {point, b, rnd.nextInt(2)});
                    }
                }
                int[] planted = {lo + 40, lo + 1200, hi - 7};
                for (int at : planted) {
                    picks.removeIf(e -> e[1] >= at - 3 && e[1] <= at + 3);
                    picks.add(new long[] {9, at + 2, 0});    // the running sum arrives at at + 1 as P9 ...
                    picks.add(new long[] {9, at + 1, 0});    // ... meets P9: doubled to 2·P9
                    picks.add(new long[] {10, at, 0});
                    picks.add(new long[] {10, at - 1, 0});   // 2·P9 + 2·P10 ...
                    picks.add(new long[] {9, at - 2, 1});
                    picks.add(new long[] {9, at - 2, 1});
                    picks.add(new long[] {10, at - 3, 1});
                    picks.add(new long[] {10, at - 3, 1});   // ... cancelled to infinity by −2·P9, then by −2·P10
                }
                long[] packed = new long[picks.size()];
                BigInteger want = BigInteger.ZERO;
                for (int i = 0; i < packed.length; i++) {
                    long[] e = picks.get(i);
                    packed[i] = (e[0] * al) << 32 | e[1] << 1 | e[2];
                    if (e[1] < lo || e[1] >= hi) continue;
                    BigInteger log = e[2] == 0 ? fx.logs[(int) e[0]] : fx.logs[(int) e[0]].negate();
                    want = want.add(log.multiply(BigInteger.valueOf(e[1] + 1)));
                }
                Oracle.Point gen = g == Group.G1 ? Oracle.G1_GEN : Oracle.G2_GEN;
                long[] expected = Oracle.pointLimbs(Oracle.mul(gen, want.mod(Oracle.R_MOD)), g == Group.G2);
                int bucketLog = 32 - Integer.numberOfLeadingZeros(hi - lo);
                for (BucketKernel kernel : new BucketKernel[] {NATIVE, JavaBucketKernel.INSTANCE}) {
                    long[] out = new long[curve.jacobianLongs], got = new long[curve.affineLongs];
                    try (BucketKernel.Resident r = kernel.resident(fx.bases.clone());
                         BucketKernel.Packed e = kernel.packed(new long[][] {packed}, new int[] {packed.length})) {
                        kernel.rangeSum(g == Group.G2, r, e, lo, hi, hot, bucketLog, out, 0);
                    }
                    curve.toAffine(out, 0, got, 0);
                    assertArrayEquals(expected, got, g + " buckets [" + lo + ", " + hi + ") on the " + kernel.name() + " kernel");
                }
            }
        }
    }

    @Test
    void precomputedTableStrideReadsOneShiftedCopyPerWindow() {
        // two windows over a table whose second copy is the first one's points: equal to digit sums of both windows
        Group g = Group.G1;
        int n = 64;
        MsmFixture fx = new MsmFixture(g, n, 9);
        long[] table = new long[2 * fx.bases.length];
        System.arraycopy(fx.bases, 0, table, 0, fx.bases.length);
        System.arraycopy(fx.bases, 0, table, fx.bases.length, fx.bases.length);
        long[] scalars = MsmFixture.randomScalars(n, new Random(10));
        int[] refs = new int[n];
        for (int i = 0; i < n; i++) refs[i] = (i * g.affineLongs) << 1;
        long[] viaTable = new long[12], w0 = new long[12], w1 = new long[12], sum = new long[12];
        try (BucketKernel.Resident r = NATIVE.resident(table); BucketKernel.Entries e = NATIVE.entries(refs, scalars, n)) {
            NATIVE.bucketSum(false, r, e, 0, n, 0, 2, 8, 7, fx.bases.length, viaTable, 0);
            NATIVE.bucketSum(false, r, e, 0, n, 0, 1, 8, 7, 0, w0, 0);
            NATIVE.bucketSum(false, r, e, 0, n, 1, 2, 8, 7, 0, w1, 0);
        }
        var c = new org.ppfarm.prover.bn254.G1();
        c.add(w0, 0, w1, 0, sum, 0);
        assertTrue(c.equal(sum, 0, viaTable, 0), "table windows share one bucket set");
    }

    @Test
    void badArgumentsAreTypedErrorsNamingTheProblem() {
        long[] bases = new MsmFixture(Group.G1, 4, 1).bases;
        long[] scalars = MsmFixture.randomScalars(4, new Random(2));
        int[] refs = {0, 16, 32, 48 << 1};   // the last reference points past the bases
        try (BucketKernel.Resident r = NATIVE.resident(bases); BucketKernel.Entries e = NATIVE.entries(refs, scalars, 4)) {
            long[] out = new long[12];
            NativeException tooMany = assertThrows(NativeException.class, () -> NATIVE.bucketSum(false, r, e, 0, 3, 0, 1, 8, 8, 0, out, 0));
            assertTrue(tooMany.getMessage().contains("bucket_log 8 exceeds"), tooMany.getMessage());
            NativeException outside = assertThrows(NativeException.class, () -> NATIVE.bucketSum(false, r, e, 0, 4, 0, 1, 8, 7, 0, out, 0));
            assertTrue(outside.getMessage().contains("entry 3") && outside.getMessage().contains("outside"), outside.getMessage());
        }
    }
}
