package org.ppfarm.gpukernels;

import java.math.BigInteger;
import java.util.Random;

import org.ppfarm.cpukernels.Oracle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.gpukernels.KernelContext.CurveOp;
import org.ppfarm.cpukernels.Oracle.Point;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.msm.MsmBackend.Group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * G1 and G2 formulas of the kernels (Jacobian double, add, mixed add, their exceptional cases, scalar
 * multiplication) against the BigInteger affine oracle and the engine's curves.
 */
class CurveKernelTest {

    static java.util.List<Object[]> cases() {
        java.util.List<Object[]> out = new java.util.ArrayList<>();
        for (NativeKernels k : Kernels.all()) for (Group g : Group.values()) out.add(new Object[] {k, g});
        return out;
    }

    private static Point gen(Group g) { return g == Group.G1 ? Oracle.G1_GEN : Oracle.G2_GEN; }

    private static BigInteger[] b(Group g) { return g == Group.G1 ? Oracle.B_G1 : Oracle.B_G2; }

    private static long[] pack(Point[] pts, Group g) {
        long[] out = new long[g.affineLongs * pts.length];
        for (int i = 0; i < pts.length; i++) Oracle.putPoint(pts[i], g == Group.G2, out, g.affineLongs * i);
        return out;
    }

    private static void assertPoint(Point want, long[] got, int i, Group g, String what) {
        Point p = Oracle.getPoint(got, g.affineLongs * i, g == Group.G2);
        assertTrue(Oracle.same(want, p), g + " " + what + " [" + i + "]: want " + Oracle.show(want) + ", got "
                + Oracle.show(p));
    }

