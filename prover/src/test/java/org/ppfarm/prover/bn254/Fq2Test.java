package org.ppfarm.prover.bn254;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Fq2 against a BigInteger model of Fq[u]/(u^2+1). */
class Fq2Test {
    private static final BigInteger Q = Field.FQ.modulus();

    private static BigInteger[] mulModel(BigInteger[] a, BigInteger[] b) {
        return new BigInteger[] {a[0].multiply(b[0]).subtract(a[1].multiply(b[1])).mod(Q),
                a[0].multiply(b[1]).add(a[1].multiply(b[0])).mod(Q)};
    }

    private static BigInteger rnd(SplittableRandom r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return new BigInteger(1, b).mod(Q);
    }

    @Test
    void operationsMatchModel() {
        SplittableRandom r = new SplittableRandom(7);
        Fq2 f = new Fq2();
        long[] out = new long[8];
        BigInteger[] xi = {BigInteger.valueOf(9), BigInteger.ONE};
        for (int i = 0; i < 200; i++) {
            BigInteger[] a = i == 0 ? new BigInteger[] {BigInteger.ZERO, Q.subtract(BigInteger.ONE)} : new BigInteger[] {rnd(r), rnd(r)};
            BigInteger[] b = {rnd(r), rnd(r)};
            long[] x = Fq2.of(a[0], a[1]), y = Fq2.of(b[0], b[1]);
            f.mul(x, 0, y, 0, out, 0);
            assertArrayEquals(mulModel(a, b), Fq2.toBigIntegers(out, 0));
            f.square(x, 0, out, 0);
            assertArrayEquals(mulModel(a, a), Fq2.toBigIntegers(out, 0));
            f.mulByNonResidue(x, 0, out, 0);
            assertArrayEquals(mulModel(a, xi), Fq2.toBigIntegers(out, 0));
            f.inverse(x, 0, out, 0);
            f.mul(out, 0, x, 0, out, 0);
            assertTrue(Fq2.isOne(out, 0));
            f.conjugate(x, 0, out, 0);
            assertArrayEquals(new BigInteger[] {a[0], a[1].negate().mod(Q)}, Fq2.toBigIntegers(out, 0));
            // aliasing: x = x * y in place
            f.mul(x, 0, y, 0, x, 0);
            assertArrayEquals(mulModel(a, b), Fq2.toBigIntegers(x, 0));
        }
    }
}
