// BN254 prime fields Fr and Fq in Montgomery form on 4 x 64-bit little-endian limbs.
//
// Invariant: an Fp<P> value v holds a*R mod p with R = 2^256, fully reduced (0 <= v < p).
// This is the engine's layout (org.ppfarm.prover.bn254.Field) and snarkjs's .zkey layout, so
// buffers travel between Java, the g++ builds (libppfarm_cpu.so, gpu-kernels' host library) and
// the device without conversion.
//
// Why 4 x 64 and not 8 x 32: the same layout then serves host and device, and everything but the
// product runs the same source on both. The device's product alone works on 8 x 32-bit limbs, with PTX
// multiply-add carry chains (field_ptx.cuh), because a 64x64 step costs the GPU four 32-bit products;
// the host's is the ADX product of field_x86.hpp or the portable CIOS below.
//
//   r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
//     = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001
//   q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
//     = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47
#pragma once

#include "compat.cuh"
#include "field_ptx.cuh"
#include "field_x86.hpp"

#if defined(PPFARM_HAVE_ADX_PATH)
#include <cstdlib>
#endif

namespace ppfarm {

#if defined(PPFARM_HAVE_ADX_PATH)
/**
 * Whether the g++ builds multiply with field_x86.hpp's ADX product: when the CPU has it, unless the environment
 * variable PPFARM_NO_ADX is set to anything but "" or "0" when the library first multiplies. The switch exists
 * so CI runs the kernel tests on the portable product too: it is the g++ builds' product on CPUs without ADX,
 * and on an ADX machine nothing else would exercise it.
 */
inline bool use_adx() {
    static const bool yes = [] {
        const char* off = std::getenv("PPFARM_NO_ADX");
        return x86::have_adx() && (off == nullptr || off[0] == '\0' || (off[0] == '0' && off[1] == '\0'));
    }();
    return yes;
}

/** p's four limbs and -p^-1 mod 2^64, as field_x86.hpp's functions take them (the sum and difference read four). */
template <class P>
inline constexpr uint64_t adx_modulus[5] = {P::P0, P::P1, P::P2, P::P3, P::INV};
#endif

/** Which Montgomery product operator* runs in this build: "adx", "portable" or "device" (for library info). */
inline const char* multiply_path() {
#if defined(__CUDACC__)
    return "device";
#elif defined(PPFARM_HAVE_ADX_PATH)
    return use_adx() ? "adx" : "portable";
#else
    return "portable";
#endif
}

/** Scalar field Fr parameters. INV = -r^-1 mod 2^64; ONE = R mod r; R2 = R^2 mod r; PM2 = r - 2. */
struct FrParams {
    static constexpr uint64_t P0 = 0x43e1f593f0000001ULL, P1 = 0x2833e84879b97091ULL,
                              P2 = 0xb85045b68181585dULL, P3 = 0x30644e72e131a029ULL;
    static constexpr uint64_t INV = 0xc2e1f593efffffffULL;
    static constexpr uint64_t ONE0 = 0xac96341c4ffffffbULL, ONE1 = 0x36fc76959f60cd29ULL,
                              ONE2 = 0x666ea36f7879462eULL, ONE3 = 0x0e0a77c19a07df2fULL;
    static constexpr uint64_t R2_0 = 0x1bb8e645ae216da7ULL, R2_1 = 0x53fe3ab1e35c59e3ULL,
                              R2_2 = 0x8c49833d53bb8085ULL, R2_3 = 0x0216d0b17f4e44a5ULL;
    static constexpr uint64_t PM2_0 = 0x43e1f593efffffffULL, PM2_1 = P1, PM2_2 = P2, PM2_3 = P3;
};

/** Base field Fq parameters, same naming as FrParams. */
struct FqParams {
    static constexpr uint64_t P0 = 0x3c208c16d87cfd47ULL, P1 = 0x97816a916871ca8dULL,
                              P2 = 0xb85045b68181585dULL, P3 = 0x30644e72e131a029ULL;
    static constexpr uint64_t INV = 0x87d20782e4866389ULL;
    static constexpr uint64_t ONE0 = 0xd35d438dc58f0d9dULL, ONE1 = 0x0a78eb28f5c70b3dULL,
                              ONE2 = 0x666ea36f7879462cULL, ONE3 = 0x0e0a77c19a07df2fULL;
    static constexpr uint64_t R2_0 = 0xf32cfc5b538afa89ULL, R2_1 = 0xb5e71911d44501fbULL,
                              R2_2 = 0x47ab1eff0a417ff6ULL, R2_3 = 0x06d89f71cab8351fULL;
    static constexpr uint64_t PM2_0 = 0x3c208c16d87cfd45ULL, PM2_1 = P1, PM2_2 = P2, PM2_3 = P3;
};

template <class P>
struct Fp {
    uint64_t l[4];

