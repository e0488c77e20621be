package org.ppfarm.prover.bn254;

import java.math.BigInteger;

/**
 * Short-Weierstrass arithmetic for y^2 = x^3 + b (a = 0) over a coordinate field of {@link #e} longs per element
 * (4 for Fq in {@link G1}, 8 for Fq2 in {@link G2}). The formulas are written once here; the subclasses supply the
 * coordinate-field operations, the constant b and the generator.
 *
 * <p>Layouts, all in Montgomery form and flat {@code long[]} with an offset:
 * <pre>
 *   affine   [ x | y ]        2e longs   infinity = all zeros (as snarkjs .zkey files store it;
 *                                        (0, 0) is not on the curve since b != 0)
 *   Jacobian [ X | Y | Z ]    3e longs   (x, y) = (X/Z^2, Y/Z^3); infinity is any point with Z = 0
 * </pre>
 * Formulas are from the Explicit-Formulas Database (EFD), "g1p/auto/shortw/jacobian-0":
 * https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html
 *
 * <p>An instance owns scratch space so that the hot paths allocate nothing: <b>not thread-safe</b>, use one
 * instance per thread ({@link G1#local()}, {@link G2#local()} or {@code new G1()}). Every operation reads its
 * inputs before writing its output, so outputs may alias inputs.
 */
public abstract sealed class Curve permits G1, G2 {
    /** Longs per coordinate: 4 (Fq) or 8 (Fq2). */
    public final int e;
    /** Longs per affine point (2e). */
    public final int affineLongs;
    /** Longs per Jacobian point (3e). */
    public final int jacobianLongs;

    /** Scratch: SLOTS temporaries of e longs each, slot k at offset k*e. */
    private final long[] t;
    private static final int SLOTS = 14;
    /** Scratch for scalar multiplication (accumulator, base). */
    private final long[] acc, base;

    Curve(int e) {
        this.e = e;
        this.affineLongs = 2 * e;
        this.jacobianLongs = 3 * e;
        this.t = new long[SLOTS * e];
        this.acc = new long[3 * e];
        this.base = new long[3 * e];
    }

    // ---- the coordinate field (public so the MSM can run affine batch formulas over either group) ----

    public abstract void fmul(long[] a, int ai, long[] b, int bi, long[] r, int ri);
    public abstract void fsquare(long[] a, int ai, long[] r, int ri);
    public abstract void fadd(long[] a, int ai, long[] b, int bi, long[] r, int ri);
    public abstract void fsub(long[] a, int ai, long[] b, int bi, long[] r, int ri);
    public abstract void fdbl(long[] a, int ai, long[] r, int ri);
    public abstract void fneg(long[] a, int ai, long[] r, int ri);
    /** r = 1/a; the inverse of zero is zero. */
    public abstract void finverse(long[] a, int ai, long[] r, int ri);
    public abstract boolean fisZero(long[] a, int ai);
    public abstract boolean fequal(long[] a, int ai, long[] b, int bi);
    public abstract void fsetOne(long[] r, int ri);
    /** The curve constant b (Montgomery form, e longs; do not modify). */
    protected abstract long[] b();
    /** The group generator in affine form (a fresh copy). */
    public abstract long[] generator();

    public final void fcopy(long[] a, int ai, long[] r, int ri) { System.arraycopy(a, ai, r, ri, e); }

    public final void fsetZero(long[] r, int ri) { java.util.Arrays.fill(r, ri, ri + e, 0L); }

    // ---- predicates and conversions ----

    public final boolean isInfinityAffine(long[] p, int pi) {
        for (int i = 0; i < affineLongs; i++) if (p[pi + i] != 0) return false;
        return true;
    }

    public final boolean isInfinity(long[] p, int pi) { return fisZero(p, pi + 2 * e); }

    public final void setInfinity(long[] r, int ri) { java.util.Arrays.fill(r, ri, ri + jacobianLongs, 0L); }

