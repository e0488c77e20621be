// BN254 G1 (over Fq) and G2 (over Fq2, the sextic twist) in affine and Jacobian coordinates.
//
// Affine layout (the engine's and snarkjs's): x then y, Montgomery form; the point at infinity is
// all-zero limbs, which is unambiguous because (0, 0) is on neither curve (y^2 = x^3 + b, b != 0).
// Jacobian (X, Y, Z) means (X/Z^2, Y/Z^3); infinity is any point with Z = 0.
// Formulas: Explicit-Formulas Database, short Weierstrass a = 0, Jacobian coordinates
//   doubling   dbl-2009-l   https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html#doubling-dbl-2009-l
//   addition   add-2007-bl  https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html#addition-add-2007-bl
//   mixed      madd-2007-bl https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html#addition-madd-2007-bl
// with the exceptional cases (equal inputs, opposite inputs, infinity) handled explicitly.
#pragma once

#include "fq2.cuh"

namespace ppfarm {

/** G1: y^2 = x^3 + 3 over Fq. */
struct G1Params {
    using F = Fq;
    static constexpr int LIMBS = 4;  // per coordinate
    PP_HD static Fq b() {  // 3 in Montgomery form
        return Fq{{0x7a17caa950ad28d7ULL, 0x1f6ac17ae15521b9ULL, 0x334bea4e696bd284ULL, 0x2a1f6744ce179d8eULL}};
    }
};

/** G2: y^2 = x^3 + 3/(9+u) over Fq2. */
struct G2Params {
    using F = Fq2;
    static constexpr int LIMBS = 8;
    PP_HD static Fq2 b() {
        // b' = 19485874751759354771024239261021720505790618469301721065564631296452457478373
        //    + 266929791119991161246907387137283842545076965332900288569378510910307636690 u
        return Fq2{Fq{{0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL, 0x2514c6324384a86dULL}},
                   Fq{{0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL, 0x0141b9ce4a688d4dULL}}};
    }
};

template <class C>
struct Affine {
    using F = typename C::F;
    F x, y;

    PP_HD bool is_infinity() const { return is_zero(x) && is_zero(y); }
    PP_HD static Affine infinity() { return Affine{F::zero(), F::zero()}; }
    PP_HD static Affine load(const uint64_t* s) { return Affine{F::load(s), F::load(s + C::LIMBS)}; }
    PP_HD void store(uint64_t* d) const { x.store(d); y.store(d + C::LIMBS); }
};

template <class C>
struct Jacobian {
    using F = typename C::F;
    F x, y, z;