    PP_HD static Fp zero() { return Fp{{0, 0, 0, 0}}; }
    PP_HD static Fp one() { return Fp{{P::ONE0, P::ONE1, P::ONE2, P::ONE3}}; }
    PP_HD static Fp modulus() { return Fp{{P::P0, P::P1, P::P2, P::P3}}; }
    PP_HD static Fp r2() { return Fp{{P::R2_0, P::R2_1, P::R2_2, P::R2_3}}; }
    PP_HD static Fp load(const uint64_t* s) { return Fp{{s[0], s[1], s[2], s[3]}}; }
    PP_HD void store(uint64_t* d) const { d[0] = l[0]; d[1] = l[1]; d[2] = l[2]; d[3] = l[3]; }
};

using Fr = Fp<FrParams>;
using Fq = Fp<FqParams>;

/** True when the 4-limb value s is < p (i.e. a canonical representative). */
template <class P>
PP_HD bool limbs_below_modulus(const uint64_t* s) {
    const uint64_t p[4] = {P::P0, P::P1, P::P2, P::P3};
    for (int i = 3; i >= 0; --i) {
        if (s[i] < p[i]) return true;
        if (s[i] > p[i]) return false;
    }
    return false;
}

/** Subtracts p once when t (with an extra top word t4) is >= p; input < 2p. */
template <class P>
PP_HD Fp<P> reduce_once(uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4) {
    uint64_t b = 0;
    uint64_t s0 = sbb(t0, P::P0, b);
    uint64_t s1 = sbb(t1, P::P1, b);
    uint64_t s2 = sbb(t2, P::P2, b);
    uint64_t s3 = sbb(t3, P::P3, b);
    uint64_t bb = b;
    sbb(t4, 0, bb);
    // bb == 1 means t < p: keep t.
#if defined(__CUDA_ARCH__)
    if (bb) return Fp<P>{{t0, t1, t2, t3}};
    return Fp<P>{{s0, s1, s2, s3}};
#else
    // a mask, not a branch: on random operands the branch mispredicts about half the time
    uint64_t keep = 0 - bb;
    return Fp<P>{{(t0 & keep) | (s0 & ~keep), (t1 & keep) | (s1 & ~keep), (t2 & keep) | (s2 & ~keep),
                  (t3 & keep) | (s3 & ~keep)}};
#endif
}

/** a + b; on the ADX path field_x86.hpp's, in registers (the same result). */
template <class P>
PP_HD Fp<P> operator+(const Fp<P>& a, const Fp<P>& b) {
#if !defined(__CUDA_ARCH__) && defined(PPFARM_HAVE_ADX_PATH)
    if (__builtin_expect(use_adx(), 1)) {
        Fp<P> r;
        x86::add_mod_adx(r.l, a.l, b.l, adx_modulus<P>);
        return r;
    }
#endif
    uint64_t c = 0;
    uint64_t t0 = adc(a.l[0], b.l[0], c);
    uint64_t t1 = adc(a.l[1], b.l[1], c);
    uint64_t t2 = adc(a.l[2], b.l[2], c);
    uint64_t t3 = adc(a.l[3], b.l[3], c);
    return reduce_once<P>(t0, t1, t2, t3, c);
}

/** a - b; on the ADX path field_x86.hpp's, in registers (the same result). */
template <class P>
PP_HD Fp<P> operator-(const Fp<P>& a, const Fp<P>& b) {
#if !defined(__CUDA_ARCH__) && defined(PPFARM_HAVE_ADX_PATH)
    if (__builtin_expect(use_adx(), 1)) {
        Fp<P> r;
        x86::sub_mod_adx(r.l, a.l, b.l, adx_modulus<P>);
        return r;
    }
#endif
    uint64_t br = 0;
    uint64_t t0 = sbb(a.l[0], b.l[0], br);
    uint64_t t1 = sbb(a.l[1], b.l[1], br);
    uint64_t t2 = sbb(a.l[2], b.l[2], br);
    uint64_t t3 = sbb(a.l[3], b.l[3], br);
#if defined(__CUDA_ARCH__)
    if (br) {
        uint64_t c = 0;
        t0 = adc(t0, P::P0, c);
        t1 = adc(t1, P::P1, c);
        t2 = adc(t2, P::P2, c);
        t3 = adc(t3, P::P3, c);
    }
#else
    // add p & mask instead of branching on the borrow (see reduce_once)
    uint64_t mask = 0 - br, c = 0;
    t0 = adc(t0, P::P0 & mask, c);
    t1 = adc(t1, P::P1 & mask, c);
    t2 = adc(t2, P::P2 & mask, c);
    t3 = adc(t3, P::P3 & mask, c);
#endif
    return Fp<P>{{t0, t1, t2, t3}};
}

template <class P>
PP_HD bool is_zero(const Fp<P>& a) {
    return (a.l[0] | a.l[1] | a.l[2] | a.l[3]) == 0;
}

template <class P>
PP_HD Fp<P> operator-(const Fp<P>& a) {
    if (is_zero(a)) return a;
    return Fp<P>::modulus() - a;  // p - a, no reduction needed for 0 < a < p
}

template <class P>
PP_HD bool operator==(const Fp<P>& a, const Fp<P>& b) {
    return ((a.l[0] ^ b.l[0]) | (a.l[1] ^ b.l[1]) | (a.l[2] ^ b.l[2]) | (a.l[3] ^ b.l[3])) == 0;
}

template <class P>
PP_HD bool operator!=(const Fp<P>& a, const Fp<P>& b) {
    return !(a == b);
}

template <class P>
PP_HD Fp<P> dbl(const Fp<P>& a) {
    return a + a;
}

/**
 * Montgomery product a*b*R^-1 mod p, CIOS (Koc, Acar, Kaliski 1996, "Analyzing and comparing
 * Montgomery multiplication algorithms", section 4). The t4/t5 words keep it correct for any
 * p < 2^256; BN254's spare top bits are not exploited. The portable product: the host's without ADX (the
 * device runs field_ptx.cuh's product instead; PPFARM_NO_ADX=1 forces this one in the g++ builds).
 */
template <class P>
PP_HD_COLD Fp<P> mont_mul_portable(const Fp<P>& a, const Fp<P>& b) {
    const uint64_t p[4] = {P::P0, P::P1, P::P2, P::P3};
    uint64_t t[6] = {0, 0, 0, 0, 0, 0};
    PP_UNROLL
    for (int i = 0; i < 4; ++i) {
        uint64_t c = 0;
        PP_UNROLL
        for (int j = 0; j < 4; ++j) t[j] = mac(a.l[j], b.l[i], t[j], c);
        uint64_t cc = 0;
        t[4] = adc(t[4], c, cc);
        t[5] = cc;
        uint64_t m = t[0] * P::INV;
        c = 0;
        mac(m, p[0], t[0], c);
        PP_UNROLL
        for (int j = 1; j < 4; ++j) t[j - 1] = mac(m, p[j], t[j], c);
        cc = 0;
        t[3] = adc(t[4], c, cc);
        t[4] = t[5] + cc;
    }
    return reduce_once<P>(t[0], t[1], t[2], t[3], t[4]);
}

/**
 * Montgomery product a*b*R^-1 mod p. On the device: field_ptx.cuh's 8x32-bit madc-chain product. On the host with
 * ADX: field_x86.hpp's product, forced inline so that the bucket kernel's independent products (its lanes) are
 * scheduled side by side; the portable product is kept out of line (PP_HD_COLD) so this stays small. Otherwise
 * mont_mul_portable.
 */
template <class P>
PP_HD_MUL Fp<P> operator*(const Fp<P>& a, const Fp<P>& b) {
#if defined(__CUDA_ARCH__)
    uint64_t t[4];
    ptx::mont_mul_8x32<P>(a.l, b.l, t);
    return reduce_once<P>(t[0], t[1], t[2], t[3], 0);
#else
#if defined(PPFARM_HAVE_ADX_PATH)
    if (__builtin_expect(use_adx(), 1)) {
        Fp<P> r;
        x86::mont_mul_adx(r.l, a.l, b.l, adx_modulus<P>);
        return r;
    }
#endif
    return mont_mul_portable(a, b);
#endif
}

/** a^2: field_x86.hpp's dedicated square on the ADX path (26 limb products against 32), else a * a. */
template <class P>
PP_HD_MUL Fp<P> sqr(const Fp<P>& a) {
#if !defined(__CUDA_ARCH__) && defined(PPFARM_HAVE_ADX_PATH)
    if (__builtin_expect(use_adx(), 1)) {
        Fp<P> r;
        x86::mont_sqr_adx(r.l, a.l, adx_modulus<P>);
        return r;
    }
#endif
    return a * a;
}

/** a^e for a 4-limb exponent e, square-and-multiply from the top bit. */
template <class P>
PP_HD_NOINLINE Fp<P> pow(const Fp<P>& a, const uint64_t* e) {
    Fp<P> r = Fp<P>::one();
    for (int i = 3; i >= 0; --i) {
        for (int b = 63; b >= 0; --b) {
            r = sqr(r);
            if ((e[i] >> b) & 1) r = r * a;
        }
    }
    return r;
}

/** a^e for a small exponent (used for twiddles, e < 2^32). */
template <class P>
PP_HD Fp<P> pow_u32(const Fp<P>& a, uint32_t e) {
    Fp<P> r = Fp<P>::one();
    Fp<P> base = a;
    while (e) {
        if (e & 1) r = r * base;
        base = sqr(base);
        e >>= 1;
    }
    return r;
}

/** a^-1 by Fermat (a^(p-2)); the inverse of 0 is defined as 0 so batch code needs no branch. */
template <class P>
PP_HD Fp<P> inverse(const Fp<P>& a) {
    const uint64_t e[4] = {P::PM2_0, P::PM2_1, P::PM2_2, P::PM2_3};
    return pow(a, e);
}

/** Standard form -> Montgomery form (a*R mod p); a must be < p. */
template <class P>
PP_HD Fp<P> to_montgomery(const Fp<P>& a) {
    return a * Fp<P>::r2();
}

/** Montgomery form -> standard form (a*R^-1 mod p). */
template <class P>
PP_HD Fp<P> from_montgomery(const Fp<P>& a) {
    return a * Fp<P>{{1, 0, 0, 0}};
}

}  // namespace ppfarm