    public final void setInfinityAffine(long[] r, int ri) { java.util.Arrays.fill(r, ri, ri + affineLongs, 0L); }

    /** Affine → Jacobian (Z = 1, or the Jacobian infinity for the all-zero point). */
    public final void fromAffine(long[] a, int ai, long[] r, int ri) {
        if (isInfinityAffine(a, ai)) { setInfinity(r, ri); return; }
        System.arraycopy(a, ai, r, ri, affineLongs);
        fsetOne(r, ri + 2 * e);
    }

    /** Jacobian → affine with one field inversion. */
    public final void toAffine(long[] p, int pi, long[] r, int ri) {
        if (isInfinity(p, pi)) { setInfinityAffine(r, ri); return; }
        final int e = this.e;
        long[] t = this.t;
        finverse(p, pi + 2 * e, t, 0);     // 1/Z
        fsquare(t, 0, t, e);               // 1/Z^2
        fmul(t, 0, t, e, t, 0);            // 1/Z^3
        fmul(p, pi, t, e, r, ri);
        fmul(p, pi + e, t, 0, r, ri + e);
    }

    /**
     * Converts n Jacobian points (at {@code p[pi + 3e*i]}) to affine ({@code r[ri + 2e*i]}) with a single field
     * inversion (Montgomery's trick). Input and output ranges must not overlap. Allocates O(n) scratch: this is a
     * once-per-result operation, not a per-point one.
     */
    public final void batchToAffine(long[] p, int pi, int n, long[] r, int ri) {
        final int e = this.e;
        long[] prefix = new long[n * e];   // prefix[i] = product of the nonzero Z's before i
        long[] accu = new long[2 * e];
        fsetOne(accu, 0);
        for (int i = 0; i < n; i++) {
            fcopy(accu, 0, prefix, i * e);
            int zi = pi + i * jacobianLongs + 2 * e;
            if (!fisZero(p, zi)) fmul(accu, 0, p, zi, accu, 0);
        }
        finverse(accu, 0, accu, 0);
        long[] t = this.t;
        for (int i = n - 1; i >= 0; i--) {
            int pj = pi + i * jacobianLongs;
            int out = ri + i * affineLongs;
            if (fisZero(p, pj + 2 * e)) { setInfinityAffine(r, out); continue; }
            fmul(accu, 0, prefix, i * e, t, 0);    // 1/Z_i
            fmul(accu, 0, p, pj + 2 * e, accu, 0); // drop Z_i from the running inverse
            fsquare(t, 0, t, e);
            fmul(t, 0, t, e, t, 2 * e);            // 1/Z^3
            fmul(p, pj, t, e, r, out);
            fmul(p, pj + e, t, 2 * e, r, out + e);
        }
    }

    /** True when the affine point satisfies y^2 = x^3 + b, or is the all-zero infinity. */
    public final boolean isOnCurveAffine(long[] a, int ai) {
        if (isInfinityAffine(a, ai)) return true;
        long[] t = this.t;
        fsquare(a, ai + e, t, 0);          // y^2
        fsquare(a, ai, t, e);
        fmul(t, e, a, ai, t, e);           // x^3
        fadd(t, e, b(), 0, t, e);
        return fequal(t, 0, t, e);
    }

    /** True when the Jacobian point satisfies Y^2 = X^3 + b Z^6 (infinity counts as on the curve). */
    public final boolean isOnCurve(long[] p, int pi) {
        if (isInfinity(p, pi)) return true;
        long[] t = this.t;
        final int e = this.e;
        fsquare(p, pi + e, t, 0);          // Y^2
        fsquare(p, pi, t, e);
        fmul(t, e, p, pi, t, e);           // X^3
        fsquare(p, pi + 2 * e, t, 2 * e);  // Z^2
        fsquare(t, 2 * e, t, 3 * e);       // Z^4
        fmul(t, 3 * e, t, 2 * e, t, 3 * e); // Z^6
        fmul(t, 3 * e, b(), 0, t, 3 * e);
        fadd(t, e, t, 3 * e, t, e);
        return fequal(t, 0, t, e);
    }

