// Fq2 = Fq[u] / (u^2 + 1): the field of G2 coordinates. Layout: c0 then c1, 8 limbs.
#pragma once

#include "field.cuh"

namespace ppfarm {

struct Fq2 {
    Fq c0, c1;

    PP_HD static Fq2 zero() { return Fq2{Fq::zero(), Fq::zero()}; }
    PP_HD static Fq2 one() { return Fq2{Fq::one(), Fq::zero()}; }
    PP_HD static Fq2 load(const uint64_t* s) { return Fq2{Fq::load(s), Fq::load(s + 4)}; }
    PP_HD void store(uint64_t* d) const { c0.store(d); c1.store(d + 4); }
};

PP_HD Fq2 operator+(const Fq2& a, const Fq2& b) { return Fq2{a.c0 + b.c0, a.c1 + b.c1}; }
PP_HD Fq2 operator-(const Fq2& a, const Fq2& b) { return Fq2{a.c0 - b.c0, a.c1 - b.c1}; }
PP_HD Fq2 operator-(const Fq2& a) { return Fq2{-a.c0, -a.c1}; }
PP_HD bool is_zero(const Fq2& a) { return is_zero(a.c0) && is_zero(a.c1); }
PP_HD bool operator==(const Fq2& a, const Fq2& b) { return a.c0 == b.c0 && a.c1 == b.c1; }
PP_HD bool operator!=(const Fq2& a, const Fq2& b) { return !(a == b); }
PP_HD Fq2 dbl(const Fq2& a) { return a + a; }

/** Karatsuba: (a0 + a1 u)(b0 + b1 u) = a0 b0 - a1 b1 + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u. */
PP_HD Fq2 operator*(const Fq2& a, const Fq2& b) {
    Fq v0 = a.c0 * b.c0;
    Fq v1 = a.c1 * b.c1;
    Fq s = (a.c0 + a.c1) * (b.c0 + b.c1);
    return Fq2{v0 - v1, s - v0 - v1};
}

/** (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u. */
PP_HD Fq2 sqr(const Fq2& a) {
    Fq m = a.c0 * a.c1;
    return Fq2{(a.c0 + a.c1) * (a.c0 - a.c1), m + m};
}

/** 1 / (a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2); the inverse of 0 is 0. */
PP_HD Fq2 inverse(const Fq2& a) {
    Fq n = inverse(sqr(a.c0) + sqr(a.c1));
    return Fq2{a.c0 * n, -(a.c1 * n)};
}

PP_HD Fq2 to_montgomery(const Fq2& a) { return Fq2{to_montgomery(a.c0), to_montgomery(a.c1)}; }
PP_HD Fq2 from_montgomery(const Fq2& a) { return Fq2{from_montgomery(a.c0), from_montgomery(a.c1)}; }

}  // namespace ppfarm
