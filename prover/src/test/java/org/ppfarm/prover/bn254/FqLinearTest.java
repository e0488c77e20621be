package org.ppfarm.prover.bn254;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The branch-free Fq operations against BigInteger, on random values and the edges 0, 1, q-1. */
class FqLinearTest {
    private static final Field F = Field.FQ;
    private static final BigInteger Q = F.modulus();

    @Test
    void matchesBigInteger() {
        SplittableRandom rnd = new SplittableRandom(12);
        List<BigInteger> values = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
                Q.subtract(BigInteger.ONE), Q.subtract(BigInteger.TWO), Q.shiftRight(1), Q.shiftRight(1).add(BigInteger.ONE)));
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[40];
            rnd.nextBytes(b);
            values.add(new BigInteger(1, b).mod(Q));
        }
        long[] x = new long[4], y = new long[4], r = new long[4];
        for (int i = 0; i < values.size(); i++) {
            BigInteger a = values.get(i), b = values.get((i * 7 + 3) % values.size());
            F.fromBigInteger(a, x, 0);
            F.fromBigInteger(b, y, 0);
            FqLinear.add(x, 0, y, 0, r, 0);
            assertEquals(a.add(b).mod(Q), F.toBigInteger(r, 0));
            FqLinear.sub(x, 0, y, 0, r, 0);
            assertEquals(a.subtract(b).mod(Q), F.toBigInteger(r, 0));
            FqLinear.dbl(x, 0, r, 0);
            assertEquals(a.shiftLeft(1).mod(Q), F.toBigInteger(r, 0));
            FqLinear.neg(x, 0, r, 0);
            assertEquals(a.negate().mod(Q), F.toBigInteger(r, 0));
            // results are fully reduced: the limbs equal Field's
            long[] s = new long[4];
            F.sub(x, 0, y, 0, s, 0);
            FqLinear.sub(x, 0, y, 0, r, 0);
            assertEquals(java.util.Arrays.toString(s), java.util.Arrays.toString(r));
            FqLinear.add(x, 0, y, 0, x, 0);   // aliasing
            assertEquals(a.add(b).mod(Q), F.toBigInteger(x, 0));
        }
    }
}
