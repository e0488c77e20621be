package org.ppfarm.prover.bn254;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppfarm.prover.bn254.Oracle.Q;
import static org.ppfarm.prover.bn254.Oracle.fromLimbs;
import static org.ppfarm.prover.bn254.Oracle.f12mul;
import static org.ppfarm.prover.bn254.Oracle.f12pow;
import static org.ppfarm.prover.bn254.Oracle.f12rnd;
import static org.ppfarm.prover.bn254.Oracle.toLimbs;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Fq6 and Fq12 against the BigInteger model Fq2[w]/(w^6 − ξ) (Fq6 embedded as the even powers of w). */
class TowerTest {
    private static final BigInteger ZERO = BigInteger.ZERO;

    /** A random Fq6 element embedded in the model (odd powers of w zero); edge values for the first few. */
    private static BigInteger[][] rnd6(SplittableRandom r, int i) {
        BigInteger[][] a = f12rnd(r);
        for (int k = 1; k < 6; k += 2) a[k] = new BigInteger[] {ZERO, ZERO};
        if (i == 0) for (int k = 0; k < 6; k += 2) a[k] = new BigInteger[] {Q.subtract(BigInteger.ONE), Q.subtract(BigInteger.ONE)};
        if (i == 1) a[2] = new BigInteger[] {ZERO, ZERO};
        return a;
    }

    private static long[] six(BigInteger[][] a) {
        long[] l = toLimbs(a);
        return java.util.Arrays.copyOf(l, 24);
    }

    private static BigInteger[][] fromSix(long[] l) { return fromLimbs(java.util.Arrays.copyOf(l, 48), 0); }

    private static BigInteger[][] w(int power, BigInteger[] c) {
        BigInteger[][] a = Oracle.f12one();
        a[0] = new BigInteger[] {ZERO, ZERO};
        a[power] = c;
        return a;
    }

    @Test
    void fq6MatchesModel() {
        SplittableRandom r = new SplittableRandom(11);
        Fq6 f = new Fq6();
        long[] out = new long[24];
        BigInteger[][] v = w(2, new BigInteger[] {BigInteger.ONE, ZERO});
        for (int i = 0; i < 40; i++) {
            BigInteger[][] a = rnd6(r, i), b = rnd6(r, i + 2);
            long[] x = six(a), y = six(b);
            f.mul(x, 0, y, 0, out, 0);
            assertArrayEquals(f12mul(a, b), fromSix(out));
            f.square(x, 0, out, 0);
            assertArrayEquals(f12mul(a, a), fromSix(out));
            f.mulByNonResidue(x, 0, out, 0);
            assertArrayEquals(f12mul(a, v), fromSix(out));
            BigInteger[][] sparse = Oracle.f12one();
            sparse[0] = b[0];
            sparse[2] = b[2];
            long[] yy = six(sparse);
            f.mulBy01(x, 0, yy, 0, 8, out, 0);
            assertArrayEquals(f12mul(a, sparse), fromSix(out));
            f.mulByFq2(x, 0, y, 8, out, 0);
            assertArrayEquals(f12mul(a, w(0, b[2])), fromSix(out));
            f.inverse(x, 0, out, 0);
            f.mul(out, 0, x, 0, out, 0);
            assertTrue(Fq6.isOne(out, 0));
            // add, sub, neg, dbl, and results aliasing an input
            f.add(x, 0, y, 0, out, 0);
            f.sub(out, 0, y, 0, out, 0);
            assertTrue(Fq6.equal(out, 0, x, 0));
            f.neg(x, 0, out, 0);
            f.add(out, 0, x, 0, out, 0);
            assertTrue(Fq6.isZero(out, 0));
            f.dbl(x, 0, out, 0);
            f.sub(out, 0, x, 0, out, 0);
            assertTrue(Fq6.equal(out, 0, x, 0));
            f.mul(x, 0, y, 0, x, 0);
            assertArrayEquals(f12mul(a, b), fromSix(x));
        }
    }

    @Test
    void fq12MatchesModel() {
        SplittableRandom r = new SplittableRandom(12);
        Fq12 f = new Fq12();
        long[] out = new long[48];
        for (int i = 0; i < 20; i++) {
            BigInteger[][] a = f12rnd(r), b = f12rnd(r);
            long[] x = toLimbs(a), y = toLimbs(b);
            f.mul(x, 0, y, 0, out, 0);
            assertArrayEquals(f12mul(a, b), fromLimbs(out, 0));
            f.square(x, 0, out, 0);
            assertArrayEquals(f12mul(a, a), fromLimbs(out, 0));
            f.inverse(x, 0, out, 0);
            f.mul(out, 0, x, 0, out, 0);
            assertTrue(Fq12.isOne(out, 0));
            // a line c0 + c3 w + c4 w^3
            BigInteger[][] l = Oracle.f12one();
            l[0] = b[0]; l[1] = b[1]; l[3] = b[3];
            long[] lc = new long[24];
            long[] bl = toLimbs(b);
            Fq2.copy(bl, Oracle.W_OFF[0], lc, 0);
            Fq2.copy(bl, Oracle.W_OFF[1], lc, 8);
            Fq2.copy(bl, Oracle.W_OFF[3], lc, 16);
            f.mulByLine(x, 0, lc, 0, 8, 16, out, 0);
            assertArrayEquals(f12mul(a, l), fromLimbs(out, 0));
            f.mulByLine(x, 0, lc, 0, 8, 16, x, 0);
            assertArrayEquals(f12mul(a, l), fromLimbs(x, 0));
        }
    }

    @Test
    void frobeniusIsPowerOfQ() {
        SplittableRandom r = new SplittableRandom(13);
        Fq12 f = new Fq12();
        BigInteger[][] a = f12rnd(r);
        long[] x = toLimbs(a), out = new long[48];
        for (int k = 1; k <= 3; k++) {
            f.frobenius(x, 0, k, out, 0);
            assertArrayEquals(f12pow(a, Q.pow(k)), fromLimbs(out, 0), "frobenius " + k);
        }
        // conjugation is the q^6 power; twelve q-powers are the identity
        f.conjugate(x, 0, out, 0);
        assertArrayEquals(f12pow(a, Q.pow(6)), fromLimbs(out, 0));
        System.arraycopy(x, 0, out, 0, 48);
        for (int i = 0; i < 4; i++) f.frobenius(out, 0, 3, out, 0);
        assertTrue(Fq12.equal(out, 0, x, 0));
    }

    @Test
    void cyclotomicSquareAndExp() {
        SplittableRandom r = new SplittableRandom(14);
        Fq12 f = new Fq12();
        BigInteger[][] a = f12rnd(r);
        // into the cyclotomic subgroup: a^((q^6 - 1)(q^2 + 1))
        BigInteger[][] c = f12pow(a, Q.pow(6).subtract(BigInteger.ONE).multiply(Q.pow(2).add(BigInteger.ONE)));
        long[] x = toLimbs(c), out = new long[48];
        f.cyclotomicSquare(x, 0, out, 0);
        assertArrayEquals(f12mul(c, c), fromLimbs(out, 0));
        for (BigInteger e : new BigInteger[] {BigInteger.ONE, BigInteger.valueOf(Pairing.X), new BigInteger("1234567890123456789012345")}) {
            f.cyclotomicExp(x, 0, Fq12.naf(e), out, 0);
            assertArrayEquals(f12pow(c, e), fromLimbs(out, 0), "exponent " + e);
        }
        f.cyclotomicExp(x, 0, Fq12.naf(BigInteger.ZERO), out, 0);
        assertTrue(Fq12.isOne(out, 0));
    }
}