    /** Group equality of two Jacobian points: X1 Z2^2 = X2 Z1^2 and Y1 Z2^3 = Y2 Z1^3. */
    public final boolean equal(long[] p, int pi, long[] q, int qi) {
        boolean pInf = isInfinity(p, pi), qInf = isInfinity(q, qi);
        if (pInf || qInf) return pInf && qInf;
        final int e = this.e;
        long[] t = this.t;
        fsquare(p, pi + 2 * e, t, 0);        // Z1^2
        fsquare(q, qi + 2 * e, t, e);        // Z2^2
        fmul(p, pi, t, e, t, 2 * e);
        fmul(q, qi, t, 0, t, 3 * e);
        if (!fequal(t, 2 * e, t, 3 * e)) return false;
        fmul(t, 0, p, pi + 2 * e, t, 0);     // Z1^3
        fmul(t, e, q, qi + 2 * e, t, e);     // Z2^3
        fmul(p, pi + e, t, e, t, 2 * e);
        fmul(q, qi + e, t, 0, t, 3 * e);
        return fequal(t, 2 * e, t, 3 * e);
    }

    /** Affine negation (x, -y); infinity stays all zeros. */
    public final void negAffine(long[] a, int ai, long[] r, int ri) {
        fcopy(a, ai, r, ri);
        fneg(a, ai + e, r, ri + e);
    }

    /** Jacobian negation (X, -Y, Z). */
    public final void neg(long[] p, int pi, long[] r, int ri) {
        fcopy(p, pi, r, ri);
        fneg(p, pi + e, r, ri + e);
        fcopy(p, pi + 2 * e, r, ri + 2 * e);
    }

    // ---- group law in Jacobian coordinates ----

    /** r = 2p. EFD dbl-2009-l (a = 0): 2M + 5S. */
    public final void dbl(long[] p, int pi, long[] r, int ri) {
        final int e = this.e;
        if (isInfinity(p, pi)) { setInfinity(r, ri); return; }
        long[] t = this.t;
        final int A = 0, B = e, C = 2 * e, D = 3 * e, E = 4 * e, F = 5 * e, X3 = 6 * e, Y3 = 7 * e, Z3 = 8 * e;
        fsquare(p, pi, t, A);                 // A = X1^2
        fsquare(p, pi + e, t, B);             // B = Y1^2
        fsquare(t, B, t, C);                  // C = B^2
        fadd(p, pi, t, B, t, D);
        fsquare(t, D, t, D);
        fsub(t, D, t, A, t, D);
        fsub(t, D, t, C, t, D);
        fdbl(t, D, t, D);                     // D = 2((X1 + B)^2 - A - C)
        fdbl(t, A, t, E);
        fadd(t, E, t, A, t, E);               // E = 3A
        fsquare(t, E, t, F);                  // F = E^2
        fmul(p, pi + e, p, pi + 2 * e, t, Z3);
        fdbl(t, Z3, t, Z3);                   // Z3 = 2 Y1 Z1 (before writing r: r may alias p)
        fdbl(t, D, t, X3);
        fsub(t, F, t, X3, t, X3);             // X3 = F - 2D
        fsub(t, D, t, X3, t, Y3);
        fmul(t, E, t, Y3, t, Y3);
        fdbl(t, C, t, C);
        fdbl(t, C, t, C);
        fdbl(t, C, t, C);
        fsub(t, Y3, t, C, t, Y3);             // Y3 = E (D - X3) - 8C
        System.arraycopy(t, X3, r, ri, 3 * e);
    }

