// The BN254 optimal-ate pairing on the host: org.ppfarm.prover.bn254.Pairing (with its Fq6 and Fq12) in C++, limb
// for limb, so that a proof's verification (org.ppfarm.prover.groth16.Verifier) runs at the native product's speed.
//
// Same tower (Fq6 = Fq2[v]/(v^3 - xi), Fq12 = Fq6[w]/(w^2 - v), xi = 9 + u), same layouts (an Fq12 is 48 limbs,
// c0.b0, c0.b1, c0.b2, c1.b0, c1.b1, c1.b2), same line formulas and the same final-exponentiation addition chain.
// Field values are canonical, so equal formulas give equal limbs; what must match Java's formula for formula is
// only what is not a function of the input alone: the projective coordinates of T in the line preparation (hence
// each line's scaling, hence the Miller loop's value) and the power lambda the final exponentiation raises to.
// Pairing.java's class comment has the algorithm and its sources; this file follows it step for step.
//
// The Frobenius constants are computed once, at first use, from one exponentiation: with g = xi^((q-1)/6),
// gamma_{1,i} = g^i, gamma_{2,i} = xi^(i(q^2-1)/6) = g^i conj(g^i) (as q^2 - 1 = (q-1)(q+1) and x^q = conj(x) on
// Fq2) and gamma_{3,i} = gamma_{2,i} gamma_{1,i} (q^3 - 1 = (q-1)(q^2 + q + 1), x^(q^2) = x). Java raises xi to
// each exponent directly; ppc_pairing_constants lets a test compare the two.
#pragma once

#include <cstdint>

#include "ppfarm/fq2.cuh"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace ppfarm::pairing {

// ---- parameters

/** x, the BN254 curve parameter; the Miller loop runs over 6x + 2. */
constexpr uint64_t X = 4965661367192848881ULL;

/** A non-adjacent form, least significant digit first (digits -1, 0, 1; the top one is 1). */
struct Naf {
    int8_t d[72];
    int len;
};

/** The NAF of e > 0, as Fq12.naf computes it. */
constexpr Naf naf_of(unsigned __int128 e) {
    Naf n{};
    while (e != 0) {
        if (e & 1) {
            int z = 2 - (int)(e & 3);  // 1 or -1
            n.d[n.len] = (int8_t)z;
            e = z > 0 ? e - 1 : e + 1;
        }
        e >>= 1;
        ++n.len;
    }
    return n;
}

constexpr Naf ATE_NAF = naf_of((unsigned __int128)X * 6 + 2);
constexpr Naf X_NAF = naf_of(X);

/** Line steps of a prepared point: one doubling per digit below the top, one addition per non-zero one, plus 2. */
constexpr int count_steps() {
    int s = 2;
    for (int i = ATE_NAF.len - 2; i >= 0; --i) s += ATE_NAF.d[i] == 0 ? 1 : 2;
    return s;
}

constexpr int STEPS = count_steps();
/** Limbs of one line (r0, r1, r2: three Fq2) and of one prepared point. */
constexpr int LINE = 24;
constexpr int PREPARED = STEPS * LINE;

// ---- Fq and Fq2 for the tower
//
// An Fq12 product is 54 field products and some 250 additions or subtractions. With field.cuh's portable carry
// chains (setb/or per limb, the same source as the device's) an addition costs about a fifth of a product on the
// host, so the additions took as long as the products; with the x86 carry instructions (_addcarry_u64, any x86-64)
// it costs 2.6 ns against 6.5 (development machine). E2 is fq2.cuh's Fq2 (c0, c1; same layout, same values) with
// those additions. Products are field.cuh's operator* (ADX or portable), inlined into E2's product (flatten) so
// that its three are issued side by side. Together: a three-pair Miller loop and final exponentiation take 13%
// less time than on fq2.cuh's Fq2 (1.15 against 1.32 ms, development machine).

#if defined(__x86_64__)
#define PP_PAIRING_INLINE inline __attribute__((always_inline))

