// Variable-time field inversion for the CPU bucket kernel's batch-affine additions (cpu_buckets.hpp).
//
// field.cuh's inverse is Fermat's a^(p-2): ~380 products, ~6.5 us, the same on host and device. One inversion is
// shared by a batch of up to 1024 bucket additions (~6 products each), but a small MSM's bucket ranges hold a few
// hundred buckets and so batches of a few hundred points: the inversions were a tenth of a commitment (2^11)
// proof's CPU. A binary extended Euclid (~180 subtract-and-shift steps on 4 limbs) takes about half the time.
// The MSM already runs in variable time (its buckets are picked by the scalars' digits), so nothing is lost by
// an inversion whose time depends on its input; the constant-time scalar multiplications of the blinding stay
// in Java (org.ppfarm.prover.groth16.SecretScalarMul).
#pragma once

#include <cstdint>

#include "ppfarm/fq2.cuh"

namespace ppfarm::cpu {

namespace inv_detail {

/** a -= b over 4 limbs; returns the borrow out (1 when a < b, a then wrapped mod 2^256). */
inline uint64_t sub4(uint64_t* a, const uint64_t* b) {
    uint64_t borrow = 0;
    for (int i = 0; i < 4; ++i) {
        unsigned __int128 d = (unsigned __int128)a[i] - b[i] - borrow;
        a[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) != 0;
    }
    return borrow;
}

/** a += b over 4 limbs, the carry out dropped (used where the sum wraps back below 2^256 to the right value). */
inline void add4(uint64_t* a, const uint64_t* b) {
    unsigned __int128 carry = 0;
    for (int i = 0; i < 4; ++i) {
        carry += (unsigned __int128)a[i] + b[i];
        a[i] = (uint64_t)carry;
        carry >>= 64;
    }
}

/** -1, 0 or 1 as a <, = or > b. */
inline int cmp4(const uint64_t* a, const uint64_t* b) {
    for (int i = 3; i >= 0; --i)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

/** x = x / 2^k mod p for 1 <= k <= 63 and x < p: x + m·p with m = -x/p mod 2^k is divisible by 2^k (and < 2^k·p). */
template <class P>
inline void halve(uint64_t* x, unsigned k) {
    static constexpr uint64_t p[4] = {P::P0, P::P1, P::P2, P::P3};
    const uint64_t m = (x[0] * P::INV) & ((1ULL << k) - 1);   // INV = -1/p mod 2^64
    uint64_t y[5];
    unsigned __int128 carry = 0;
    for (int i = 0; i < 4; ++i) {
        carry += (unsigned __int128)m * p[i] + x[i];
        y[i] = (uint64_t)carry;
        carry >>= 64;
    }
    y[4] = (uint64_t)carry;
    for (int i = 0; i < 4; ++i) x[i] = (y[i] >> k) | (y[i + 1] << (64 - k));
}

/** Divides u (nonzero) by its largest power-of-two factor 2^t, and x by 2^t mod p. */
template <class P>
inline void strip(uint64_t* u, uint64_t* x) {
    while (u[0] == 0) {   // a whole zero limb: rare
        u[0] = u[1];
        u[1] = u[2];
        u[2] = u[3];
        u[3] = 0;
        halve<P>(x, 32);
        halve<P>(x, 32);
    }
    const unsigned t = (unsigned)__builtin_ctzll(u[0]);
    if (t == 0) return;
    for (int i = 0; i < 3; ++i) u[i] = (u[i] >> t) | (u[i + 1] << (64 - t));
    u[3] >>= t;
    halve<P>(x, t);
}

}  // namespace inv_detail

/**
 * 1/a in Montgomery form (0 for 0, as field.cuh's inverse), in variable time. With A = a·R the stored value,
 * u = A, v = p and x1·A ≡ u, x2·A ≡ v (mod p) throughout: the larger of the odd u, v loses the smaller, then its
 * factors of two (the matching x halved mod p), until u = v = gcd = 1, so x1 = A^-1 and a^-1·R = x1·R^2 =
 * mont(x1, R^3).
 */
template <class P>
inline Fp<P> inverse_var(const Fp<P>& a) {
    using namespace inv_detail;
    if (is_zero(a)) return a;
    static const Fp<P> r3 = Fp<P>::r2() * Fp<P>::r2();   // R^2·R^2/R
    uint64_t u[4] = {a.l[0], a.l[1], a.l[2], a.l[3]}, v[4] = {P::P0, P::P1, P::P2, P::P3};
    uint64_t x1[4] = {1, 0, 0, 0}, x2[4] = {0, 0, 0, 0};
    static constexpr uint64_t p[4] = {P::P0, P::P1, P::P2, P::P3};
    strip<P>(u, x1);
    for (;;) {
        const int c = cmp4(u, v);
        if (c == 0) break;
        if (c > 0) {
            sub4(u, v);
            if (sub4(x1, x2)) add4(x1, p);
            strip<P>(u, x1);
        } else {
            sub4(v, u);
            if (sub4(x2, x1)) add4(x2, p);
            strip<P>(v, x2);
        }
    }
    return Fp<P>{{x1[0], x1[1], x1[2], x1[3]}} * r3;
}

/** 1/a in Fq2 with the variable-time Fq inversion: (a0 - a1 u) / (a0^2 + a1^2), as fq2.cuh's inverse. */
inline Fq2 inverse_var(const Fq2& a) {
    Fq n = inverse_var(sqr(a.c0) + sqr(a.c1));
    return Fq2{a.c0 * n, -(a.c1 * n)};
}

}  // namespace ppfarm::cpu
