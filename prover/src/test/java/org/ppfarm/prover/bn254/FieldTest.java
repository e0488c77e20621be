package org.ppfarm.prover.bn254;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Field arithmetic against BigInteger on random and edge values, for both BN254 fields. */
class FieldTest {
    private static Field field(String name) { return name.equals("r") ? Field.FR : Field.FQ; }

    private static List<BigInteger> samples(Field f, long seed) {
        BigInteger p = f.modulus();
        List<BigInteger> v = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, p.subtract(BigInteger.ONE),
                p.subtract(BigInteger.TWO), p.shiftRight(1), BigInteger.ONE.shiftLeft(64), BigInteger.ONE.shiftLeft(192).subtract(BigInteger.ONE)));
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 60; i++) {
            byte[] b = new byte[32];
            rnd.nextBytes(b);
            v.add(new BigInteger(1, b).mod(p));
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"r", "q"})
    void arithmeticMatchesBigInteger(String name) {
        Field f = field(name);
        BigInteger p = f.modulus();
        List<BigInteger> xs = samples(f, 1 + name.hashCode());
        long[] a = new long[4], b = new long[4], r = new long[4];
        for (BigInteger x : xs) {
            f.fromBigInteger(x, a, 0);
            assertEquals(x, f.toBigInteger(a, 0));
            f.neg(a, 0, r, 0);
            assertEquals(x.negate().mod(p), f.toBigInteger(r, 0));
            f.square(a, 0, r, 0);
            assertEquals(x.multiply(x).mod(p), f.toBigInteger(r, 0));
            f.dbl(a, 0, r, 0);
            assertEquals(x.shiftLeft(1).mod(p), f.toBigInteger(r, 0));
            if (x.signum() != 0) {
                f.inverse(a, 0, r, 0);
                assertEquals(x.modInverse(p), f.toBigInteger(r, 0));
            }
            for (BigInteger y : xs.subList(0, 20)) {
                f.fromBigInteger(y, b, 0);
                f.mul(a, 0, b, 0, r, 0);
                assertEquals(x.multiply(y).mod(p), f.toBigInteger(r, 0), () -> x + " * " + y);
                f.add(a, 0, b, 0, r, 0);
                assertEquals(x.add(y).mod(p), f.toBigInteger(r, 0), () -> x + " + " + y);
                f.sub(a, 0, b, 0, r, 0);
                assertEquals(x.subtract(y).mod(p), f.toBigInteger(r, 0), () -> x + " - " + y);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"r", "q"})
    void resultsMayAliasInputs(String name) {
        Field f = field(name);
        BigInteger p = f.modulus(), x = p.subtract(BigInteger.valueOf(12345)), y = BigInteger.valueOf(987654321);
        long[] a = f.fromBigInteger(x), b = f.fromBigInteger(y);
        f.mul(a, 0, b, 0, a, 0);
        assertEquals(x.multiply(y).mod(p), f.toBigInteger(a, 0));
        f.sub(b, 0, a, 0, b, 0);
        assertEquals(y.subtract(x.multiply(y)).mod(p), f.toBigInteger(b, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"r", "q"})
    void batchInverseSkipsZeros(String name) {
        Field f = field(name);
        BigInteger p = f.modulus();
        List<BigInteger> xs = samples(f, 99);
        long[] a = new long[4 * xs.size()];
        for (int i = 0; i < xs.size(); i++) f.fromBigInteger(xs.get(i), a, 4 * i);
        f.batchInverse(a, 0, xs.size(), new long[a.length]);
        for (int i = 0; i < xs.size(); i++) {
            BigInteger x = xs.get(i);
            assertEquals(x.signum() == 0 ? BigInteger.ZERO : x.modInverse(p), f.toBigInteger(a, 4 * i));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"r", "q"})
    void canonicalCheck(String name) {
        Field f = field(name);
        BigInteger p = f.modulus();
        assertTrue(f.isCanonical(Field.limbs(p.subtract(BigInteger.ONE)), 0));
        assertTrue(!f.isCanonical(Field.limbs(p), 0));
        assertTrue(!f.isCanonical(Field.limbs(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)), 0));
        assertTrue(f.isCanonical(new long[4], 0));
    }
}