    /** r = p + q, all Jacobian. EFD add-2007-bl: 11M + 5S; falls back to doubling when p == q. */
    public final void add(long[] p, int pi, long[] q, int qi, long[] r, int ri) {
        final int e = this.e;
        if (isInfinity(p, pi)) { System.arraycopy(q, qi, r, ri, jacobianLongs); return; }
        if (isInfinity(q, qi)) { System.arraycopy(p, pi, r, ri, jacobianLongs); return; }
        long[] t = this.t;
        final int Z1Z1 = 0, Z2Z2 = e, U1 = 2 * e, U2 = 3 * e, S1 = 4 * e, S2 = 5 * e, H = 6 * e, I = 7 * e,
                J = 8 * e, RR = 9 * e, V = 10 * e, X3 = 11 * e, Y3 = 12 * e, Z3 = 13 * e;
        fsquare(p, pi + 2 * e, t, Z1Z1);
        fsquare(q, qi + 2 * e, t, Z2Z2);
        fmul(p, pi, t, Z2Z2, t, U1);
        fmul(q, qi, t, Z1Z1, t, U2);
        fmul(p, pi + e, q, qi + 2 * e, t, S1);
        fmul(t, S1, t, Z2Z2, t, S1);          // S1 = Y1 Z2 Z2Z2
        fmul(q, qi + e, p, pi + 2 * e, t, S2);
        fmul(t, S2, t, Z1Z1, t, S2);          // S2 = Y2 Z1 Z1Z1
        fsub(t, U2, t, U1, t, H);             // H = U2 - U1
        fsub(t, S2, t, S1, t, RR);
        if (fisZero(t, H)) {
            if (fisZero(t, RR)) { dbl(p, pi, r, ri); return; }   // p == q
            setInfinity(r, ri);                                   // p == -q
            return;
        }
        fdbl(t, RR, t, RR);                   // r = 2 (S2 - S1)
        fdbl(t, H, t, I);
        fsquare(t, I, t, I);                  // I = (2H)^2
        fmul(t, H, t, I, t, J);               // J = H I
        fmul(t, U1, t, I, t, V);              // V = U1 I
        fadd(p, pi + 2 * e, q, qi + 2 * e, t, Z3);
        fsquare(t, Z3, t, Z3);
        fsub(t, Z3, t, Z1Z1, t, Z3);
        fsub(t, Z3, t, Z2Z2, t, Z3);
        fmul(t, Z3, t, H, t, Z3);             // Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H
        fsquare(t, RR, t, X3);
        fsub(t, X3, t, J, t, X3);
        fsub(t, X3, t, V, t, X3);
        fsub(t, X3, t, V, t, X3);             // X3 = r^2 - J - 2V
        fsub(t, V, t, X3, t, Y3);
        fmul(t, RR, t, Y3, t, Y3);
        fmul(t, S1, t, J, t, S1);
        fdbl(t, S1, t, S1);
        fsub(t, Y3, t, S1, t, Y3);            // Y3 = r (V - X3) - 2 S1 J
        System.arraycopy(t, X3, r, ri, 3 * e);
    }

