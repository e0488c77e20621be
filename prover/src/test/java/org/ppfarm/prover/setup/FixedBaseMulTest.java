package org.ppfarm.prover.setup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;

/** Both window widths give k·G for edge and random scalars, against the curve's own scalar multiplication. */
class FixedBaseMulTest {
    @Test
    void eightAndSixteenBitWindowsAgreeWithScalarMultiplication() {
        BigInteger r = Field.FR.modulus();
        BigInteger[] k = new BigInteger[40];
        k[0] = BigInteger.ZERO;
        k[1] = BigInteger.ONE;
        k[2] = r.subtract(BigInteger.ONE);
        k[3] = BigInteger.ONE.shiftLeft(16).subtract(BigInteger.ONE);   // one full 16-bit digit
        k[4] = BigInteger.ONE.shiftLeft(64);                            // the first digit of the second limb
        Random rnd = new Random(18);
        for (int i = 5; i < k.length; i++) k[i] = new BigInteger(254, rnd).mod(r);
        long[] scalars = new long[4 * k.length];
        for (int i = 0; i < k.length; i++) System.arraycopy(Field.limbs(k[i]), 0, scalars, 4 * i, 4);

        G1 g1 = G1.local();
        long[] expected = new long[G1.AFFINE * k.length], p = new long[G1.JACOBIAN];
        for (int i = 0; i < k.length; i++) {
            g1.scalarMul(g1.jacobianOf(g1.generator()), 0, k[i], p, 0);
            System.arraycopy(g1.affineOf(p), 0, expected, G1.AFFINE * i, G1.AFFINE);
        }
        for (int bits : new int[] {8, 16}) {
            long[] got = new FixedBaseMul(G1::local, g1.generator(), bits).mul(scalars, k.length);
            for (int i = 0; i < k.length; i++) {
                int at = G1.AFFINE * i;
                assertArrayEquals(Arrays.copyOfRange(expected, at, at + G1.AFFINE), Arrays.copyOfRange(got, at, at + G1.AFFINE),
                        bits + "-bit windows, scalar " + k[i]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new FixedBaseMul(G1::local, g1.generator(), 12));
    }
}
