package org.ppfarm.prover.bn254;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** G1 and G2 point arithmetic against the BigInteger reference {@link RefCurve}. */
class CurveTest {
    private static final BigInteger R = RefCurve.R;

    record Group(String name, Curve curve, RefCurve ref) {
        @Override public String toString() { return name; }
    }

    static Stream<Group> groups() {
        return Stream.of(new Group("G1", new G1(), RefCurve.G1), new Group("G2", new G2(), RefCurve.G2));
    }

    private static BigInteger[] refGenerator(Group g) { return RefCurve.fromLimbs(g.curve().generator(), 0, g.curve().e); }

    /** The engine's Jacobian point as a reference point. */
    private static BigInteger[] ref(Curve c, long[] jac) { return RefCurve.fromLimbs(c.affineOf(jac), 0, c.e); }

    /** A Jacobian representation of the affine point with a random Z, so formulas see Z != 1. */
    private static long[] randomJacobian(Curve c, BigInteger[] p, SplittableRandom rnd) {
        long[] j = c.jacobianOf(RefCurve.toLimbs(p, c.e));
        if (p == null) return j;
        int e = c.e;
        long[] z = new long[e];
        for (int i = 0; i < e; i += 4) Field.FQ.fromBigInteger(RefCurve.randomFq(rnd), z, i);
        long[] z2 = new long[e], z3 = new long[e];
        c.fsquare(z, 0, z2, 0);
        c.fmul(z2, 0, z, 0, z3, 0);
        c.fmul(j, 0, z2, 0, j, 0);
        c.fmul(j, e, z3, 0, j, e);
        c.fcopy(z, 0, j, 2 * e);
        return j;
    }

    private static BigInteger[] randomPoint(Curve c, SplittableRandom rnd) {
        long[] out = new long[c.jacobianLongs];
        c.scalarMul(c.jacobianOf(c.generator()), 0, RefCurve.random(rnd, R), out, 0);
        return ref(c, out);
    }

    @ParameterizedTest @MethodSource("groups")
    void generatorIsOnCurveAndPerturbedPointsAreNot(Group g) {
        Curve c = g.curve();
        long[] gen = c.generator();
        assertTrue(c.isOnCurveAffine(gen, 0));
        assertTrue(g.ref().onCurve(refGenerator(g)));
        assertTrue(c.isOnCurveAffine(new long[c.affineLongs], 0), "all-zero infinity is accepted");
        long[] one = new long[c.e];
        c.fsetOne(one, 0);
        long[] bad = gen.clone();
        c.fadd(bad, c.e, one, 0, bad, c.e);                 // y + 1
        assertFalse(c.isOnCurveAffine(bad, 0));
        bad = gen.clone();
        c.fadd(bad, 0, one, 0, bad, 0);                     // x + 1
        assertFalse(c.isOnCurveAffine(bad, 0));
        assertFalse(c.isOnCurve(c.jacobianOf(bad), 0));
        assertTrue(c.isOnCurve(randomJacobian(c, refGenerator(g), new SplittableRandom(1)), 0));
    }

    @ParameterizedTest @MethodSource("groups")
    void groupLawsMatchReference(Group g) {
        Curve c = g.curve();
        RefCurve ref = g.ref();
        SplittableRandom rnd = new SplittableRandom(11);
        long[] inf = new long[c.jacobianLongs];
        long[] out = new long[c.jacobianLongs], out2 = new long[c.jacobianLongs];
        for (int i = 0; i < 12; i++) {
            // random group elements from the engine's scalar multiplication (checked against the reference below)
            BigInteger[] p = randomPoint(c, rnd), q = randomPoint(c, rnd), s = randomPoint(c, rnd);
            long[] jp = randomJacobian(c, p, rnd), jq = randomJacobian(c, q, rnd), js = randomJacobian(c, s, rnd);
            long[] ap = RefCurve.toLimbs(p, c.e), aq = RefCurve.toLimbs(q, c.e);
            // identity
            c.add(jp, 0, inf, 0, out, 0);
            assertArrayEquals(p, ref(c, out));
            c.add(inf, 0, jp, 0, out, 0);
            assertArrayEquals(p, ref(c, out));
            c.addMixed(inf, 0, ap, 0, out, 0);
            assertArrayEquals(p, ref(c, out));
            c.addMixed(jp, 0, new long[c.affineLongs], 0, out, 0);
            assertArrayEquals(p, ref(c, out));
            // addition against the reference, all three formulas
            c.add(jp, 0, jq, 0, out, 0);
            assertArrayEquals(ref.add(p, q), ref(c, out));
            c.addMixed(jp, 0, aq, 0, out, 0);
            assertArrayEquals(ref.add(p, q), ref(c, out));
            c.dbl(jp, 0, out, 0);
            assertArrayEquals(ref.add(p, p), ref(c, out));
            // doubling = adding to itself, through both addition formulas (the H == 0 branch)
            c.add(jp, 0, randomJacobian(c, p, rnd), 0, out2, 0);
            assertTrue(c.equal(out, 0, out2, 0));
            c.addMixed(jp, 0, ap, 0, out2, 0);
            assertTrue(c.equal(out, 0, out2, 0));
            // inverse
            long[] np = new long[c.jacobianLongs];
            c.neg(jp, 0, np, 0);
            assertArrayEquals(ref.neg(p), ref(c, np));
            c.add(jp, 0, np, 0, out, 0);
            assertTrue(c.isInfinity(out, 0));
            long[] nap = new long[c.affineLongs];
            c.negAffine(ap, 0, nap, 0);
            c.addMixed(jp, 0, nap, 0, out, 0);
            assertTrue(c.isInfinity(out, 0));
            c.subMixed(jp, 0, ap, 0, out, 0);
            assertTrue(c.isInfinity(out, 0));
            // commutativity and associativity
            c.add(jp, 0, jq, 0, out, 0);
            c.add(jq, 0, jp, 0, out2, 0);
            assertTrue(c.equal(out, 0, out2, 0));
            c.add(out, 0, js, 0, out, 0);              // (p + q) + s, output aliasing an input
            c.add(jq, 0, js, 0, out2, 0);
            c.add(jp, 0, out2, 0, out2, 0);            // p + (q + s)
            assertTrue(c.equal(out, 0, out2, 0));
            assertTrue(c.isOnCurve(out, 0));
            assertFalse(c.equal(out, 0, jp, 0));
        }
    }

