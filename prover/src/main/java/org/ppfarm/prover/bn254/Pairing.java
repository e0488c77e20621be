package org.ppfarm.prover.bn254;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The BN254 optimal-ate pairing e: G1 × G2 → GT ⊂ Fq12*, computed exactly as snarkjs/ffjavascript compute it
 * (same tower, same final exponentiation), so e(vk_alpha_1, vk_beta_2) equals snarkjs's {@code vk_alphabeta_12}.
 *
 * <ol>
 *   <li><b>Miller loop</b> over 6x+2 (x = 4965661367192848881) in non-adjacent form, T in homogeneous projective
 *       coordinates on the twist y^2 = x^3 + 3/ξ. Each doubling/addition step yields a line
 *       r0·yP + r1·xP·w + r2·w^3 (Costello–Lange–Naehrig, eprint 2009/615, the formulas gnark-crypto uses),
 *       multiplied into f sparsely. Then the two BN extra steps with ψ(Q) and −ψ^2(Q).</li>
 *   <li><b>Final exponentiation</b> f^((q^12-1)/r · λ): the easy part (q^6-1)(q^2+1) with one inversion, then the
 *       hard part by the Fuentes-Castañeda et al. addition chain (three exponentiations by x, as libff and
 *       snarkjs's wasmcurves), which raises to a fixed multiple λ = 2x(6x^2+3x+1) of (q^4-q^2+1)/r.</li>
 * </ol>
 * The line coefficients depend only on the G2 point, so they are computed once per point ({@link #prepare}) and a
 * fixed point (γ, δ of a verification key) is prepared once and reused. A product of pairings shares one
 * squaring chain and one final exponentiation ({@link #millerLoop} over n pairs).
 *
 * <p>Points are affine, Montgomery form, the point at infinity all zeros: G1 8 longs (x, y), G2 16 longs
 * (x.c0, x.c1, y.c0, y.c1). Callers check curve and subgroup membership; the pairing assumes it.
 *
 * <p>This class is the Java {@link PairingKernel} and the reference for the native one (module cpu-kernels,
 * {@code pairing.hpp}), which computes the same lines, Miller loop and final exponentiation limb for limb.
 *
 * <p><b>Not thread-safe</b> (scratch space): one instance per thread. {@link G2Prepared} is immutable and shared.
 */
public final class Pairing {
    private static final Field F = Field.FQ;

    /** x, the BN254 curve parameter; the Miller loop runs over 6x+2. */
    public static final long X = 4965661367192848881L;
    /** NAF of 6x+2, least significant digit first (its top digit is 1). */
    private static final byte[] ATE_NAF = Fq12.naf(BigInteger.valueOf(X).multiply(BigInteger.valueOf(6)).add(BigInteger.TWO));
    private static final byte[] X_NAF = Fq12.naf(BigInteger.valueOf(X));
    /** Number of line steps: one doubling per digit below the top, one addition per non-zero such digit, plus 2. */
    public static final int STEPS;
    /** Longs of a prepared point's lines: STEPS lines (r0, r1, r2) of three Fq2 elements. */
    public static final int PREPARED_LONGS;
    /** 3·b' with b' = 3/ξ, the twist's constant term. */
    private static final long[] B3_TWIST;
    private static final long[] Q_LIMBS = Field.limbs(F.modulus());
    private static final long[] FROB_X1 = Fq12.frobTwistX(), FROB_Y1 = Fq12.frobTwistY();
    /** ψ^2 on the twist: x · ξ^{(q^2-1)/3} (an Fq element), y · ξ^{(q^2-1)/2} = −y. */
    private static final long[] FROB_X2;

    static {
        int steps = 2;
        for (int i = ATE_NAF.length - 2; i >= 0; i--) steps += ATE_NAF[i] == 0 ? 1 : 2;
        STEPS = steps;
        PREPARED_LONGS = 24 * steps;
        Fq2 f2 = new Fq2();
        long[] b = Fq2.of(BigInteger.valueOf(9), BigInteger.ONE);
        f2.inverse(b, 0, b, 0);
        long[] three = Fq2.of(BigInteger.valueOf(9), BigInteger.ZERO);
        f2.mul(b, 0, three, 0, b, 0); // 3 · (3/ξ)
        B3_TWIST = b;
        BigInteger q = F.modulus();
        BigInteger e = q.multiply(q).subtract(BigInteger.ONE).divide(BigInteger.valueOf(3));
        long[] acc = new long[8];
        Fq2.setOne(acc, 0);
        long[] xi = Fq2.of(BigInteger.valueOf(9), BigInteger.ONE);
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            f2.square(acc, 0, acc, 0);
            if (e.testBit(i)) f2.mul(acc, 0, xi, 0, acc, 0);
        }
        FROB_X2 = acc;
    }

    /**
     * The Miller-loop line coefficients of one G2 point: STEPS triples (r0, r1, r2) of Fq2 elements, 24 longs a
     * step. Every {@link PairingKernel} computes the same lines limb for limb, so a point prepared by one kernel
     * (a verification key's γ and δ) serves any other. Immutable once built; safe to share between threads.
     */
    public static final class G2Prepared {
        final long[] lines; // null for the point at infinity
        private G2Prepared(long[] lines) { this.lines = lines; }
        public boolean isInfinity() { return lines == null; }

        /**
         * A prepared point from lines another kernel computed ({@link #PREPARED_LONGS} longs, kept without a copy:
         * the caller hands the array over). A first line of zeros is the point at infinity's (a real point's first
         * line has r0 = −2y ≠ 0).
         */
        public static G2Prepared ofLines(long[] lines) {
            if (lines.length != PREPARED_LONGS)
                throw new IllegalArgumentException("prepared lines: expected " + PREPARED_LONGS + " longs, got " + lines.length);
            for (int i = 0; i < 24; i++) if (lines[i] != 0) return new G2Prepared(lines);
            return new G2Prepared(null);
        }

        /** The lines into dst[di .. di + {@link #PREPARED_LONGS}); zeros for the point at infinity. */
        public void copyLines(long[] dst, int di) {
            if (lines == null) Arrays.fill(dst, di, di + PREPARED_LONGS, 0L);
            else System.arraycopy(lines, 0, dst, di, PREPARED_LONGS);
        }

        /** The lines into {@code dst} at byte {@code offset} (a native kernel's buffer); zeros for infinity. */
        public void copyLines(MemorySegment dst, long offset) {
            if (lines == null) dst.asSlice(offset, 8L * PREPARED_LONGS).fill((byte) 0);
            else MemorySegment.copy(lines, 0, dst, ValueLayout.JAVA_LONG, offset, PREPARED_LONGS);
        }
    }

    private final Fq12 f12 = new Fq12();
    private final Fq2 f2 = f12.f2;
    private final long[] t = new long[160];
    private final long[] line = new long[24];

    /** Computes the line coefficients of the affine G2 point at q[qi .. qi+16). */
    public G2Prepared prepare(long[] q, int qi) {
        boolean inf = true;
        for (int i = 0; i < 16; i++) if (q[qi + i] != 0) { inf = false; break; }
        if (inf) return new G2Prepared(null);
        long[] lines = new long[STEPS * 24];
        long[] T = new long[24];     // X, Y, Z
        long[] qs = new long[48];    // Q, −Q or ψ(Q), −ψ^2(Q) (affine x, y)
        Fq2.copy(q, qi, T, 0);
        Fq2.copy(q, qi + 8, T, 8);
        Fq2.setOne(T, 16);
        Fq2.copy(q, qi, qs, 0);
        Fq2.copy(q, qi + 8, qs, 8);
        Fq2.copy(q, qi, qs, 16);
        f2.neg(q, qi + 8, qs, 24);
        int s = 0;
        for (int i = ATE_NAF.length - 2; i >= 0; i--) {
            doubleStep(T, lines, 24 * s++);
            if (ATE_NAF[i] != 0) addStep(T, qs, ATE_NAF[i] > 0 ? 0 : 16, lines, 24 * s++);
        }
        // ψ(Q) = (conj(x) γ12, conj(y) γ13); −ψ^2(Q) = (x γ22, y) since γ23 = −1
        f2.conjugate(q, qi, qs, 32);
        f2.mul(qs, 32, FROB_X1, 0, qs, 32);
        f2.conjugate(q, qi + 8, qs, 40);
        f2.mul(qs, 40, FROB_Y1, 0, qs, 40);
        addStep(T, qs, 32, lines, 24 * s++);
        f2.mulByFq(q, qi, FROB_X2, 0, qs, 32);
        Fq2.copy(q, qi + 8, qs, 40);
        addStep(T, qs, 32, lines, 24 * s++);
        assert s == STEPS;
        return new G2Prepared(lines);
    }

    /** Tangent at T: T ← 2T, line (−2YZ, 3X^2, 3b'Z^2 − Y^2). */
    private void doubleStep(long[] T, long[] l, int lo) {
        long[] t = this.t;
        Fq2 f = f2;
        f.mul(T, 0, T, 8, t, 0);
        halve(t, 0);                          // A = XY/2
        f.square(T, 8, t, 8);                 // B = Y^2
        f.square(T, 16, t, 16);               // C = Z^2
        f.mul(t, 16, B3_TWIST, 0, t, 24);     // E = 3b' C
        f.dbl(t, 24, t, 32);
        f.add(t, 32, t, 24, t, 32);           // F = 3E
        f.add(t, 8, t, 32, t, 40);
        halve(t, 40);                         // G = (B + F)/2
        f.add(T, 8, T, 16, t, 48);
        f.square(t, 48, t, 48);
        f.sub(t, 48, t, 8, t, 48);
        f.sub(t, 48, t, 16, t, 48);           // H = (Y + Z)^2 − B − C = 2YZ
        f.sub(t, 24, t, 8, l, lo + 16);       // r2 = I = E − B
        f.square(T, 0, t, 56);                // J = X^2
        f.dbl(t, 56, l, lo + 8);
        f.add(l, lo + 8, t, 56, l, lo + 8);   // r1 = 3J
        f.neg(t, 48, l, lo);                  // r0 = −H
        f.square(t, 24, t, 64);
        f.dbl(t, 64, t, 72);
        f.add(t, 72, t, 64, t, 64);           // K = 3E^2
        f.sub(t, 8, t, 32, t, 72);
        f.mul(t, 72, t, 0, T, 0);             // X3 = A (B − F)
        f.square(t, 40, T, 8);
        f.sub(T, 8, t, 64, T, 8);             // Y3 = G^2 − K
        f.mul(t, 8, t, 48, T, 16);            // Z3 = B H
    }

    /** Chord through T and the affine point at q[qi]: T ← T + Q, line (L, −O, x2 O − L y2). */
    private void addStep(long[] T, long[] q, int qi, long[] l, int lo) {
        long[] t = this.t;
        Fq2 f = f2;
        int x2 = qi, y2 = qi + 8;
        f.mul(q, y2, T, 16, t, 0);
        f.sub(T, 8, t, 0, t, 0);              // O = Y − y2 Z
        f.mul(q, x2, T, 16, t, 8);
        f.sub(T, 0, t, 8, t, 8);              // L = X − x2 Z
        f.square(t, 0, t, 16);                // C = O^2
        f.square(t, 8, t, 24);                // D = L^2
        f.mul(t, 8, t, 24, t, 32);            // E = L D
        f.mul(T, 16, t, 16, t, 40);           // F = Z C
        f.mul(T, 0, t, 24, t, 48);            // G = X D
        f.add(t, 32, t, 40, t, 56);
        f.sub(t, 56, t, 48, t, 56);
        f.sub(t, 56, t, 48, t, 56);           // H = E + F − 2G
        f.mul(T, 8, t, 32, t, 64);            // Y E
        f.mul(t, 8, t, 56, T, 0);             // X3 = L H
        f.sub(t, 48, t, 56, t, 72);
        f.mul(t, 72, t, 0, t, 72);
        f.sub(t, 72, t, 64, T, 8);            // Y3 = (G − H) O − Y E
        f.mul(t, 32, T, 16, T, 16);           // Z3 = E Z
        f.mul(q, x2, t, 0, t, 72);
        f.mul(t, 8, q, y2, t, 80);
        f.sub(t, 72, t, 80, l, lo + 16);      // r2 = x2 O − L y2
        f.neg(t, 0, l, lo + 8);               // r1 = −O
        Fq2.copy(t, 8, l, lo);                // r0 = L
    }

    /** a ← a/2 for both Fq coefficients: add q when odd (no overflow, q < 2^254), shift right. */
    private static void halve(long[] a, int ai) {
        halveFq(a, ai);
        halveFq(a, ai + 4);
    }

    private static void halveFq(long[] a, int i) {
        long a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
        if ((a0 & 1) != 0) {
            long[] q = Q_LIMBS;
            long s0 = a0 + q[0];
            long c = Long.compareUnsigned(s0, a0) < 0 ? 1 : 0;
            long s1 = a1 + q[1] + c;
            c = (Long.compareUnsigned(s1, a1) < 0 || (c == 1 && s1 == a1)) ? 1 : 0;
            long s2 = a2 + q[2] + c;
            c = (Long.compareUnsigned(s2, a2) < 0 || (c == 1 && s2 == a2)) ? 1 : 0;
            a0 = s0; a1 = s1; a2 = s2; a3 = a3 + q[3] + c;
        }
        a[i] = (a0 >>> 1) | (a1 << 63);
        a[i + 1] = (a1 >>> 1) | (a2 << 63);
        a[i + 2] = (a2 >>> 1) | (a3 << 63);
        a[i + 3] = a3 >>> 1;
    }

    /**
     * The product of the Miller loops of n pairs (g1 points at g1[8k], prepared g2[k]) into r[ri .. ri+48):
     * one shared squaring chain. Pairs with a point at infinity contribute 1.
     */
    public void millerLoop(long[] g1, G2Prepared[] g2, long[] r, int ri) {
        int n = g2.length;
        if (g1.length < 8 * n) throw new IllegalArgumentException(n + " G2 points but " + g1.length / 8 + " G1 points");
        long[] f = new long[Fq12.LIMBS];
        Fq12.setOne(f, 0);
        Fq12 f12 = this.f12;
        long[] ln = this.line;
        boolean started = false;
        int s = 0;
        for (int i = ATE_NAF.length - 2; i >= 0; i--) {
            int steps = ATE_NAF[i] == 0 ? 1 : 2;
            if (started) f12.square(f, 0, f, 0);
            for (int k = 0; k < n; k++) {
                long[] lines = g2[k].lines;
                if (lines == null || isInfinity(g1, 8 * k)) continue;
                for (int j = 0; j < steps; j++) {
                    evaluate(lines, 24 * (s + j), g1, 8 * k, ln);
                    f12.mulByLine(f, 0, ln, 0, 8, 16, f, 0);
                    started = true;
                }
            }
            s += steps;
        }
        for (int k = 0; k < n; k++) {
            long[] lines = g2[k].lines;
            if (lines == null || isInfinity(g1, 8 * k)) continue;
            for (int j = 0; j < 2; j++) {
                evaluate(lines, 24 * (s + j), g1, 8 * k, ln);
                f12.mulByLine(f, 0, ln, 0, 8, 16, f, 0);
            }
        }
        Fq12.copy(f, 0, r, ri);
    }

    /** Line at P: (r0 yP, r1 xP, r2). */
    private void evaluate(long[] lines, int lo, long[] p, int pi, long[] out) {
        f2.mulByFq(lines, lo, p, pi + 4, out, 0);
        f2.mulByFq(lines, lo + 8, p, pi, out, 8);
        Fq2.copy(lines, lo + 16, out, 16);
    }

    private static boolean isInfinity(long[] p, int pi) {
        for (int i = 0; i < 8; i++) if (p[pi + i] != 0) return false;
        return true;
    }

    /** f^((q^12 − 1)/r · λ), λ = 2x(6x^2 + 3x + 1); see the class comment. f must be non-zero. */
    public void finalExponentiation(long[] f, int fi, long[] r, int ri) {
        Fq12 e = f12;
        final int L = Fq12.LIMBS;
        long[] m = new long[14 * L];
        final int ELT = 0, A = L, B = 2 * L, C = 3 * L, D = 4 * L, E = 5 * L, FF = 6 * L, G = 7 * L, K = 8 * L,
                LL = 9 * L, M = 10 * L, T = 11 * L, U = 12 * L, V = 13 * L;
        // easy part: elt = f^((q^6 − 1)(q^2 + 1))
        e.inverse(f, fi, m, A);
        e.conjugate(f, fi, m, ELT);
        e.mul(m, ELT, m, A, m, ELT);
        e.frobenius(m, ELT, 2, m, A);
        e.mul(m, ELT, m, A, m, ELT);
        // hard part (comments give the exponent of elt)
        e.cyclotomicExp(m, ELT, X_NAF, m, A);
        e.conjugate(m, A, m, A);                       // A = elt^(−x)
        e.cyclotomicSquare(m, A, m, B);                // B = elt^(−2x)
        e.cyclotomicSquare(m, B, m, C);                // C = elt^(−4x)
        e.mul(m, C, m, B, m, D);                       // D = elt^(−6x)
        e.cyclotomicExp(m, D, X_NAF, m, E);
        e.conjugate(m, E, m, E);                       // E = elt^(6x^2)
        e.cyclotomicSquare(m, E, m, FF);               // F = elt^(12x^2)
        e.cyclotomicExp(m, FF, X_NAF, m, G);           // G^-1 = elt^(12x^3)
        e.conjugate(m, D, m, D);                       // H = elt^(6x)
        e.mul(m, G, m, E, m, K);                       // J = elt^(12x^3 + 6x^2)   (G here is already I = conj(G))
        e.mul(m, K, m, D, m, K);                       // K = elt^(12x^3 + 6x^2 + 6x)
        e.mul(m, K, m, B, m, LL);                      // L = elt^(12x^3 + 6x^2 + 4x)
        e.mul(m, K, m, E, m, M);                       // M = elt^(12x^3 + 12x^2 + 6x)
        e.mul(m, M, m, ELT, m, M);                     // N = elt^(12x^3 + 12x^2 + 6x + 1)
        e.frobenius(m, LL, 1, m, T);                   // O = L^q
        e.mul(m, T, m, M, m, T);                       // P = O N
        e.frobenius(m, K, 2, m, U);                    // Q = K^(q^2)
        e.mul(m, U, m, T, m, U);                       // R = Q P
        e.conjugate(m, ELT, m, V);                     // S = elt^(−1)
        e.mul(m, V, m, LL, m, V);                      // T = elt^(12x^3 + 6x^2 + 4x − 1)
        e.frobenius(m, V, 3, m, V);                    // U = T^(q^3)
        e.mul(m, V, m, U, r, ri);                      // U R
    }

    /** e(P, Q) into r[ri .. ri+48). */
    public void pair(long[] p, int pi, long[] q, int qi, long[] r, int ri) {
        long[] g1 = new long[8];
        System.arraycopy(p, pi, g1, 0, 8);
        millerLoop(g1, new G2Prepared[] {prepare(q, qi)}, r, ri);
        finalExponentiation(r, ri, r, ri);
    }

    /** Π e(P_k, Q_k) with one final exponentiation. */
    public void multiPairing(long[] g1, G2Prepared[] g2, long[] r, int ri) {
        millerLoop(g1, g2, r, ri);
        finalExponentiation(r, ri, r, ri);
    }
}