/** a + b mod q (inputs < q; a + b < 2q < 2^255, so the top limb never carries out). */
PP_PAIRING_INLINE Fq add(const Fq& a, const Fq& b) {
    unsigned long long s0, s1, s2, s3, d0, d1, d2, d3;
    unsigned char c = _addcarry_u64(0, a.l[0], b.l[0], &s0);
    c = _addcarry_u64(c, a.l[1], b.l[1], &s1);
    c = _addcarry_u64(c, a.l[2], b.l[2], &s2);
    _addcarry_u64(c, a.l[3], b.l[3], &s3);
    unsigned char br = _subborrow_u64(0, s0, FqParams::P0, &d0);
    br = _subborrow_u64(br, s1, FqParams::P1, &d1);
    br = _subborrow_u64(br, s2, FqParams::P2, &d2);
    br = _subborrow_u64(br, s3, FqParams::P3, &d3);
    // s < q (borrow): keep s; selections the compiler makes cmov, not a branch
    return Fq{{br ? s0 : d0, br ? s1 : d1, br ? s2 : d2, br ? s3 : d3}};
}

/** a - b mod q: q added back (masked) when the subtraction borrows. */
PP_PAIRING_INLINE Fq sub(const Fq& a, const Fq& b) {
    unsigned long long d0, d1, d2, d3;
    unsigned char br = _subborrow_u64(0, a.l[0], b.l[0], &d0);
    br = _subborrow_u64(br, a.l[1], b.l[1], &d1);
    br = _subborrow_u64(br, a.l[2], b.l[2], &d2);
    br = _subborrow_u64(br, a.l[3], b.l[3], &d3);
    const uint64_t m = 0 - (uint64_t)br;
    unsigned char c = _addcarry_u64(0, d0, FqParams::P0 & m, &d0);
    c = _addcarry_u64(c, d1, FqParams::P1 & m, &d1);
    c = _addcarry_u64(c, d2, FqParams::P2 & m, &d2);
    _addcarry_u64(c, d3, FqParams::P3 & m, &d3);
    return Fq{{d0, d1, d2, d3}};
}
#else
#define PP_PAIRING_INLINE inline
inline Fq add(const Fq& a, const Fq& b) { return a + b; }
inline Fq sub(const Fq& a, const Fq& b) { return a - b; }
#endif

PP_PAIRING_INLINE Fq neg(const Fq& a) { return sub(Fq::zero(), a); }

/** a / 2: add q when odd (no overflow, q < 2^254), shift right. */
inline Fq halve(const Fq& a) {
    uint64_t l[4] = {a.l[0], a.l[1], a.l[2], a.l[3]};
    if (l[0] & 1) {
        uint64_t c = 0;
        l[0] = adc(l[0], FqParams::P0, c);
        l[1] = adc(l[1], FqParams::P1, c);
        l[2] = adc(l[2], FqParams::P2, c);
        l[3] = adc(l[3], FqParams::P3, c);
    }
    return Fq{{(l[0] >> 1) | (l[1] << 63), (l[1] >> 1) | (l[2] << 63), (l[2] >> 1) | (l[3] << 63), l[3] >> 1}};
}

/** Fq2 = Fq[u]/(u^2 + 1), c0 + c1 u: fq2.cuh's Fq2 with the additions above. */
struct E2 {
    Fq c0, c1;

    static E2 zero() { return E2{Fq::zero(), Fq::zero()}; }
    static E2 one() { return E2{Fq::one(), Fq::zero()}; }
    static E2 load(const uint64_t* s) { return E2{Fq::load(s), Fq::load(s + 4)}; }
    void store(uint64_t* d) const { c0.store(d); c1.store(d + 4); }
};

PP_PAIRING_INLINE E2 operator+(const E2& a, const E2& b) { return E2{add(a.c0, b.c0), add(a.c1, b.c1)}; }
PP_PAIRING_INLINE E2 operator-(const E2& a, const E2& b) { return E2{sub(a.c0, b.c0), sub(a.c1, b.c1)}; }
PP_PAIRING_INLINE E2 operator-(const E2& a) { return E2{neg(a.c0), neg(a.c1)}; }
PP_PAIRING_INLINE E2 dbl(const E2& a) { return a + a; }

