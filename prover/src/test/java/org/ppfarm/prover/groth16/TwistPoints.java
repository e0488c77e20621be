package org.ppfarm.prover.groth16;

import java.math.BigInteger;
import java.util.SplittableRandom;

/** Points on the twist y^2 = x^3 + 3/(9+u) outside the order-r subgroup (random x, BigInteger arithmetic). */
final class TwistPoints {
    private TwistPoints() {}

    private static final BigInteger Q = SnarkjsJson.Q;

    /** Standard-form coordinates {{x0, x1}, {y0, y1}} of a twist point with a random x (almost surely not in G2). */
    static String[][] outsideSubgroup(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        BigInteger[] b = mul(new BigInteger[] {BigInteger.valueOf(3), BigInteger.ZERO}, inv(new BigInteger[] {BigInteger.valueOf(9), BigInteger.ONE}));
        while (true) {
            BigInteger[] x = {random(rnd), random(rnd)};
            BigInteger[] rhs = add(mul(mul(x, x), x), b);
            BigInteger[] y = sqrt(rhs);
            if (y != null) return new String[][] {{x[0].toString(), x[1].toString()}, {y[0].toString(), y[1].toString()}};
        }
    }

    private static BigInteger random(SplittableRandom rnd) {
        byte[] b = new byte[40];
        rnd.nextBytes(b);
        return new BigInteger(1, b).mod(Q);
    }

    private static BigInteger[] add(BigInteger[] a, BigInteger[] c) { return new BigInteger[] {a[0].add(c[0]).mod(Q), a[1].add(c[1]).mod(Q)}; }

    private static BigInteger[] mul(BigInteger[] a, BigInteger[] c) {
        return new BigInteger[] {a[0].multiply(c[0]).subtract(a[1].multiply(c[1])).mod(Q), a[0].multiply(c[1]).add(a[1].multiply(c[0])).mod(Q)};
    }

    private static BigInteger[] inv(BigInteger[] a) {
        BigInteger n = a[0].pow(2).add(a[1].pow(2)).modInverse(Q);
        return new BigInteger[] {a[0].multiply(n).mod(Q), a[1].negate().multiply(n).mod(Q)};
    }

    private static BigInteger sqrtFq(BigInteger a) {
        BigInteger s = a.modPow(Q.add(BigInteger.ONE).shiftRight(2), Q); // q ≡ 3 (mod 4)
        return s.multiply(s).mod(Q).equals(a.mod(Q)) ? s : null;
    }

    /** √(a0 + a1 u) through the norm: x0 = √((a0 ± √(a0^2 + a1^2))/2), x1 = a1/(2 x0); null when not a square. */
    private static BigInteger[] sqrt(BigInteger[] a) {
        BigInteger n = sqrtFq(a[0].pow(2).add(a[1].pow(2)).mod(Q));
        if (n == null) return null;
        BigInteger half = BigInteger.TWO.modInverse(Q);
        for (BigInteger s : new BigInteger[] {n, n.negate()}) {
            BigInteger x0 = sqrtFq(a[0].add(s).multiply(half).mod(Q));
            if (x0 == null || x0.signum() == 0) continue;
            BigInteger x1 = a[1].multiply(x0.shiftLeft(1).modInverse(Q)).mod(Q);
            BigInteger[] r = {x0, x1};
            BigInteger[] sq = mul(r, r);
            if (sq[0].equals(a[0].mod(Q)) && sq[1].equals(a[1].mod(Q))) return r;
        }
        return null;
    }
}
