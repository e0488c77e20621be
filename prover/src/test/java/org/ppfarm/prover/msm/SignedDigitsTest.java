package org.ppfarm.prover.msm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppfarm.prover.bn254.Field;

class SignedDigitsTest {
    private static BigInteger recompose(long[] s, int bits, int c) {
        BigInteger v = BigInteger.ZERO;
        int half = 1 << (c - 1);
        for (int k = SignedDigits.windows(bits, c) - 1; k >= 0; k--) {
            int d = SignedDigits.digit(s, 0, k, c);
            assertTrue(d >= -half && d <= half, "digit " + d + " out of range for c = " + c);
            v = v.shiftLeft(c).add(BigInteger.valueOf(d));
        }
        return v;
    }

    @Test
    void digitsRecomposeTheScalar() {
        SplittableRandom rnd = new SplittableRandom(2);
        BigInteger r = Field.FR.modulus();
        for (int c = 2; c <= 20; c++) {
            BigInteger half = BigInteger.ONE.shiftLeft(c - 1);
            // windows all equal to 2^(c-1): the carry has to travel through every one of them
            BigInteger allHalf = BigInteger.ZERO;
            for (int k = 0; k * c + c <= 253; k++) allHalf = allHalf.add(half.shiftLeft(k * c));
            BigInteger[] edge = {BigInteger.ZERO, BigInteger.ONE, half, half.add(BigInteger.ONE), allHalf,
                    allHalf.add(BigInteger.ONE.shiftLeft(c - 1 + c)), r.subtract(BigInteger.ONE), r.shiftRight(1),
                    BigInteger.ONE.shiftLeft(253).subtract(BigInteger.ONE)};
            for (BigInteger v : edge) {
                assertEquals(v, recompose(Field.limbs(v), Math.max(1, v.bitLength()), c), "c=" + c + " v=" + v);
            }
            for (int i = 0; i < 50; i++) {
                int bits = 1 + rnd.nextInt(254);
                BigInteger v = new BigInteger(bits, new java.util.Random(rnd.nextLong()));
                assertEquals(v, recompose(Field.limbs(v), bits, c), "c=" + c + " v=" + v);
            }
        }
    }
}
