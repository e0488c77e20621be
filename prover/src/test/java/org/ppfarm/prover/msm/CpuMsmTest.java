package org.ppfarm.prover.msm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.msm.MsmBackend.Group;

/**
 * CpuMsm's plain Pippenger path (no fixed-base tables: {@link FixedBaseMsmTest} covers those) against two oracles: bases with known discrete logs t_i (P_i = t_i G), where the MSM must equal
 * (sum s_i t_i mod r) G with the sum taken in BigInteger; and for small sizes the naive sum of scalar multiples.
 */
class CpuMsmTest {
    private static final BigInteger R = Field.FR.modulus();
    private static final ForkJoinPool WIDE = new ForkJoinPool(32);
    private static final CpuMsm MSM = new CpuMsm(CpuMsm.sharedPool(), 0);

    @AfterAll static void shutdown() { WIDE.shutdown(); }

    /** Bases with their discrete logs (null for infinity); includes infinities, duplicates and negations. */
    record Instance(Group group, Curve curve, long[] bases, BigInteger[] logs) {}

    static Instance instance(Group group, int n, SplittableRandom rnd) {
        Curve c = group == Group.G1 ? new G1() : new G2();
        int jl = c.jacobianLongs;
        BigInteger a = random(rnd), d = random(rnd);
        long[] g = c.jacobianOf(c.generator());
        long[] p = new long[jl], step = new long[jl];
        c.scalarMul(g, 0, a, p, 0);
        c.scalarMul(g, 0, d, step, 0);
        long[] jac = new long[n * jl];
        BigInteger[] logs = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            BigInteger t = a.add(d.multiply(BigInteger.valueOf(i))).mod(R);
            if (i % 17 == 5) {
                logs[i] = null;
                c.setInfinity(jac, i * jl);
            } else if (i > 0 && i % 13 == 7 && logs[i - 1] != null) {
                logs[i] = logs[i - 1];
                System.arraycopy(jac, (i - 1) * jl, jac, i * jl, jl);
            } else if (i > 0 && i % 11 == 3 && logs[i - 1] != null) {
                logs[i] = R.subtract(logs[i - 1]).mod(R);
                c.neg(jac, (i - 1) * jl, jac, i * jl);
            } else {
                logs[i] = t;
                System.arraycopy(p, 0, jac, i * jl, jl);
            }
            c.add(p, 0, step, 0, p, 0);
        }
        long[] bases = new long[n * c.affineLongs];
        c.batchToAffine(jac, 0, n, bases, 0);
        return new Instance(group, c, bases, logs);
    }

    /** n bases that are all G or −G (every third negated): buckets keep meeting equal and opposite points. */
    static Instance plusMinusG(Group group, int n) {
        Curve c = group == Group.G1 ? new G1() : new G2();
        long[] bases = new long[n * c.affineLongs];
        long[] g = c.generator(), ng = new long[c.affineLongs];
        c.negAffine(g, 0, ng, 0);
        BigInteger[] logs = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            boolean neg = i % 3 == 0;
            System.arraycopy(neg ? ng : g, 0, bases, i * c.affineLongs, c.affineLongs);
            logs[i] = neg ? R.subtract(BigInteger.ONE) : BigInteger.ONE;
        }
        return new Instance(group, c, bases, logs);
    }

    static BigInteger random(SplittableRandom rnd) {
        byte[] b = new byte[40];
        rnd.nextBytes(b);
        return new BigInteger(1, b).mod(R);
    }

    enum Kind { RANDOM, ZERO, ONE, MINUS_ONE, CIRCOM_MIX }

    static BigInteger scalar(Kind kind, int i, SplittableRandom rnd) {
        return switch (kind) {
            case RANDOM -> random(rnd);
            case ZERO -> BigInteger.ZERO;
            case ONE -> BigInteger.ONE;
            case MINUS_ONE -> R.subtract(BigInteger.ONE);
            case CIRCOM_MIX -> switch (i % 10) {
                case 0, 1, 2 -> BigInteger.ZERO;
                case 3, 4 -> BigInteger.ONE;
                case 5 -> BigInteger.valueOf(rnd.nextInt(1 << 20));
                case 6 -> R.subtract(BigInteger.valueOf(1 + rnd.nextInt(1000)));     // small negatives
                case 7 -> new BigInteger(64, new java.util.Random(rnd.nextLong()));
                case 8 -> i % 20 == 8 ? R.shiftRight(1) : R.shiftRight(1).add(BigInteger.ONE); // around (r-1)/2
                default -> random(rnd);
            };
        };
    }

    static long[] limbs(BigInteger[] s) {
        long[] out = new long[4 * s.length];
        for (int i = 0; i < s.length; i++) System.arraycopy(Field.limbs(s[i]), 0, out, 4 * i, 4);
        return out;
    }

    /** (sum s_i log_i) G in affine form. */
    static long[] expected(Instance in, BigInteger[] s) {
        BigInteger acc = BigInteger.ZERO;
        for (int i = 0; i < s.length; i++) if (in.logs()[i] != null) acc = acc.add(s[i].multiply(in.logs()[i]));
        Curve c = in.curve();
        long[] r = new long[c.jacobianLongs];
        c.scalarMul(c.jacobianOf(c.generator()), 0, acc.mod(R), r, 0);
        return c.affineOf(r);
    }

    /** The naive sum of scalar multiples of the actual base points. */
    static long[] naive(Instance in, BigInteger[] s) {
        Curve c = in.curve();
        long[] acc = new long[c.jacobianLongs], t = new long[c.jacobianLongs];
        for (int i = 0; i < s.length; i++) {
            long[] p = new long[c.affineLongs];
            System.arraycopy(in.bases(), i * c.affineLongs, p, 0, c.affineLongs);
            c.scalarMul(c.jacobianOf(p), 0, s[i], t, 0);
            c.add(acc, 0, t, 0, acc, 0);
        }
        return c.affineOf(acc);
    }

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (Group g : Group.values()) {
            for (int n : new int[] {1, 2, 3, 100, 1000, 1 << 12}) {
                for (Kind k : Kind.values()) {
                    if (g == Group.G2 && n == 1 << 12 && k != Kind.RANDOM && k != Kind.CIRCOM_MIX) continue;
                    list.add(Arguments.of(g, n, k));
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} n={1} {2}") @MethodSource("cases")
    void msmMatchesOracles(Group group, int n, Kind kind) {
        SplittableRandom rnd = new SplittableRandom(31L * n + kind.ordinal());
        Instance in = instance(group, n, rnd);
        BigInteger[] s = new BigInteger[n];
        for (int i = 0; i < n; i++) s[i] = scalar(kind, i, rnd);
        long[] scalars = limbs(s);
        long[] out = new long[group.affineLongs];
        MsmBackend.Bases bases = MSM.prepare(group, in.bases(), 0, n);
        MSM.msm(bases, scalars, out);
        long[] want = expected(in, s);
        assertArrayEquals(want, out);
        if (n <= 100) assertArrayEquals(naive(in, s), out);
        if (kind == Kind.ZERO) assertTrue(in.curve().isInfinityAffine(out, 0));
        if (n == 1 << 12) {   // more threads than windows: windows are also split into point ranges
            long[] wide = new long[group.affineLongs];
            CpuMsm wideMsm = new CpuMsm(WIDE, 0);
            wideMsm.msm(wideMsm.prepare(group, in.bases(), 0, n), scalars, wide);
            assertArrayEquals(want, wide);
        }
    }

    @ParameterizedTest @MethodSource("groups")
    void repeatedBasesExerciseDoublingAndCancellationInBuckets(Group group) {
        int n = 1 << 10;
        assertTrue(CpuMsm.chooseC(n, 253, JavaBucketKernel.INSTANCE) >= 8, "the batch-affine buckets are in use");
        Instance in = plusMinusG(group, n);
        SplittableRandom rnd = new SplittableRandom(4);
        BigInteger[] s = new BigInteger[n];
        for (int i = 0; i < n; i++) s[i] = random(rnd);
        long[] out = new long[group.affineLongs];
        MSM.msm(MSM.prepare(group, in.bases(), 0, n), limbs(s), out);
        assertArrayEquals(expected(in, s), out);
    }

    static Stream<Group> groups() { return Stream.of(Group.values()); }

    /** Equal scalars send every point of a window to one bucket: the batch-affine buckets' overflow path. */
    @ParameterizedTest @MethodSource("groups")
    void equalScalarsPileIntoOneBucket(Group group) {
        int n = 1 << 12;
        SplittableRandom rnd = new SplittableRandom(12);
        Instance in = instance(group, n, rnd);
        BigInteger v = random(rnd);
        BigInteger[] s = new BigInteger[n];
        for (int i = 0; i < n; i++) s[i] = i % 64 == 0 ? random(rnd) : v;
        long[] out = new long[group.affineLongs];
        MSM.msm(MSM.prepare(group, in.bases(), 0, n), limbs(s), out);
        assertArrayEquals(expected(in, s), out);
    }

    @Test
    void basesAtAnOffsetAndLongerScalarArrays() {
        SplittableRandom rnd = new SplittableRandom(8);
        Instance in = instance(Group.G1, 50, rnd);
        long[] shifted = new long[in.bases().length + 3 * G1.AFFINE];
        System.arraycopy(in.bases(), 0, shifted, 3 * G1.AFFINE, in.bases().length);
        BigInteger[] s = new BigInteger[60];
        for (int i = 0; i < s.length; i++) s[i] = random(rnd);
        long[] out = new long[G1.AFFINE];
        MSM.msm(MSM.prepare(Group.G1, shifted, 3 * G1.AFFINE, 50), limbs(s), out);
        assertArrayEquals(expected(in, java.util.Arrays.copyOf(s, 50)), out);
    }

    @Test
    void concurrentCallersGetTheirOwnResults() throws Exception {
        int callers = 4, n = 700;
        Instance in = instance(Group.G1, n, new SplittableRandom(21));
        MsmBackend.Bases b = MSM.prepare(Group.G1, in.bases(), 0, n);
        List<java.util.concurrent.Callable<Boolean>> jobs = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            SplittableRandom rnd = new SplittableRandom(100 + t);
            BigInteger[] s = new BigInteger[n];
            for (int i = 0; i < n; i++) s[i] = scalar(t % 2 == 0 ? Kind.RANDOM : Kind.CIRCOM_MIX, i, rnd);
            long[] want = expected(in, s), scalars = limbs(s);
            jobs.add(() -> {
                boolean ok = true;
                for (int rep = 0; rep < 3; rep++) {
                    long[] out = new long[G1.AFFINE];
                    MSM.msm(b, scalars, out);
                    ok &= java.util.Arrays.equals(want, out);
                }
                return ok;
            });
        }
        var exec = java.util.concurrent.Executors.newFixedThreadPool(callers);
        try {
            for (var f : exec.invokeAll(jobs)) assertTrue(f.get());
        } finally {
            exec.shutdown();
        }
    }

    /** A batch of scalar vectors over one base set gives each vector its own MSM, on the plain and the table path. */
    @Test
    void batchesGiveEachVectorItsOwnMsm() {
        int n = 300;
        for (Group group : Group.values()) {
            Instance in = instance(group, n, new SplittableRandom(33));
            long[][] scalars = new long[3][], want = new long[3][], outs = new long[3][group.affineLongs];
            for (int v = 0; v < 3; v++) {
                SplittableRandom rnd = new SplittableRandom(40 + v);
                BigInteger[] s = new BigInteger[n];
                for (int i = 0; i < n; i++) s[i] = scalar(v == 1 ? Kind.CIRCOM_MIX : Kind.RANDOM, i, rnd);
                scalars[v] = limbs(s);
                want[v] = expected(in, s);
            }
            for (CpuMsm backend : new CpuMsm[] {new CpuMsm(CpuMsm.sharedPool(), 0), new CpuMsm(CpuMsm.sharedPool(), Long.MAX_VALUE, 6)}) {
                MsmBackend.Bases b = backend.prepare(group, in.bases(), 0, n);
                backend.msmBatch(b, scalars, outs);
                for (int v = 0; v < 3; v++)
                    assertArrayEquals(want[v], outs[v], group + " vector " + v + (backend.hasTable(b) ? " with a table" : " plain"));
            }
        }
    }

    @Test
    void scalarsOutsideTheFieldAreRejected() {
        Instance in = instance(Group.G1, 4, new SplittableRandom(1));
        BigInteger[] s = {BigInteger.ONE, R, BigInteger.TWO, BigInteger.ZERO};
        MsmBackend.Bases b = MSM.prepare(Group.G1, in.bases(), 0, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> MSM.msm(b, limbs(s), new long[G1.AFFINE]));
        assertTrue(e.getMessage().contains("scalar 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MSM.prepare(Group.G2, in.bases(), 0, 4));
        assertThrows(IllegalArgumentException.class, () -> MSM.msm(b, new long[8], new long[G1.AFFINE]));
    }
}