/** Karatsuba: a0 b0 - a1 b1 + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u. */
__attribute__((flatten)) inline E2 operator*(const E2& a, const E2& b) {
    Fq v0 = a.c0 * b.c0, v1 = a.c1 * b.c1, s = add(a.c0, a.c1) * add(b.c0, b.c1);
    return E2{sub(v0, v1), sub(sub(s, v0), v1)};
}

/** (a0 + a1)(a0 - a1) + 2 a0 a1 u. */
__attribute__((flatten)) inline E2 sqr(const E2& a) {
    Fq m = a.c0 * a.c1;
    return E2{add(a.c0, a.c1) * sub(a.c0, a.c1), add(m, m)};
}

/** a s for s in Fq. */
__attribute__((flatten)) inline E2 mul_fq(const E2& a, const Fq& s) { return E2{a.c0 * s, a.c1 * s}; }

/** Complex conjugate c0 - c1 u; also the q-power Frobenius on Fq2. */
PP_PAIRING_INLINE E2 conj(const E2& a) { return E2{a.c0, neg(a.c1)}; }

/** a xi = (9 a0 - a1) + (9 a1 + a0) u. */
PP_PAIRING_INLINE E2 mul_xi(const E2& a) {
    Fq t0 = add(a.c0, a.c0), t1 = add(a.c1, a.c1);
    t0 = add(t0, t0);
    t1 = add(t1, t1);
    t0 = add(add(t0, t0), a.c0);
    t1 = add(add(t1, t1), a.c1);
    return E2{sub(t0, a.c1), add(t1, a.c0)};
}

/** 1/a = conj(a) / (a0^2 + a1^2); zero maps to zero. */
inline E2 inverse(const E2& a) {
    Fq n = ppfarm::inverse(add(sqr(a.c0), sqr(a.c1)));
    return E2{a.c0 * n, neg(a.c1 * n)};
}

inline E2 halve(const E2& a) { return E2{halve(a.c0), halve(a.c1)}; }

// ---- Fq6 = Fq2[v]/(v^3 - xi)

struct Fq6 {
    E2 c0, c1, c2;

    static Fq6 zero() { return Fq6{E2::zero(), E2::zero(), E2::zero()}; }
    static Fq6 one() { return Fq6{E2::one(), E2::zero(), E2::zero()}; }
    static Fq6 load(const uint64_t* s) { return Fq6{E2::load(s), E2::load(s + 8), E2::load(s + 16)}; }
    void store(uint64_t* d) const { c0.store(d); c1.store(d + 8); c2.store(d + 16); }
};

inline Fq6 operator+(const Fq6& a, const Fq6& b) { return Fq6{a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2}; }
inline Fq6 operator-(const Fq6& a, const Fq6& b) { return Fq6{a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2}; }
inline Fq6 operator-(const Fq6& a) { return Fq6{-a.c0, -a.c1, -a.c2}; }