    @ParameterizedTest @MethodSource("groups")
    void affineJacobianRoundTripsAndBatchNormalization(Group g) {
        Curve c = g.curve();
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 9;
        BigInteger[][] pts = new BigInteger[n][];
        long[] jac = new long[n * c.jacobianLongs];
        for (int i = 0; i < n; i++) {
            pts[i] = i % 4 == 1 ? null : randomPoint(c, rnd);
            System.arraycopy(randomJacobian(c, pts[i], rnd), 0, jac, i * c.jacobianLongs, c.jacobianLongs);
            long[] affine = RefCurve.toLimbs(pts[i], c.e);
            assertArrayEquals(affine, c.affineOf(c.jacobianOf(affine)));
        }
        long[] out = new long[n * c.affineLongs];
        c.batchToAffine(jac, 0, n, out, 0);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(pts[i], RefCurve.fromLimbs(out, i * c.affineLongs, c.e), "point " + i);
            long[] single = new long[c.affineLongs];
            c.toAffine(jac, i * c.jacobianLongs, single, 0);
            assertArrayEquals(RefCurve.toLimbs(pts[i], c.e), single);
        }
    }

    @ParameterizedTest @MethodSource("groups")
    void scalarMultiplicationMatchesReference(Group g) {
        Curve c = g.curve();
        RefCurve ref = g.ref();
        BigInteger[] gen = refGenerator(g);
        long[] jg = c.jacobianOf(c.generator());
        long[] out = new long[c.jacobianLongs];
        c.scalarMul(jg, 0, R, out, 0);
        assertTrue(c.isInfinity(out, 0), "r * G = infinity");
        c.scalarMul(jg, 0, BigInteger.ZERO, out, 0);
        assertTrue(c.isInfinity(out, 0));
        c.scalarMul(jg, 0, BigInteger.ONE, out, 0);
        assertArrayEquals(gen, ref(c, out));
        c.scalarMul(jg, 0, R.subtract(BigInteger.ONE), out, 0);
        assertArrayEquals(ref.neg(gen), ref(c, out));
        SplittableRandom rnd = new SplittableRandom(3);
        BigInteger[] p = ref.mul(gen, BigInteger.valueOf(123456789));
        long[] jp = randomJacobian(c, p, rnd);
        for (int i = 0; i < 6; i++) {
            BigInteger k = RefCurve.random(rnd, R);
            c.scalarMul(jp, 0, k, out, 0);
            assertArrayEquals(ref.mul(p, k), ref(c, out));
        }
    }

    @org.junit.jupiter.api.Test
    void g2SubgroupCheckSeparatesTheSubgroupFromTheRestOfTheTwist() {
        G2 c = new G2();
        SplittableRandom rnd = new SplittableRandom(17);
        long[] jg = c.jacobianOf(c.generator());
        long[] out = new long[G2.JACOBIAN];
        assertTrue(c.isInSubgroup(c.generator(), 0));
        assertTrue(c.isInSubgroup(new long[G2.AFFINE], 0));
        for (int i = 0; i < 4; i++) {
            c.scalarMul(jg, 0, RefCurve.random(rnd, R), out, 0);
            assertTrue(c.isInSubgroup(c.affineOf(out), 0));
            BigInteger[] twistPoint = RefCurve.G2.randomOnCurve(rnd, true);
            long[] a = RefCurve.toLimbs(twistPoint, 8);
            assertTrue(c.isOnCurveAffine(a, 0));
            assertFalse(c.isInSubgroup(a, 0));
            c.scalarMul(c.jacobianOf(a), 0, R, out, 0);
            assertFalse(c.isInfinity(out, 0), "the slow check agrees: r * P != 0");
        }
        // a G1 point is always in its (prime-order) group; random curve points are valid G1 points
        BigInteger[] p = RefCurve.G1.randomOnCurve(rnd, false);
        G1 g1 = new G1();
        long[] rp = new long[G1.JACOBIAN];
        g1.scalarMul(g1.jacobianOf(RefCurve.toLimbs(p, 4)), 0, R, rp, 0);
        assertTrue(g1.isInfinity(rp, 0));
        assertNull(RefCurve.G1.mul(p, R));
    }
}
