package org.ppfarm.gpukernels;

import java.math.BigInteger;
import java.util.Random;
import java.util.function.BinaryOperator;

import org.ppfarm.cpukernels.Oracle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.gpukernels.KernelContext.FieldOp;
import org.ppfarm.gpukernels.KernelContext.KernelField;
import org.ppfarm.prover.bn254.Field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ppfarm.cpukernels.Oracle.Q_MOD;
import static org.ppfarm.cpukernels.Oracle.R_MOD;

/** Fr, Fq and Fq2 arithmetic of the kernels against BigInteger, on random and edge values, and against the engine. */
class FieldKernelTest {
    private static final int RANDOM = 300;

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void primeFieldsAgreeWithBigInteger(NativeKernels kernels) {
        try (KernelContext ctx = Kernels.open(kernels)) {
            checkPrimeField(ctx, KernelField.FR, R_MOD, new Random(1));
            checkPrimeField(ctx, KernelField.FQ, Q_MOD, new Random(2));
        }
    }

    private static void checkPrimeField(KernelContext ctx, KernelField field, BigInteger p, Random rnd) {
        BigInteger[] a = Oracle.randomWithEdges(rnd, p, RANDOM);
        BigInteger[] b = Oracle.randomWithEdges(rnd, p, RANDOM);
        // pair every edge value with every other edge value too
        java.util.Collections.shuffle(java.util.Arrays.asList(b).subList(RANDOM, b.length), rnd);
        int n = a.length;
        long[] am = Oracle.montLimbs(a, p), bm = Oracle.montLimbs(b, p);

        expect(ctx, field, FieldOp.ADD, am, bm, a, b, p, BigInteger::add);
        expect(ctx, field, FieldOp.SUB, am, bm, a, b, p, BigInteger::subtract);
        expect(ctx, field, FieldOp.MUL, am, bm, a, b, p, BigInteger::multiply);
        expect(ctx, field, FieldOp.SQUARE, am, null, a, b, p, (x, y) -> x.multiply(x));
        expect(ctx, field, FieldOp.NEG, am, null, a, b, p, (x, y) -> x.negate());
        expect(ctx, field, FieldOp.INVERSE, am, null, a, b, p,
                (x, y) -> x.signum() == 0 ? BigInteger.ZERO : x.modInverse(p));

        // conversions: standard limbs <-> Montgomery limbs
        long[] std = Oracle.stdLimbs(a);
        assertArrayEquals(am, ctx.fieldOp(field, FieldOp.TO_MONTGOMERY, std, null, n), field + " to Montgomery");
        assertArrayEquals(std, ctx.fieldOp(field, FieldOp.FROM_MONTGOMERY, am, null, n), field + " from Montgomery");

        // the Java engine computes the same limbs
        Field engine = field == KernelField.FR ? Field.FR : Field.FQ;
        long[] mul = ctx.fieldOp(field, FieldOp.MUL, am, bm, n);
        long[] inv = ctx.fieldOp(field, FieldOp.INVERSE, am, null, n);
        long[] r = new long[4];
        for (int i = 0; i < n; i++) {
            engine.mul(am, 4 * i, bm, 4 * i, r, 0);
            assertArrayEquals(r, java.util.Arrays.copyOfRange(mul, 4 * i, 4 * i + 4), field + " mul vs engine, i=" + i);
            if (a[i].signum() != 0) {
                engine.inverse(am, 4 * i, r, 0);
                assertArrayEquals(r, java.util.Arrays.copyOfRange(inv, 4 * i, 4 * i + 4), field + " inverse vs engine");
            }
        }
    }

    private static void expect(KernelContext ctx, KernelField field, FieldOp op, long[] am, long[] bm, BigInteger[] a,
                               BigInteger[] b, BigInteger p, BinaryOperator<BigInteger> oracle) {
        long[] out = ctx.fieldOp(field, op, am, bm, a.length);
        BigInteger[] got = Oracle.fromMontLimbs(out, a.length, p);
        for (int i = 0; i < a.length; i++) {
            BigInteger want = oracle.apply(a[i], b[i]).mod(p);
            assertEquals(want, got[i], field + " " + op + " of " + a[i] + ", " + b[i]);
            // fully reduced: the Montgomery limbs are < p
            assertEquals(-1, Oracle.get(out, 4 * i).compareTo(p), field + " " + op + " result not reduced");
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void fq2AgreesWithBigInteger(NativeKernels kernels) {
        Random rnd = new Random(3);
        BigInteger[] c0 = Oracle.randomWithEdges(rnd, Q_MOD, 100), c1 = Oracle.randomWithEdges(rnd, Q_MOD, 100);
        BigInteger[] d0 = Oracle.randomWithEdges(rnd, Q_MOD, 100), d1 = Oracle.randomWithEdges(rnd, Q_MOD, 100);
        java.util.Collections.reverse(java.util.Arrays.asList(c1));
        int n = c0.length;
        long[] a = new long[8 * n], b = new long[8 * n];
        for (int i = 0; i < n; i++) {
            Oracle.put(Oracle.toMont(c0[i], Q_MOD), a, 8 * i);
            Oracle.put(Oracle.toMont(c1[i], Q_MOD), a, 8 * i + 4);
            Oracle.put(Oracle.toMont(d0[i], Q_MOD), b, 8 * i);
            Oracle.put(Oracle.toMont(d1[i], Q_MOD), b, 8 * i + 4);
        }
        try (KernelContext ctx = Kernels.open(kernels)) {
            long[] mul = ctx.fieldOp(KernelField.FQ2, FieldOp.MUL, a, b, n);
            long[] sqr = ctx.fieldOp(KernelField.FQ2, FieldOp.SQUARE, a, null, n);
            long[] inv = ctx.fieldOp(KernelField.FQ2, FieldOp.INVERSE, a, null, n);
            long[] sub = ctx.fieldOp(KernelField.FQ2, FieldOp.SUB, a, b, n);
            for (int i = 0; i < n; i++) {
                BigInteger[] x = Oracle.f2(c0[i], c1[i]), y = Oracle.f2(d0[i], d1[i]);
                assertF2(Oracle.f2mul(x, y), mul, i, "mul");
                assertF2(Oracle.f2mul(x, x), sqr, i, "square");
                assertF2(Oracle.f2inv(x), inv, i, "inverse");
                assertF2(Oracle.f2sub(x, y), sub, i, "sub");
            }
        }
    }

    private static void assertF2(BigInteger[] want, long[] got, int i, String what) {
        assertEquals(want[0], Oracle.fromMont(Oracle.get(got, 8 * i), Q_MOD), "Fq2 " + what + " c0, i=" + i);
        assertEquals(want[1], Oracle.fromMont(Oracle.get(got, 8 * i + 4), Q_MOD), "Fq2 " + what + " c1, i=" + i);
    }
}