/** Karatsuba over the three coefficients: 6 Fq2 multiplications. */
inline Fq6 operator*(const Fq6& a, const Fq6& b) {
    E2 v0 = a.c0 * b.c0, v1 = a.c1 * b.c1, v2 = a.c2 * b.c2;
    return Fq6{mul_xi((a.c1 + a.c2) * (b.c1 + b.c2) - v1 - v2) + v0,
               (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1 + mul_xi(v2),
               (a.c0 + a.c2) * (b.c0 + b.c2) - v0 - v2 + v1};
}

/** Chung-Hasan SQR2: 2 Fq2 multiplications and 3 squarings. */
inline Fq6 sqr(const Fq6& a) {
    E2 s0 = sqr(a.c0), s1 = dbl(a.c0 * a.c1), s2 = sqr(a.c0 - a.c1 + a.c2), s3 = dbl(a.c1 * a.c2), s4 = sqr(a.c2);
    return Fq6{s0 + mul_xi(s3), s1 + mul_xi(s4), s1 + s2 + s3 - s0 - s4};
}

/** a v = xi a2 + a0 v + a1 v^2: the non-residue that builds Fq12 = Fq6[w]/(w^2 - v). */
inline Fq6 mul_v(const Fq6& a) { return Fq6{mul_xi(a.c2), a.c0, a.c1}; }

inline Fq6 mul_fq2(const Fq6& a, const E2& s) { return Fq6{a.c0 * s, a.c1 * s, a.c2 * s}; }

/** a (b0 + b1 v): the sparse product the lines need, 5 Fq2 multiplications. */
inline Fq6 mul_01(const Fq6& a, const E2& b0, const E2& b1) {
    E2 v0 = a.c0 * b0, v1 = a.c1 * b1;
    return Fq6{mul_xi(a.c2 * b1) + v0, (a.c0 + a.c1) * (b0 + b1) - v0 - v1, a.c2 * b0 + v1};
}

/**
 * 1/a by the norm to Fq2: with t0 = a0^2 - xi a1 a2, t1 = xi a2^2 - a0 a1, t2 = a1^2 - a0 a2 and
 * N = a0 t0 + xi (a2 t1 + a1 t2), 1/a = (t0 + t1 v + t2 v^2) / N. Zero maps to zero.
 */
inline Fq6 inverse(const Fq6& a) {
    E2 t0 = sqr(a.c0) - mul_xi(a.c1 * a.c2);
    E2 t1 = mul_xi(sqr(a.c2)) - a.c0 * a.c1;
    E2 t2 = sqr(a.c1) - a.c0 * a.c2;
    E2 n = inverse(a.c0 * t0 + mul_xi(a.c2 * t1 + a.c1 * t2));
    return Fq6{t0 * n, t1 * n, t2 * n};
}

// ---- Fq12 = Fq6[w]/(w^2 - v)

struct Fq12 {
    Fq6 c0, c1;

    static Fq12 one() { return Fq12{Fq6::one(), Fq6::zero()}; }
    static Fq12 load(const uint64_t* s) { return Fq12{Fq6::load(s), Fq6::load(s + 24)}; }
    void store(uint64_t* d) const { c0.store(d); c1.store(d + 24); }
};

/** Karatsuba over w: 3 Fq6 multiplications. */
inline Fq12 operator*(const Fq12& a, const Fq12& b) {
    Fq6 ac = a.c0 * b.c0, bd = a.c1 * b.c1;
    return Fq12{ac + mul_v(bd), (a.c0 + a.c1) * (b.c0 + b.c1) - ac - bd};
}

/** Complex squaring: with t = AB, c0 = (A + B)(A + vB) - t - vt, c1 = 2t (2 Fq6 multiplications). */
inline Fq12 sqr(const Fq12& a) {
    Fq6 t = a.c0 * a.c1;
    return Fq12{(a.c0 + a.c1) * (a.c0 + mul_v(a.c1)) - t - mul_v(t), t + t};
}

/** a (l0 + l3 w + l4 w^3): the product with an evaluated line, 13 Fq2 multiplications instead of 54. */
inline Fq12 mul_by_line(const Fq12& a, const E2& l0, const E2& l3, const E2& l4) {
    Fq6 al = mul_fq2(a.c0, l0);                             // A L0, L0 = l0
    Fq6 bl = mul_01(a.c1, l3, l4);                          // B L1, L1 = l3 + l4 v
    Fq6 s = mul_01(a.c0 + a.c1, l0 + l3, l4);               // (A + B)(L0 + L1)
    return Fq12{al + mul_v(bl), s - al - bl};
}

inline Fq12 conj(const Fq12& a) { return Fq12{a.c0, -a.c1}; }

/** (A + Bw)^-1 = (A - Bw) / (A^2 - v B^2). */
inline Fq12 inverse(const Fq12& a) {
    Fq6 t = inverse(sqr(a.c0) - mul_v(sqr(a.c1)));
    return Fq12{a.c0 * t, -(a.c1 * t)};
}

/** The Frobenius constants: gamma[k-1][i-1] = xi^(i (q^k - 1)/6), k = 1..3, i = 1..5 (for k = 2 they lie in Fq). */
struct Constants {
    E2 gamma[3][5];
    /** 3 b' with b' = 3/xi, the twist's constant term. */
    E2 b3;
};

inline Constants make_constants() {
    // (q - 1)/6
    static constexpr uint64_t E[4] = {0x34b017592414d4e1ULL, 0xee9591c2e6bda1c2ULL, 0xf40d60f3c0403964ULL,
                                      0x0810b7bdd032f006ULL};
    const E2 xi{to_montgomery(Fq{{9, 0, 0, 0}}), Fq::one()};
    E2 g = E2::one();
    for (int i = 3; i >= 0; --i)
        for (int b = 63; b >= 0; --b) {
            g = sqr(g);
            if ((E[i] >> b) & 1) g = g * xi;
        }
    Constants c{};
    E2 gi = g;
    for (int i = 0; i < 5; ++i) {
        c.gamma[0][i] = gi;
        c.gamma[1][i] = gi * conj(gi);
        c.gamma[2][i] = c.gamma[1][i] * gi;
        gi = gi * g;
    }
    c.b3 = inverse(xi) * E2{xi.c0, Fq::zero()};  // 9/xi
    return c;
}

/** The constants, computed once (a thread-safe static). */
inline const Constants& constants() {
    static const Constants c = make_constants();
    return c;
}

/** a^(q^k) for k = 1, 2, 3: conjugate the coefficients when k is odd, then scale the one of w^i by gamma_{k,i}. */
inline Fq12 frobenius(const Fq12& a, int k) {
    const E2* g = constants().gamma[k - 1];
    auto f = [&](const E2& c, int i) {
        if (k == 2) return mul_fq(c, g[i - 1].c0);
        return conj(c) * g[i - 1];
    };
    E2 c0 = k == 2 ? a.c0.c0 : conj(a.c0.c0);
    // the coefficient of w^i: 1 c0.c0, w c1.c0, w^2 c0.c1, w^3 c1.c1, w^4 c0.c2, w^5 c1.c2
    return Fq12{Fq6{c0, f(a.c0.c1, 2), f(a.c0.c2, 4)}, Fq6{f(a.c1.c0, 1), f(a.c1.c1, 3), f(a.c1.c2, 5)}};
}

/** (x + y s)^2 = (x^2 + xi y^2) + 2xy s in Fq4 = Fq2[s]/(s^2 - xi), by three squarings. */
inline void fq4_sqr(const E2& x, const E2& y, E2& r0, E2& r1) {
    E2 x2 = sqr(x), y2 = sqr(y);
    r1 = sqr(x + y) - x2 - y2;
    r0 = mul_xi(y2) + x2;
}

/**
 * Granger-Scott squaring for elements of the cyclotomic subgroup (after the easy part of the final
 * exponentiation): three Fq4 squarings, 9 Fq2 squarings in all.
 */
inline Fq12 cyclotomic_sqr(const Fq12& a) {
    // Fq4 pairs: (z0, z1) = (c0.b0, c1.b1), (z2, z3) = (c1.b0, c0.b2), (z4, z5) = (c0.b1, c1.b2)
    const E2 &z0 = a.c0.c0, &z1 = a.c1.c1, &z2 = a.c1.c0, &z3 = a.c0.c2, &z4 = a.c0.c1, &z5 = a.c1.c2;
    E2 t0, t1, t2, t3, t4, t5;
    fq4_sqr(z0, z1, t0, t1);
    fq4_sqr(z2, z3, t2, t3);
    fq4_sqr(z4, z5, t4, t5);
    auto three_minus_two = [](const E2& t, const E2& z) { return dbl(t - z) + t; };
    auto three_plus_two = [](const E2& t, const E2& z) { return dbl(t + z) + t; };
    E2 r0 = three_minus_two(t0, z0), r1 = three_plus_two(t1, z1);
    E2 r2 = three_plus_two(mul_xi(t5), z2), r3 = three_minus_two(t4, z3);
    E2 r4 = three_minus_two(t2, z4), r5 = three_plus_two(t3, z5);
    return Fq12{Fq6{r0, r4, r3}, Fq6{r2, r1, r5}};
}

/** a^e for a in the cyclotomic subgroup, e given by its NAF: there the conjugate is the inverse. */
inline Fq12 cyclotomic_exp(const Fq12& a, const Naf& naf) {
    const Fq12 inv = conj(a);
    Fq12 acc = Fq12::one();
    bool started = false;
    for (int i = naf.len - 1; i >= 0; --i) {
        if (started) acc = cyclotomic_sqr(acc);
        if (naf.d[i] != 0) {
            acc = acc * (naf.d[i] > 0 ? a : inv);
            started = true;
        }
    }
    return acc;
}

// ---- line preparation (Pairing.prepare)

/** T in homogeneous projective coordinates on the twist. */
struct G2Proj {
    E2 x, y, z;
};

inline void store_line(uint64_t* l, const E2& r0, const E2& r1, const E2& r2) {
    r0.store(l);
    r1.store(l + 8);
    r2.store(l + 16);
}

/** Tangent at T: T <- 2T, line (-2YZ, 3X^2, 3b'Z^2 - Y^2) (Costello-Lange-Naehrig, eprint 2009/615). */
inline void double_step(G2Proj& t, uint64_t* l) {
    E2 a = halve(t.x * t.y);                 // A = XY/2
    E2 b = sqr(t.y);                         // B = Y^2
    E2 c = sqr(t.z);                         // C = Z^2
    E2 e = constants().b3 * c;               // E = 3b' C
    E2 f = dbl(e) + e;                       // F = 3E
    E2 g = halve(b + f);                     // G = (B + F)/2
    E2 h = sqr(t.y + t.z) - b - c;           // H = 2YZ
    E2 j = sqr(t.x);                         // J = X^2
    store_line(l, -h, dbl(j) + j, e - b);
    E2 e2 = sqr(e);
    t.x = a * (b - f);                       // X3 = A (B - F)
    t.y = sqr(g) - (dbl(e2) + e2);           // Y3 = G^2 - 3E^2
    t.z = b * h;                             // Z3 = B H
}

/** Chord through T and the affine (x2, y2): T <- T + Q, line (L, -O, x2 O - L y2). */
inline void add_step(G2Proj& t, const E2& x2, const E2& y2, uint64_t* l) {
    E2 o = t.y - y2 * t.z;                   // O = Y - y2 Z
    E2 ll = t.x - x2 * t.z;                  // L = X - x2 Z
    E2 c = sqr(o), d = sqr(ll);
    E2 e = ll * d;                           // E = L D
    E2 f = t.z * c;                          // F = Z C
    E2 g = t.x * d;                          // G = X D
    E2 h = e + f - g - g;                    // H = E + F - 2G
    store_line(l, ll, -o, x2 * o - ll * y2);
    E2 ye = t.y * e;
    t.x = ll * h;                            // X3 = L H
    t.y = (g - h) * o - ye;                  // Y3 = (G - H) O - Y E
    t.z = e * t.z;                           // Z3 = E Z
}

/** The STEPS lines of the affine point (qx, qy) (not infinity) into lines[0 .. PREPARED). */
inline void prepare(const E2& qx, const E2& qy, uint64_t* lines) {
    const Constants& k = constants();
    G2Proj t{qx, qy, E2::one()};
    const E2 neg_qy = -qy;
    int s = 0;
    for (int i = ATE_NAF.len - 2; i >= 0; --i) {
        double_step(t, lines + LINE * s++);
        if (ATE_NAF.d[i] != 0) add_step(t, qx, ATE_NAF.d[i] > 0 ? qy : neg_qy, lines + LINE * s++);
    }
    // psi(Q) = (conj(x) gamma_{1,2}, conj(y) gamma_{1,3}); -psi^2(Q) = (x gamma_{2,2}, y) since gamma_{2,3} = -1
    add_step(t, conj(qx) * k.gamma[0][1], conj(qy) * k.gamma[0][2], lines + LINE * s++);
    add_step(t, mul_fq(qx, k.gamma[1][1].c0), qy, lines + LINE * s++);
}

// ---- the Miller loop and the final exponentiation

inline bool all_zero(const uint64_t* p, int n) {
    uint64_t o = 0;
    for (int i = 0; i < n; ++i) o |= p[i];
    return o == 0;
}

/**
 * The product of the Miller loops of n pairs (G1 point g1[8k..], prepared lines lines[k PREPARED ..]): one
 * shared squaring chain. A pair whose G1 point is all zeros or whose first line is (the lines of the G2 point at
 * infinity, which ppc_g2_prepare writes as zeros; a real first line has r0 = -2y != 0) contributes 1.
 */
inline Fq12 miller_loop(const uint64_t* g1, const uint64_t* lines, uint64_t n) {
    auto skip = [&](uint64_t k) { return all_zero(g1 + 8 * k, 8) || all_zero(lines + PREPARED * k, LINE); };
    auto mul_line = [&](Fq12& f, uint64_t k, int step) {
        const uint64_t* l = lines + PREPARED * k + LINE * step;
        Fq px = Fq::load(g1 + 8 * k), py = Fq::load(g1 + 8 * k + 4);
        f = mul_by_line(f, mul_fq(E2::load(l), py), mul_fq(E2::load(l + 8), px), E2::load(l + 16));
    };
    Fq12 f = Fq12::one();
    bool started = false;
    int s = 0;
    for (int i = ATE_NAF.len - 2; i >= 0; --i) {
        int steps = ATE_NAF.d[i] == 0 ? 1 : 2;
        if (started) f = sqr(f);
        for (uint64_t k = 0; k < n; ++k) {
            if (skip(k)) continue;
            for (int j = 0; j < steps; ++j) mul_line(f, k, s + j);
            started = true;
        }
        s += steps;
    }
    for (uint64_t k = 0; k < n; ++k) {
        if (skip(k)) continue;
        mul_line(f, k, s);
        mul_line(f, k, s + 1);
    }
    return f;
}

/**
 * f^((q^12 - 1)/r lambda), lambda = 2x(6x^2 + 3x + 1): the easy part (q^6 - 1)(q^2 + 1), then the hard part by
 * the Fuentes-Castaneda et al. chain, Pairing.finalExponentiation's steps and names. f must be non-zero.
 */
inline Fq12 final_exponentiation(const Fq12& f) {
    Fq12 elt = conj(f) * inverse(f);
    elt = elt * frobenius(elt, 2);
    Fq12 a = conj(cyclotomic_exp(elt, X_NAF));      // elt^(-x)
    Fq12 b = cyclotomic_sqr(a);                     // elt^(-2x)
    Fq12 c = cyclotomic_sqr(b);                     // elt^(-4x)
    Fq12 d = c * b;                                 // elt^(-6x)
    Fq12 e = conj(cyclotomic_exp(d, X_NAF));        // elt^(6x^2)
    Fq12 ff = cyclotomic_sqr(e);                    // elt^(12x^2)
    Fq12 g = cyclotomic_exp(ff, X_NAF);             // elt^(12x^3)
    Fq12 k = g * e * conj(d);                       // elt^(12x^3 + 6x^2 + 6x)
    Fq12 l = k * b;                                 // elt^(12x^3 + 6x^2 + 4x)
    Fq12 n = k * e * elt;                           // elt^(12x^3 + 12x^2 + 6x + 1)
    Fq12 p = frobenius(l, 1) * n;                   // L^q N
    Fq12 r = frobenius(k, 2) * p;                   // K^(q^2) P
    Fq12 u = frobenius(conj(elt) * l, 3);           // (elt^-1 L)^(q^3)
    return u * r;
}

}  // namespace ppfarm::pairing