    /** Sample points: multiples k*gen for a few random and small k, plus infinity. */
    private static Point[] samples(Group g, Random rnd, int count) {
        Point[] pts = new Point[count];
        for (int i = 0; i < count; i++) {
            BigInteger k = i < 3 ? BigInteger.valueOf(i + 1) : Oracle.random(rnd, Oracle.R_MOD);
            pts[i] = Oracle.mul(gen(g), k);
        }
        pts[count - 1] = null;
        return pts;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void onCurveCheck(NativeKernels kernels, Group g) {
        Point gen = gen(g);
        assertTrue(Oracle.onCurve(gen, b(g)), "oracle generator");
        Point off = new Point(gen.x(), Oracle.f2add(gen.y(), Oracle.f2(BigInteger.ONE, BigInteger.ZERO)));
        Point[] pts = {gen, off, null, Oracle.mul(gen, BigInteger.valueOf(12345))};
        try (KernelContext ctx = Kernels.open(kernels)) {
            long[] out = ctx.curveOp(g, CurveOp.ON_CURVE, pack(pts, g), null, pts.length);
            long[] flags = new long[pts.length];
            for (int i = 0; i < pts.length; i++) flags[i] = out[g.affineLongs * i];
            assertArrayEquals(new long[] {1, 0, 1, 1}, flags, g + " on-curve flags");
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void addDoubleAndExceptionalCases(NativeKernels kernels, Group g) {
        Random rnd = new Random(g.ordinal() + 10);
        Point[] s = samples(g, rnd, 8);
        int n = s.length;
        // operand pairs: random pairs, equal points, opposite points, infinity on either side
        Point[] a = new Point[n + 4], bAdd = new Point[n + 4], bMixed = new Point[n + 4];
        for (int i = 0; i < n; i++) {
            a[i] = s[i];
            bAdd[i] = s[(i + 3) % n];
            bMixed[i] = s[(i + 5) % n];
        }
        a[n] = s[1]; bAdd[n] = s[1]; bMixed[n] = Oracle.add(s[1], s[1]);              // P+P; 2P + 2P (doubling path)
        a[n + 1] = s[2]; bAdd[n + 1] = Oracle.neg(s[2]); bMixed[n + 1] = Oracle.neg(Oracle.add(s[2], s[2])); // -> infinity
        a[n + 2] = null; bAdd[n + 2] = s[0]; bMixed[n + 2] = s[0];
        a[n + 3] = s[4]; bAdd[n + 3] = null; bMixed[n + 3] = null;
        int m = a.length;
        try (KernelContext ctx = Kernels.open(kernels)) {
            long[] add = ctx.curveOp(g, CurveOp.ADD, pack(a, g), pack(bAdd, g), m);
            long[] mixed = ctx.curveOp(g, CurveOp.ADD_MIXED, pack(a, g), pack(bMixed, g), m);
            long[] dbl = ctx.curveOp(g, CurveOp.DOUBLE, pack(a, g), null, m);
            long[] neg = ctx.curveOp(g, CurveOp.NEG, pack(a, g), null, m);
            for (int i = 0; i < m; i++) {
                Point twoA = Oracle.add(a[i], a[i]);
                assertPoint(Oracle.add(twoA, Oracle.add(bAdd[i], bAdd[i])), add, i, g, "2a + 2b");
                assertPoint(Oracle.add(twoA, bMixed[i]), mixed, i, g, "2a + b mixed");
                assertPoint(twoA, dbl, i, g, "2a");
                assertPoint(Oracle.neg(a[i]), neg, i, g, "-a");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void scalarMultiplication(NativeKernels kernels, Group g) {
        Random rnd = new Random(20 + g.ordinal());
        Point gen = gen(g);
        int small = 17, random = g == Group.G1 ? 8 : 3;
        BigInteger[] k = new BigInteger[small + random + 2];
        for (int i = 0; i < small; i++) k[i] = BigInteger.valueOf(i);
        for (int i = 0; i < random; i++) k[small + i] = Oracle.random(rnd, Oracle.R_MOD);
        k[small + random] = Oracle.R_MOD.subtract(BigInteger.ONE);
        k[small + random + 1] = Oracle.R_MOD;  // the group order: infinity
        Point[] base = new Point[k.length];
        java.util.Arrays.fill(base, gen);
        try (KernelContext ctx = Kernels.open(kernels)) {
            long[] out = ctx.curveOp(g, CurveOp.SCALAR_MUL, pack(base, g), Oracle.stdLimbs(k), k.length);
            Point acc = null;
            for (int i = 0; i < small; i++) {  // small multiples by repeated addition
                assertPoint(acc, out, i, g, i + "*gen");
                acc = Oracle.add(acc, gen);
            }
            Curve engine = g == Group.G1 ? new G1() : new G2();
            long[] genLimbs = Oracle.pointLimbs(gen, g == Group.G2), jac = new long[engine.jacobianLongs];
            for (int i = small; i < k.length; i++) {
                if (k[i].equals(Oracle.R_MOD)) {
                    assertPoint(null, out, i, g, "r*gen");
                    continue;
                }
                assertPoint(Oracle.mul(gen, k[i]), out, i, g, "k*gen");
                engine.scalarMul(engine.jacobianOf(genLimbs), 0, k[i], jac, 0);
                assertArrayEquals(engine.affineOf(jac), java.util.Arrays.copyOfRange(out, g.affineLongs * i,
                        g.affineLongs * (i + 1)), g + " k*gen vs engine");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void groupLaws(NativeKernels kernels, Group g) {
        Random rnd = new Random(30 + g.ordinal());
        int n = 4;
        BigInteger[] k1 = new BigInteger[n], k2 = new BigInteger[n], sum = new BigInteger[n], prod = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            k1[i] = Oracle.random(rnd, Oracle.R_MOD);
            k2[i] = Oracle.random(rnd, Oracle.R_MOD);
            sum[i] = k1[i].add(k2[i]).mod(Oracle.R_MOD);
            prod[i] = k1[i].multiply(k2[i]).mod(Oracle.R_MOD);
        }
        Point[] gens = new Point[n];
        java.util.Arrays.fill(gens, gen(g));
        long[] genLimbs = pack(gens, g);
        try (KernelContext ctx = Kernels.open(kernels)) {
            long[] p1 = ctx.curveOp(g, CurveOp.SCALAR_MUL, genLimbs, Oracle.stdLimbs(k1), n);
            long[] p2 = ctx.curveOp(g, CurveOp.SCALAR_MUL, genLimbs, Oracle.stdLimbs(k2), n);
            long[] pSum = ctx.curveOp(g, CurveOp.SCALAR_MUL, genLimbs, Oracle.stdLimbs(sum), n);
            long[] pProd = ctx.curveOp(g, CurveOp.SCALAR_MUL, genLimbs, Oracle.stdLimbs(prod), n);
            // (k1 + k2) G = k1 G + k2 G, as 2(k1 G) + 2(k2 G) = 2 (k1 + k2) G
            long[] twice = ctx.curveOp(g, CurveOp.ADD, p1, p2, n);
            assertArrayEquals(ctx.curveOp(g, CurveOp.DOUBLE, pSum, null, n), twice, g + " distributivity");
            // k2 (k1 G) = (k1 k2) G
            assertArrayEquals(pProd, ctx.curveOp(g, CurveOp.SCALAR_MUL, p1, Oracle.stdLimbs(k2), n), g + " k2(k1 G)");
            // associativity: ((a + b) + c) and (a + (b + c)), each scaled by 4 by the ops' doublings
            long[] c = pSum;
            long[] left = ctx.curveOp(g, CurveOp.ADD, ctx.curveOp(g, CurveOp.ADD, p1, p2, n),
                    ctx.curveOp(g, CurveOp.DOUBLE, c, null, n), n);
            long[] right = ctx.curveOp(g, CurveOp.ADD, ctx.curveOp(g, CurveOp.DOUBLE, p1, null, n),
                    ctx.curveOp(g, CurveOp.ADD, p2, c, n), n);
            assertArrayEquals(left, right, g + " associativity");
            BigInteger[] four = new BigInteger[n];
            for (int i = 0; i < n; i++) four[i] = k1[i].add(k2[i]).add(sum[i]).shiftLeft(2).mod(Oracle.R_MOD);
            assertArrayEquals(ctx.curveOp(g, CurveOp.SCALAR_MUL, genLimbs, Oracle.stdLimbs(four), n), left,
                    g + " 4(a + b + c)");
            long[] flags = ctx.curveOp(g, CurveOp.ON_CURVE, left, null, n);
            for (int i = 0; i < n; i++) assertEquals(1L, flags[g.affineLongs * i], g + " result on the curve");
        }
    }
}