    /**
     * r = p + a with p Jacobian and a affine. EFD madd-2007-bl (Z2 = 1): 7M + 4S; handles infinity on either
     * side, p == a (doubling) and p == -a.
     */
    public final void addMixed(long[] p, int pi, long[] a, int ai, long[] r, int ri) {
        final int e = this.e;
        if (isInfinityAffine(a, ai)) { if (r != p || ri != pi) System.arraycopy(p, pi, r, ri, jacobianLongs); return; }
        if (isInfinity(p, pi)) { fromAffine(a, ai, r, ri); return; }
        long[] t = this.t;
        final int Z1Z1 = 0, U2 = e, S2 = 2 * e, H = 3 * e, HH = 4 * e, I = 5 * e, J = 6 * e, RR = 7 * e,
                V = 8 * e, X3 = 9 * e, Y3 = 10 * e, Z3 = 11 * e;
        fsquare(p, pi + 2 * e, t, Z1Z1);
        fmul(a, ai, t, Z1Z1, t, U2);          // U2 = X2 Z1Z1
        fmul(a, ai + e, p, pi + 2 * e, t, S2);
        fmul(t, S2, t, Z1Z1, t, S2);          // S2 = Y2 Z1 Z1Z1
        fsub(t, U2, p, pi, t, H);             // H = U2 - X1
        fsub(t, S2, p, pi + e, t, RR);
        if (fisZero(t, H)) {
            if (fisZero(t, RR)) { dbl(p, pi, r, ri); return; }
            setInfinity(r, ri);
            return;
        }
        fdbl(t, RR, t, RR);                   // r = 2 (S2 - Y1)
        fsquare(t, H, t, HH);
        fdbl(t, HH, t, I);
        fdbl(t, I, t, I);                     // I = 4 HH
        fmul(t, H, t, I, t, J);               // J = H I
        fmul(p, pi, t, I, t, V);              // V = X1 I
        fadd(p, pi + 2 * e, t, H, t, Z3);
        fsquare(t, Z3, t, Z3);
        fsub(t, Z3, t, Z1Z1, t, Z3);
        fsub(t, Z3, t, HH, t, Z3);            // Z3 = (Z1 + H)^2 - Z1Z1 - HH
        fsquare(t, RR, t, X3);
        fsub(t, X3, t, J, t, X3);
        fsub(t, X3, t, V, t, X3);
        fsub(t, X3, t, V, t, X3);             // X3 = r^2 - J - 2V
        fsub(t, V, t, X3, t, Y3);
        fmul(t, RR, t, Y3, t, Y3);
        fmul(p, pi + e, t, J, t, J);
        fdbl(t, J, t, J);
        fsub(t, Y3, t, J, t, Y3);             // Y3 = r (V - X3) - 2 Y1 J
        System.arraycopy(t, X3, r, ri, 3 * e);
    }

    /** r = p - a with p Jacobian and a affine. */
    public final void subMixed(long[] p, int pi, long[] a, int ai, long[] r, int ri) {
        long[] na = base;   // base is free outside scalar multiplication
        negAffine(a, ai, na, 0);
        addMixed(p, pi, na, 0, r, ri);
    }

    // ---- scalar multiplication (tests, verifier, small uses: not the MSM) ----

    /**
     * r (Jacobian) = k * p (Jacobian) for a standard-form scalar of {@code limbs} little-endian 64-bit limbs
     * (any value, not reduced). Left-to-right double-and-add; not constant time — never use it with secrets.
     */
    public final void scalarMul(long[] p, int pi, long[] k, int ki, int limbs, long[] r, int ri) {
        long[] acc = this.acc, base = this.base;
        System.arraycopy(p, pi, base, 0, jacobianLongs);
        setInfinity(acc, 0);
        for (int i = 64 * limbs - 1; i >= 0; i--) {
            dbl(acc, 0, acc, 0);
            if (((k[ki + (i >>> 6)] >>> (i & 63)) & 1) != 0) add(acc, 0, base, 0, acc, 0);
        }
        System.arraycopy(acc, 0, r, ri, jacobianLongs);
    }

    /** r (Jacobian) = k * p (Jacobian) for a non-negative k below 2^256 (reduce mod the group order first). */
    public final void scalarMul(long[] p, int pi, BigInteger k, long[] r, int ri) {
        long[] kl = Field.limbs(k);
        int limbs = 4;
        while (limbs > 1 && kl[limbs - 1] == 0) limbs--;
        scalarMul(p, pi, kl, 0, limbs, r, ri);
    }

    /** A fresh Jacobian point array holding the given affine point. */
    public final long[] jacobianOf(long[] affine) {
        long[] r = new long[jacobianLongs];
        fromAffine(affine, 0, r, 0);
        return r;
    }

    /** A fresh affine point array holding the given Jacobian point. */
    public final long[] affineOf(long[] jacobian) {
        long[] r = new long[affineLongs];
        toAffine(jacobian, 0, r, 0);
        return r;
    }
}
