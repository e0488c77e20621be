package org.ppfarm.prover.groth16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;

/** {@link SecretScalarMul} against the variable-time {@link Curve#scalarMul}, on G1 and G2. */
class SecretScalarMulTest {
    private static final BigInteger R = Field.FR.modulus();

    record Group(String name, Curve curve) {
        @Override public String toString() { return name; }
    }

    static Stream<Group> groups() {
        return Stream.of(new Group("G1", new G1()), new Group("G2", new G2()));
    }

    /**
     * Every k below 33 and above r − 34 (the recoding's last-addition corner cases, and the window edges 15, 16, 17),
     * (r − 1)/2, 2^253 and (2^254 − 1) mod r.
     */
    private static List<BigInteger> edgeScalars() {
        BigInteger two = BigInteger.TWO;
        List<BigInteger> ks = new ArrayList<>(List.of(R.subtract(BigInteger.ONE).shiftRight(1), two.pow(253),
                two.pow(254).subtract(BigInteger.ONE).mod(R)));
        for (int i = 0; i <= 32; i++) {
            ks.add(BigInteger.valueOf(i));
            ks.add(R.subtract(BigInteger.valueOf(i + 1)));
        }
        return ks;
    }

    private static List<BigInteger> randomScalars(long seed, int n) {
        Random rnd = new Random(seed);
        List<BigInteger> ks = new ArrayList<>();
        while (ks.size() < n) {
            BigInteger k = new BigInteger(254, rnd);
            if (k.compareTo(R) < 0) ks.add(k);
        }
        return ks;
    }

    /** The generator and a random multiple of it (Jacobian, Z != 1). */
    private static List<long[]> points(Curve c) {
        long[] gen = c.jacobianOf(c.generator());
        long[] multiple = new long[c.jacobianLongs];
        c.scalarMul(gen, 0, new BigInteger(250, new Random(7)), multiple, 0);
        return List.of(gen, multiple);
    }

    private static void check(Curve c, long[] p, BigInteger k) {
        long[] kl = Field.limbs(k);
        long[] pCopy = p.clone(), kCopy = kl.clone();
        long[] got = new long[c.jacobianLongs], want = new long[c.jacobianLongs];
        SecretScalarMul.mul(c, p, kl, got);
        c.scalarMul(p, 0, k, want, 0);
        assertArrayEquals(c.affineOf(want), c.affineOf(got), () -> "k = " + k);
        assertArrayEquals(pCopy, p, "p modified");
        assertArrayEquals(kCopy, kl, "k modified");
    }

    @ParameterizedTest @MethodSource("groups")
    void edgeScalarsMatchScalarMul(Group g) {
        Curve c = g.curve();
        for (long[] p : points(c))
            for (BigInteger k : edgeScalars()) check(c, p, k);
    }

    @ParameterizedTest @MethodSource("groups")
    void randomScalarsMatchScalarMul(Group g) {
        Curve c = g.curve();
        List<BigInteger> ks = randomScalars(20240613L, 200);
        for (long[] p : points(c))
            for (BigInteger k : ks) check(c, p, k);
    }

    @ParameterizedTest @MethodSource("groups")
    void infinityInputGivesInfinity(Group g) {
        Curve c = g.curve();
        long[] inf = new long[c.jacobianLongs];
        for (BigInteger k : List.of(BigInteger.ZERO, BigInteger.ONE, R.subtract(BigInteger.ONE))) check(c, inf, k);
    }
}