    PP_HD bool is_infinity() const { return is_zero(z); }
    PP_HD static Jacobian infinity() { return Jacobian{F::one(), F::one(), F::zero()}; }
    PP_HD static Jacobian from_affine(const Affine<C>& a) {
        if (a.is_infinity()) return infinity();
        return Jacobian{a.x, a.y, F::one()};
    }
};

template <class C>
PP_HD Affine<C> neg(const Affine<C>& a) {
    if (a.is_infinity()) return a;
    return Affine<C>{a.x, -a.y};
}

template <class C>
PP_HD Jacobian<C> neg(const Jacobian<C>& a) {
    return Jacobian<C>{a.x, -a.y, a.z};
}

/** dbl-2009-l: 2M + 5S. */
template <class C>
PP_HD_NOINLINE Jacobian<C> dbl(const Jacobian<C>& p) {
    using F = typename C::F;
    if (p.is_infinity()) return p;
    F a = sqr(p.x);
    F b = sqr(p.y);
    F c = sqr(b);
    F d = dbl(sqr(p.x + b) - a - c);
    F e = dbl(a) + a;
    F f = sqr(e);
    F x3 = f - dbl(d);
    F c8 = dbl(dbl(dbl(c)));
    F y3 = e * (d - x3) - c8;
    F z3 = dbl(p.y * p.z);
    return Jacobian<C>{x3, y3, z3};
}

/** add-2007-bl: 11M + 5S; equal inputs fall back to doubling, opposite inputs give infinity. */
template <class C>
PP_HD_NOINLINE Jacobian<C> add(const Jacobian<C>& p, const Jacobian<C>& q) {
    using F = typename C::F;
    if (p.is_infinity()) return q;
    if (q.is_infinity()) return p;
    F z1z1 = sqr(p.z);
    F z2z2 = sqr(q.z);
    F u1 = p.x * z2z2;
    F u2 = q.x * z1z1;
    F s1 = p.y * q.z * z2z2;
    F s2 = q.y * p.z * z1z1;
    F h = u2 - u1;
    F r = dbl(s2 - s1);
    if (is_zero(h)) {
        if (is_zero(r)) return dbl(p);
        return Jacobian<C>::infinity();
    }
    F i = sqr(dbl(h));
    F j = h * i;
    F v = u1 * i;
    F x3 = sqr(r) - j - dbl(v);
    F y3 = r * (v - x3) - dbl(s1 * j);
    F z3 = (sqr(p.z + q.z) - z1z1 - z2z2) * h;
    return Jacobian<C>{x3, y3, z3};
}

/** madd-2007-bl: 7M + 4S, q affine; same exceptional cases as add. */
template <class C>
PP_HD_NOINLINE Jacobian<C> add_mixed(const Jacobian<C>& p, const Affine<C>& q) {
    using F = typename C::F;
    if (q.is_infinity()) return p;
    if (p.is_infinity()) return Jacobian<C>::from_affine(q);
    F z1z1 = sqr(p.z);
    F u2 = q.x * z1z1;
    F s2 = q.y * p.z * z1z1;
    F h = u2 - p.x;
    F r = dbl(s2 - p.y);
    if (is_zero(h)) {
        if (is_zero(r)) return dbl(p);
        return Jacobian<C>::infinity();
    }
    F hh = sqr(h);
    F i = dbl(dbl(hh));
    F j = h * i;
    F v = p.x * i;
    F x3 = sqr(r) - j - dbl(v);
    F y3 = r * (v - x3) - dbl(p.y * j);
    F z3 = sqr(p.z + h) - z1z1 - hh;
    return Jacobian<C>{x3, y3, z3};
}

template <class C>
PP_HD_NOINLINE Affine<C> to_affine(const Jacobian<C>& p) {
    using F = typename C::F;
    if (p.is_infinity()) return Affine<C>::infinity();
    F zi = inverse(p.z);
    F zi2 = sqr(zi);
    return Affine<C>{p.x * zi2, p.y * zi2 * zi};
}

/** y^2 == x^3 + b; infinity counts as on the curve. */
template <class C>
PP_HD_NOINLINE bool on_curve(const Affine<C>& a) {
    if (a.is_infinity()) return true;
    return sqr(a.y) == sqr(a.x) * a.x + C::b();
}

/** k * p for a 4-limb standard-form scalar, plain double-and-add from the top bit (reference path). */
template <class C>
PP_HD_NOINLINE Jacobian<C> scalar_mul(const Affine<C>& p, const uint64_t* k) {
    Jacobian<C> acc = Jacobian<C>::infinity();
    for (int i = 3; i >= 0; --i) {
        for (int b = 63; b >= 0; --b) {
            acc = dbl(acc);
            if ((k[i] >> b) & 1) acc = add_mixed(acc, p);
        }
    }
    return acc;
}

/** k * p for a small k on a Jacobian point (window weights in the MSM reduction). */
template <class C>
PP_HD_NOINLINE Jacobian<C> scalar_mul_small(const Jacobian<C>& p, uint32_t k) {
    if (k == 0) return Jacobian<C>::infinity();
    int top = 31;
    while (((k >> top) & 1) == 0) --top;
    Jacobian<C> acc = p;
    for (int b = top - 1; b >= 0; --b) {
        acc = dbl(acc);
        if ((k >> b) & 1) acc = add(acc, p);
    }
    return acc;
}

}  // namespace ppfarm
