package org.ppfarm.prover.msm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
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
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.msm.CpuMsmTest.Instance;
import org.ppfarm.prover.msm.CpuMsmTest.Kind;
import org.ppfarm.prover.msm.MsmBackend.Group;

/**
 * The fixed-base (precomputed table) MSM against the BigInteger discrete-log oracle, the naive sum of scalar
 * multiples, and the plain Pippenger path of a table-free backend, on the same bases and scalars: random and
 * circom-like scalars, 0, ±1, (r-1)/2 and its neighbours, digits that carry into the top window, infinity,
 * duplicate and opposite bases, n = 1, both groups, and with more threads than bucket ranges can use.
 */
class FixedBaseMsmTest {
    private static final BigInteger R = Field.FR.modulus();
    private static final ForkJoinPool WIDE = new ForkJoinPool(7);
    private static final CpuMsm PLAIN = new CpuMsm(CpuMsm.sharedPool(), 0);

    @AfterAll static void shutdown() { WIDE.shutdown(); }

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (Group g : Group.values()) {
            for (int n : new int[] {1, 3, 100, 1500}) {
                for (int c : new int[] {8, 11}) {
                    if (g == Group.G2 && n == 1500 && c == 8) continue;   // the G2 table build dominates the suite
                    list.add(Arguments.of(g, n, c));
                }
            }
        }
        return list.stream();
    }

    /** Scalars whose signed digits carry through every window up into the top one, and the extremes of the fold. */
    static List<BigInteger> carryScalars(int c) {
        List<BigInteger> out = new ArrayList<>();
        BigInteger halfPlusOne = BigInteger.ONE.shiftLeft(c - 1).add(BigInteger.ONE), allHigh = BigInteger.ZERO;
        for (int k = 0; k * c < 253; k++) allHigh = allHigh.add(halfPlusOne.shiftLeft(k * c));
        BigInteger half = R.shiftRight(1);   // (r - 1) / 2: the largest scalar that is not folded
        out.add(allHigh.mod(half));
        out.add(BigInteger.ONE.shiftLeft(252).subtract(BigInteger.ONE));   // all ones, below (r-1)/2
        out.add(half);
        out.add(half.add(BigInteger.ONE));   // folded to (r-1)/2 on the negated point
        out.add(half.subtract(BigInteger.ONE));
        out.add(R.subtract(BigInteger.TWO));
        out.add(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));   // the largest "small" scalar
        out.add(BigInteger.ONE.shiftLeft(64));
        return out;
    }

    @ParameterizedTest(name = "{0} n={1} c={2}") @MethodSource("cases")
    void tableMsmMatchesOraclesAndThePlainPath(Group group, int n, int c) {
        SplittableRandom rnd = new SplittableRandom(1000L * n + c);
        Instance in = CpuMsmTest.instance(group, n, rnd);
        CpuMsm fixed = new CpuMsm(CpuMsm.sharedPool(), Long.MAX_VALUE, c);
        MsmBackend.Bases bases = fixed.prepare(group, in.bases(), 0, n);
        assertTrue(fixed.tableBytesInUse() > 0, "a table was built");
        MsmBackend.Bases plainBases = PLAIN.prepare(group, in.bases(), 0, n);
        List<BigInteger[]> vectors = new ArrayList<>();
        for (Kind k : Kind.values()) {
            BigInteger[] s = new BigInteger[n];
            for (int i = 0; i < n; i++) s[i] = CpuMsmTest.scalar(k, i, rnd);
            vectors.add(s);
        }
        List<BigInteger> carries = carryScalars(c);
        BigInteger[] mixed = new BigInteger[n];
        for (int i = 0; i < n; i++) mixed[i] = i % 3 == 0 ? carries.get(i / 3 % carries.size()) : CpuMsmTest.random(rnd);
        vectors.add(mixed);
        for (BigInteger[] s : vectors) {
            long[] scalars = CpuMsmTest.limbs(s);
            long[] out = new long[group.affineLongs], plain = new long[group.affineLongs];
            fixed.msm(bases, scalars, out);
            PLAIN.msm(plainBases, scalars, plain);
            assertArrayEquals(CpuMsmTest.expected(in, s), out);
            assertArrayEquals(plain, out);
            if (n <= 100) assertArrayEquals(CpuMsmTest.naive(in, s), out);
        }
        bases.close();
        assertEquals(0, fixed.tableBytesInUse(), "closing returns the table's bytes to the budget");
    }

    @Test
    void everyCarryScalarAloneOnBothGroups() {
        for (Group group : Group.values()) {
            Instance in = CpuMsmTest.instance(group, 1, new SplittableRandom(5));
            for (int c : new int[] {8, 13}) {
                CpuMsm fixed = new CpuMsm(CpuMsm.sharedPool(), Long.MAX_VALUE, c);
                MsmBackend.Bases b = fixed.prepare(group, in.bases(), 0, 1);
                for (BigInteger s : carryScalars(c)) {
                    long[] out = new long[group.affineLongs];
                    fixed.msm(b, CpuMsmTest.limbs(new BigInteger[] {s}), out);
                    assertArrayEquals(CpuMsmTest.naive(in, new BigInteger[] {s}), out, group + " c=" + c + " s=" + s);
                }
            }
        }
    }

    /** ±G only: within a window every bucket keeps meeting equal and opposite points (doubling, cancellation). */
    @ParameterizedTest @MethodSource("groups")
    void repeatedBasesExerciseDoublingAndCancellationInBuckets(Group group) {
        int n = 1 << 10;
        Instance in = CpuMsmTest.plusMinusG(group, n);
        SplittableRandom rnd = new SplittableRandom(4);
        BigInteger[] s = new BigInteger[n];
        for (int i = 0; i < n; i++) s[i] = i % 5 == 0 ? BigInteger.valueOf(1 + i % 7) : CpuMsmTest.random(rnd);
        CpuMsm fixed = new CpuMsm(CpuMsm.sharedPool(), Long.MAX_VALUE, 9);
        long[] out = new long[group.affineLongs];
        fixed.msm(fixed.prepare(group, in.bases(), 0, n), CpuMsmTest.limbs(s), out);
        assertArrayEquals(CpuMsmTest.expected(in, s), out);
    }

    static Stream<Group> groups() { return Stream.of(Group.values()); }

    /** Equal scalars: every window's digit lands in the same bucket for all points (the overflow path). */
    @ParameterizedTest @MethodSource("groups")
    void equalScalarsPileIntoOneBucketPerWindow(Group group) {
        int n = 1 << 11;
        SplittableRandom rnd = new SplittableRandom(13);
        Instance in = CpuMsmTest.instance(group, n, rnd);
        BigInteger v = CpuMsmTest.random(rnd);
        BigInteger[] s = new BigInteger[n];
        for (int i = 0; i < n; i++) s[i] = i % 50 == 0 ? CpuMsmTest.random(rnd) : v;
        CpuMsm fixed = new CpuMsm(CpuMsm.sharedPool(), Long.MAX_VALUE, 10);
        long[] out = new long[group.affineLongs];
        fixed.msm(fixed.prepare(group, in.bases(), 0, n), CpuMsmTest.limbs(s), out);
        assertArrayEquals(CpuMsmTest.expected(in, s), out);
    }

    @Test
    void moreThreadsSplitTheBucketsIntoMoreRanges() {
        int n = 1 << 13;
        SplittableRandom rnd = new SplittableRandom(77);
        Instance in = CpuMsmTest.instance(Group.G1, n, rnd);
        CpuMsm wide = new CpuMsm(WIDE, Long.MAX_VALUE, 9);
        MsmBackend.Bases b = wide.prepare(Group.G1, in.bases(), 0, n);
        for (Kind k : new Kind[] {Kind.RANDOM, Kind.CIRCOM_MIX}) {
            BigInteger[] s = new BigInteger[n];
            for (int i = 0; i < n; i++) s[i] = CpuMsmTest.scalar(k, i, rnd);
            long[] out = new long[G1.AFFINE];
            wide.msm(b, CpuMsmTest.limbs(s), out);
            assertArrayEquals(CpuMsmTest.expected(in, s), out, k.toString());
        }
    }

    @Test
    void basesAtAnOffsetUseTheirOwnTableEntries() {
        SplittableRandom rnd = new SplittableRandom(8);
        Instance in = CpuMsmTest.instance(Group.G1, 300, rnd);
        long[] shifted = new long[in.bases().length + 5 * G1.AFFINE];
        System.arraycopy(in.bases(), 0, shifted, 5 * G1.AFFINE, in.bases().length);
        BigInteger[] s = new BigInteger[310];
        for (int i = 0; i < s.length; i++) s[i] = CpuMsmTest.random(rnd);
        CpuMsm fixed = new CpuMsm(CpuMsm.sharedPool(), Long.MAX_VALUE, 10);
        long[] out = new long[G1.AFFINE];
        fixed.msm(fixed.prepare(Group.G1, shifted, 5 * G1.AFFINE, 300), CpuMsmTest.limbs(s), out);
        assertArrayEquals(CpuMsmTest.expected(in, java.util.Arrays.copyOf(s, 300)), out);
    }

    @Test
    void theBudgetDecidesWhetherATableIsBuilt() {
        int n = 1 << 12;
        Instance in = CpuMsmTest.instance(Group.G1, n, new SplittableRandom(3));
        int finite = FixedBaseTable.countFinite(MemorySegment.ofArray(in.bases()), 0, n, G1.AFFINE);
        int c = FixedBaseTable.chooseC(Group.G1, finite, Long.MAX_VALUE, JavaBucketKernel.INSTANCE);
        assertTrue(c >= FixedBaseTable.MIN_C, "a 2^12 G1 MSM is worth a table");
        long need = FixedBaseTable.bytes(Group.G1, finite, FixedBaseTable.windowsFor(c)) + 4L * n;

        CpuMsm tight = new CpuMsm(CpuMsm.sharedPool(), need);
        MsmBackend.Bases first = tight.prepare(Group.G1, in.bases(), 0, n);
        assertEquals(0, tight.tableBytesInUse(), "no table before the bases are reused");
        BigInteger[] s = new BigInteger[n];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < n; i++) s[i] = CpuMsmTest.random(rnd);
        long[] scalars = CpuMsmTest.limbs(s), want = CpuMsmTest.expected(in, s), out = new long[G1.AFFINE];
        tight.msm(first, scalars, out);
        assertArrayEquals(want, out);
        assertFalse(tight.hasTable(first), "one MSM does not build a table");
        tight.msm(first, scalars, out);   // the second MSM over the same bases builds it, then uses it
        assertArrayEquals(want, out);
        assertTrue(tight.hasTable(first));
        assertEquals(need, tight.tableBytesInUse());
        // the budget is spent: a second set gets no table and stays on the plain path
        MsmBackend.Bases second = tight.prepare(Group.G1, in.bases(), 0, n);
        tight.precompute(second);
        assertFalse(tight.hasTable(second));
        assertEquals(need, tight.tableBytesInUse(), "never more than the budget");
        tight.msm(second, scalars, out);
        assertArrayEquals(want, out);
        first.close();
        first.close();   // idempotent
        assertEquals(0, tight.tableBytesInUse());
        assertFalse(tight.hasTable(first));
        tight.msm(first, scalars, out);   // closed CPU bases still work, on the plain path
        assertArrayEquals(want, out);
        assertEquals(0, tight.tableBytesInUse(), "closed bases never build again");

        CpuMsm off = new CpuMsm(CpuMsm.sharedPool(), 0);
        MsmBackend.Bases none = off.prepare(Group.G1, in.bases(), 0, n);
        off.precompute(none);
        assertFalse(off.hasTable(none));
        assertEquals(0, off.tableBytesInUse());
        assertEquals(0, FixedBaseTable.chooseC(Group.G1, finite, need / 100, JavaBucketKernel.INSTANCE), "no window size fits 1 % of the table");
    }

    @Test
    void budgetSizesParseAndBadOnesAreNamed() {
        assertEquals(0, org.ppfarm.prover.ByteSizes.parse("p", "0"));
        assertEquals(512L << 20, org.ppfarm.prover.ByteSizes.parse("p", "512m"));
        assertEquals(2L << 30, org.ppfarm.prover.ByteSizes.parse("p", "2G"));
        assertEquals(1234, org.ppfarm.prover.ByteSizes.parse("p", "1234"));
        var e = assertThrows(IllegalArgumentException.class, () -> org.ppfarm.prover.ByteSizes.parse(CpuMsm.TABLE_BYTES_PROPERTY, "lots"));
        assertTrue(e.getMessage().startsWith(CpuMsm.TABLE_BYTES_PROPERTY), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> org.ppfarm.prover.ByteSizes.parse("p", "-1m"));
        assertThrows(IllegalArgumentException.class, () -> new CpuMsm(CpuMsm.sharedPool(), -1));
    }
}
