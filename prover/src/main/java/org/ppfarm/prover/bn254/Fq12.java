package org.ppfarm.prover.bn254;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Fq12 = Fq6[w]/(w^2 - v), the pairing's target field. An element is 48 longs, c0 + c1 w with c0, c1 in
 * {@link Fq6}; as Fq2 coefficients that is (c0.b0, c0.b1, c0.b2, c1.b0, c1.b1, c1.b2) on the basis
 * (1, w^2, w^4, w, w^3, w^5), w^6 = ξ = 9 + u. This is the layout of snarkjs's {@code vk_alphabeta_12}.
 *
 * <p>Besides the field operations it has what the pairing needs: the sparse product with a line
 * ({@link #mulByLine}), the Frobenius maps (precomputed constants), and the squaring and exponentiation that are
 * only valid in the cyclotomic subgroup (elements after the easy part of the final exponentiation).
 *
 * <p><b>Not thread-safe</b> (scratch space): one instance per thread. Results may alias inputs.
 */
public final class Fq12 {
    public static final int LIMBS = 48;
    private static final Field F = Field.FQ;

    /**
     * Frobenius constants: FROB[k-1] holds γ_{k,i} = ξ^{i (q^k - 1)/6} for i = 1..5 (8 longs each, i = 0 is 1),
     * so that (a w^i)^(q^k) = a^(q^k) γ_{k,i} w^i. For k = 2 they lie in Fq.
     */
    private static final long[][] FROB = new long[3][];

    /** The twist's Frobenius ψ(x, y) = (conj(x) ξ^{(q-1)/3}, conj(y) ξ^{(q-1)/2}): γ_{1,2} and γ_{1,3}. */
    static long[] frobTwistX() { return Arrays.copyOfRange(FROB[0], 8, 16); }
    static long[] frobTwistY() { return Arrays.copyOfRange(FROB[0], 16, 24); }

    static {
        BigInteger q = F.modulus();
        long[] xi = Fq2.of(BigInteger.valueOf(9), BigInteger.ONE);
        Fq2 f2 = new Fq2();
        for (int k = 1; k <= 3; k++) {
            BigInteger e = q.pow(k).subtract(BigInteger.ONE).divide(BigInteger.valueOf(6));
            long[] g1 = pow(f2, xi, e);
            long[] c = new long[40];
            Fq2.copy(g1, 0, c, 0);
            for (int i = 1; i < 5; i++) f2.mul(c, 8 * (i - 1), g1, 0, c, 8 * i);
            FROB[k - 1] = c;
        }
    }

    private static long[] pow(Fq2 f2, long[] a, BigInteger e) {
        long[] acc = new long[8];
        Fq2.setOne(acc, 0);
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            f2.square(acc, 0, acc, 0);
            if (e.testBit(i)) f2.mul(acc, 0, a, 0, acc, 0);
        }
        return acc;
    }

    final Fq2 f2;
    final Fq6 f6;
    private final long[] t = new long[6 * LIMBS];

    public Fq12() {
        f2 = new Fq2();
        f6 = new Fq6(f2);
    }

    /** Karatsuba over w: 3 Fq6 multiplications. */
    public void mul(long[] a, int ai, long[] b, int bi, long[] r, int ri) {
        long[] t = this.t;
        Fq6 f = f6;
        f.mul(a, ai, b, bi, t, 0);                 // A·C
        f.mul(a, ai + 24, b, bi + 24, t, 24);      // B·D
        f.add(a, ai, a, ai + 24, t, 48);
        f.add(b, bi, b, bi + 24, t, 72);
        f.mul(t, 48, t, 72, t, 48);                // (A+B)(C+D)
        f.sub(t, 48, t, 0, t, 48);
        f.sub(t, 48, t, 24, r, ri + 24);           // c1 = AD + BC
        f.mulByNonResidue(t, 24, t, 24);
        f.add(t, 0, t, 24, r, ri);                 // c0 = AC + BD v
    }

    /** Complex squaring: with t = AB, c0 = (A + B)(A + vB) - t - vt, c1 = 2t (2 Fq6 multiplications). */
    public void square(long[] a, int ai, long[] r, int ri) {
        long[] t = this.t;
        Fq6 f = f6;
        f.mul(a, ai, a, ai + 24, t, 0);            // t = AB
        f.mulByNonResidue(a, ai + 24, t, 24);
        f.add(t, 24, a, ai, t, 24);                // A + vB
        f.add(a, ai, a, ai + 24, t, 48);           // A + B
        f.mul(t, 24, t, 48, t, 24);
        f.sub(t, 24, t, 0, t, 24);
        f.mulByNonResidue(t, 0, t, 48);
        f.sub(t, 24, t, 48, r, ri);
        f.dbl(t, 0, r, ri + 24);
    }

    /**
     * a * (c0 + c3 w + c4 w^3): the product with a Miller-loop line whose Fq2 coefficients sit at {@code l}
     * offsets c0, c3, c4 (see {@link Pairing}). 13 Fq2 multiplications instead of 54 for a full product.
     */
    public void mulByLine(long[] a, int ai, long[] l, int c0, int c3, int c4, long[] r, int ri) {
        long[] t = this.t;
        Fq6 f = f6;
        f.mulByFq2(a, ai, l, c0, t, 0);            // A·L0
        f.mulBy01(a, ai + 24, l, c3, c4, t, 24);    // B·L1
        f.add(a, ai, a, ai + 24, t, 48);           // A + B
        f2.add(l, c0, l, c3, t, 72);               // L0 + L1 = (c0 + c3) + c4 v
        Fq2.copy(l, c4, t, 80);
        f.mulBy01(t, 48, t, 72, 80, t, 48);
        f.sub(t, 48, t, 0, t, 48);
        f.sub(t, 48, t, 24, r, ri + 24);           // c1 = A·L1 + B·L0
        f.mulByNonResidue(t, 24, t, 24);
        f.add(t, 0, t, 24, r, ri);                 // c0 = A·L0 + B·L1·v
    }

    public void conjugate(long[] a, int ai, long[] r, int ri) {
        if (a != r || ai != ri) Fq6.copy(a, ai, r, ri);
        f6.neg(a, ai + 24, r, ri + 24);
    }

    /** (A + Bw)^-1 = (A - Bw) / (A^2 - v B^2). */
    public void inverse(long[] a, int ai, long[] r, int ri) {
        long[] t = this.t;
        Fq6 f = f6;
        f.square(a, ai, t, 0);
        f.square(a, ai + 24, t, 24);
        f.mulByNonResidue(t, 24, t, 24);
        f.sub(t, 0, t, 24, t, 0);
        f.inverse(t, 0, t, 0);
        f.mul(a, ai, t, 0, r, ri);
        f.mul(a, ai + 24, t, 0, t, 24);
        f.neg(t, 24, r, ri + 24);
    }

    /** a^(q^k) for k = 1, 2, 3: conjugate the Fq2 coefficients when k is odd, then scale coefficient i by γ_{k,i}. */
    public void frobenius(long[] a, int ai, int k, long[] r, int ri) {
        if (k < 1 || k > 3) throw new IllegalArgumentException("frobenius power " + k + " (1..3 supported)");
        long[] g = FROB[k - 1];
        Fq2 f = f2;
        // coefficient of w^i sits at offset OFF[i]
        for (int i = 0; i < 6; i++) {
            int o = OFF[i];
            if ((k & 1) == 1) f.conjugate(a, ai + o, r, ri + o);
            else if (a != r || ai != ri) Fq2.copy(a, ai + o, r, ri + o);
            if (i > 0) {
                if (k == 2) f.mulByFq(r, ri + o, g, 8 * (i - 1), r, ri + o);
                else f.mul(r, ri + o, g, 8 * (i - 1), r, ri + o);
            }
        }
    }

    /** Offset of the coefficient of w^i, i = 0..5. */
    private static final int[] OFF = {0, 24, 8, 32, 16, 40};

    /**
     * Granger–Scott squaring for elements of the cyclotomic subgroup (norm 1 over Fq6, after the easy part of the
     * final exponentiation): three Fq4 squarings, 9 Fq2 squarings in all instead of 12 Fq2 multiplications.
     */
    public void cyclotomicSquare(long[] a, int ai, long[] r, int ri) {
        long[] t = this.t;
        Fq2 f = f2;
        // Fq4 = Fq2[s]/(s^2 - ξ) pairs: (z0, z1) = (c0.b0, c1.b1), (z2, z3) = (c1.b0, c0.b2), (z4, z5) = (c0.b1, c1.b2)
        int z0 = ai, z1 = ai + 32, z2 = ai + 24, z3 = ai + 16, z4 = ai + 8, z5 = ai + 40;
        fq4Square(a, z0, z1, t, 0, 8);             // t0 + t1 s = (z0 + z1 s)^2
        fq4Square(a, z2, z3, t, 16, 24);           // t2 + t3 s
        fq4Square(a, z4, z5, t, 32, 40);           // t4 + t5 s
        // z0 = 3 t0 - 2 z0, z1 = 3 t1 + 2 z1
        threeMinusTwo(t, 0, a, z0, t, 48);
        threePlusTwo(t, 8, a, z1, t, 56);
        // z2 = 3 ξ t5 + 2 z2, z3 = 3 t4 - 2 z3
        f.mulByNonResidue(t, 40, t, 40);
        threePlusTwo(t, 40, a, z2, t, 64);
        threeMinusTwo(t, 32, a, z3, t, 72);
        // z4 = 3 t2 - 2 z4, z5 = 3 t3 + 2 z5
        threeMinusTwo(t, 16, a, z4, t, 80);
        threePlusTwo(t, 24, a, z5, t, 88);
        int o = ri;
        Fq2.copy(t, 48, r, o);
        Fq2.copy(t, 56, r, o + 32);
        Fq2.copy(t, 64, r, o + 24);
        Fq2.copy(t, 72, r, o + 16);
        Fq2.copy(t, 80, r, o + 8);
        Fq2.copy(t, 88, r, o + 40);
    }

    /** (x + y s)^2 = (x^2 + ξ y^2) + 2xy s in Fq4 = Fq2[s]/(s^2 - ξ), by three squarings. */
    private void fq4Square(long[] a, int x, int y, long[] r, int r0, int r1) {
        long[] t = this.t;
        Fq2 f = f2;
        f.square(a, x, t, 96);
        f.square(a, y, t, 104);
        f.add(a, x, a, y, t, 112);
        f.square(t, 112, t, 112);
        f.sub(t, 112, t, 96, t, 112);
        f.sub(t, 112, t, 104, r, r1);
        f.mulByNonResidue(t, 104, t, 104);
        f.add(t, 104, t, 96, r, r0);
    }

    private void threeMinusTwo(long[] s, int si, long[] z, int zi, long[] r, int ri) {
        f2.sub(s, si, z, zi, r, ri);
        f2.dbl(r, ri, r, ri);
        f2.add(r, ri, s, si, r, ri);
    }

    private void threePlusTwo(long[] s, int si, long[] z, int zi, long[] r, int ri) {
        f2.add(s, si, z, zi, r, ri);
        f2.dbl(r, ri, r, ri);
        f2.add(r, ri, s, si, r, ri);
    }

    /**
     * a^e for a in the cyclotomic subgroup and e ≥ 0 given by its non-adjacent form {@code naf} (least significant
     * digit first, digits -1/0/1): the conjugate is the inverse there, so negative digits cost the same as positive.
     */
    public void cyclotomicExp(long[] a, int ai, byte[] naf, long[] r, int ri) {
        long[] t = this.t;
        int base = 4 * LIMBS, inv = 5 * LIMBS; // the operations below use t[0, 4*LIMBS)
        Fq6.copy(a, ai, t, base);
        Fq6.copy(a, ai + 24, t, base + 24);
        conjugate(t, base, t, inv);
        long[] acc = new long[LIMBS];
        setOne(acc, 0);
        boolean started = false;
        for (int i = naf.length - 1; i >= 0; i--) {
            if (started) cyclotomicSquare(acc, 0, acc, 0);
            if (naf[i] != 0) {
                mul(acc, 0, t, naf[i] > 0 ? base : inv, acc, 0);
                started = true;
            }
        }
        copy(acc, 0, r, ri);
    }

    /** Generic square-and-multiply a^e, any element; a test and set-up tool, not for hot paths. */
    public void pow(long[] a, int ai, BigInteger e, long[] r, int ri) {
        long[] base = Arrays.copyOfRange(a, ai, ai + LIMBS);
        long[] acc = new long[LIMBS];
        setOne(acc, 0);
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            square(acc, 0, acc, 0);
            if (e.testBit(i)) mul(acc, 0, base, 0, acc, 0);
        }
        copy(acc, 0, r, ri);
    }

    /** Non-adjacent form of e ≥ 0, least significant digit first. */
    public static byte[] naf(BigInteger e) {
        if (e.signum() < 0) throw new IllegalArgumentException("negative exponent");
        byte[] d = new byte[e.bitLength() + 1];
        int n = 0;
        BigInteger k = e;
        while (k.signum() > 0) {
            if (k.testBit(0)) {
                int z = 2 - k.mod(BigInteger.valueOf(4)).intValue(); // 1 or -1
                d[n] = (byte) z;
                k = k.subtract(BigInteger.valueOf(z));
            }
            k = k.shiftRight(1);
            n++;
        }
        return Arrays.copyOf(d, n);
    }

    public static boolean isOne(long[] a, int ai) { return Fq6.isOne(a, ai) && Fq6.isZero(a, ai + 24); }

    public static boolean equal(long[] a, int ai, long[] b, int bi) {
        return Arrays.equals(a, ai, ai + LIMBS, b, bi, bi + LIMBS);
    }

    public static void copy(long[] a, int ai, long[] r, int ri) { System.arraycopy(a, ai, r, ri, LIMBS); }

    public static void setOne(long[] r, int ri) { Arrays.fill(r, ri, ri + LIMBS, 0L); Fq2.setOne(r, ri); }

    /**
     * From twelve Fq values in snarkjs's nesting order [[c0.b0, c0.b1, c0.b2], [c1.b0, c1.b1, c1.b2]], each an
     * Fq2 pair (c0, c1) — which is also the memory order.
     */
    public static long[] of(BigInteger... c) {
        if (c.length != 12) throw new IllegalArgumentException("an Fq12 element has 12 Fq coefficients");
        long[] r = new long[LIMBS];
        for (int i = 0; i < 12; i++) F.fromBigInteger(c[i], r, 4 * i);
        return r;
    }

    public static BigInteger[] toBigIntegers(long[] a, int ai) {
        BigInteger[] r = new BigInteger[12];
        for (int i = 0; i < 12; i++) r[i] = F.toBigInteger(a, ai + 4 * i);
        return r;
    }
}
