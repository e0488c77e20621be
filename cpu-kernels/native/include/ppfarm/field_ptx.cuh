// The device's Montgomery product: CIOS over 8 x 32-bit limbs with PTX multiply-add carry chains
// (mad.lo.cc / madc.hi.cc), the GPU's native integer width, where the 4 x 64 C++ product costs nvcc four
// 32-bit products and two compare-carries per 64 x 64 step (~2.5x the SASS). The data layout does not change:
// operands and result are the 4 x 64 Montgomery limbs of field.cuh (a 64-bit limb is two 32-bit limbs, low
// first), fully reduced, so results are bit-identical to the host's products.
//
// Each Carry call is one PTX instruction; consecutive calls form one carry chain through the flag CC.CF. They
// are asm volatile, so the compiler keeps them in order, and nothing the compiler generates uses CC.CF.
// The g++ builds get an emulation of the same instructions (the flag is a member), so the algorithm and its
// carry logic run on the host too (gpu-kernels' DeviceMultiplyTest); only the PTX encoding itself needs a GPU
// (gpu-kernels/device-check compares the device with the host library limb for limb).
#pragma once

#include "compat.cuh"

namespace ppfarm {
namespace ptx {

#if defined(__CUDA_ARCH__)
/** The device's carry flag: each call is one instruction reading and/or writing CC.CF. */
struct Carry {
    __device__ __forceinline__ uint32_t mad_lo_cc(uint32_t a, uint32_t b, uint32_t c) {
        uint32_t r;
        asm volatile("mad.lo.cc.u32 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(c));
        return r;
    }
    __device__ __forceinline__ uint32_t madc_lo_cc(uint32_t a, uint32_t b, uint32_t c) {
        uint32_t r;
        asm volatile("madc.lo.cc.u32 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(c));
        return r;
    }
    __device__ __forceinline__ uint32_t mad_hi_cc(uint32_t a, uint32_t b, uint32_t c) {
        uint32_t r;
        asm volatile("mad.hi.cc.u32 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(c));
        return r;
    }
    __device__ __forceinline__ uint32_t madc_hi_cc(uint32_t a, uint32_t b, uint32_t c) {
        uint32_t r;
        asm volatile("madc.hi.cc.u32 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(c));
        return r;
    }
    __device__ __forceinline__ uint32_t madc_hi(uint32_t a, uint32_t b, uint32_t c) {
        uint32_t r;
        asm volatile("madc.hi.u32 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(c));
        return r;
    }
    __device__ __forceinline__ uint32_t addc(uint32_t a, uint32_t b) {
        uint32_t r;
        asm volatile("addc.u32 %0, %1, %2;" : "=r"(r) : "r"(a), "r"(b));
        return r;
    }
};
#else
/** The same instructions on the host, for the tests: cf is CC.CF (0 or 1). */
struct Carry {
    uint32_t cf = 0;

    uint32_t set(uint64_t s) {
        cf = (uint32_t)(s >> 32);
        return (uint32_t)s;
    }
    static uint64_t lo(uint32_t a, uint32_t b) { return (uint32_t)((uint64_t)a * b); }
    static uint64_t hi(uint32_t a, uint32_t b) { return ((uint64_t)a * b) >> 32; }

    uint32_t mad_lo_cc(uint32_t a, uint32_t b, uint32_t c) { return set(lo(a, b) + c); }
    uint32_t madc_lo_cc(uint32_t a, uint32_t b, uint32_t c) { return set(lo(a, b) + c + cf); }
    uint32_t mad_hi_cc(uint32_t a, uint32_t b, uint32_t c) { return set(hi(a, b) + c); }
    uint32_t madc_hi_cc(uint32_t a, uint32_t b, uint32_t c) { return set(hi(a, b) + c + cf); }
    uint32_t madc_hi(uint32_t a, uint32_t b, uint32_t c) { return (uint32_t)(hi(a, b) + c + cf); }
    uint32_t addc(uint32_t a, uint32_t b) { return (uint32_t)((uint64_t)a + b + cf); }
};
#endif

/**
 * t += m * v[0..7] for a 32-bit m, as two carry chains: the products of even limbs (low half at t[j], high half at
 * t[j+1]) and then those of odd limbs. A low/high pair of one product, adjacent in one chain, is what ptxas fuses
 * into one wide multiply-add; chains of all low halves, then all high halves, cost ~1.5x the SASS. The value
 * must stay below 2^288 (nine limbs), so the odd chain never carries out of t[8].
 */
PP_HD void mad_row(Carry& cc, uint32_t* t, const uint32_t* v, uint32_t m) {
    t[0] = cc.mad_lo_cc(v[0], m, t[0]);
    t[1] = cc.madc_hi_cc(v[0], m, t[1]);
    PP_UNROLL
    for (int j = 2; j < 8; j += 2) {
        t[j] = cc.madc_lo_cc(v[j], m, t[j]);
        t[j + 1] = cc.madc_hi_cc(v[j], m, t[j + 1]);
    }
    t[8] = cc.addc(t[8], 0);
    t[1] = cc.mad_lo_cc(v[1], m, t[1]);
    t[2] = cc.madc_hi_cc(v[1], m, t[2]);
    PP_UNROLL
    for (int j = 3; j < 7; j += 2) {
        t[j] = cc.madc_lo_cc(v[j], m, t[j]);
        t[j + 1] = cc.madc_hi_cc(v[j], m, t[j + 1]);
    }
    t[7] = cc.madc_lo_cc(v[7], m, t[7]);
    t[8] = cc.madc_hi(v[7], m, t[8]);
}

/**
 * t = a*b*2^-256 mod p as 4 x 64-bit limbs below 2p (the caller reduces once), for a, b < p < 2^254. Round i adds
 * a*b[i], then m*p with m = t[0]*(-p^-1) mod 2^32, which clears t[0], and shifts one limb out. Every partial sum is
 * below 2p + 2p * 2^32 < 2^288, so nine limbs hold it.
 */
template <class P>
PP_HD void mont_mul_8x32(const uint64_t* x, const uint64_t* y, uint64_t* out) {
    const uint64_t pl[4] = {P::P0, P::P1, P::P2, P::P3};
    uint32_t a[8], b[8], p[8], t[9];
    PP_UNROLL
    for (int k = 0; k < 4; ++k) {
        a[2 * k] = (uint32_t)x[k];
        a[2 * k + 1] = (uint32_t)(x[k] >> 32);
        b[2 * k] = (uint32_t)y[k];
        b[2 * k + 1] = (uint32_t)(y[k] >> 32);
        p[2 * k] = (uint32_t)pl[k];
        p[2 * k + 1] = (uint32_t)(pl[k] >> 32);
    }
    const uint32_t inv = (uint32_t)P::INV;  // -p^-1 mod 2^32 is the low word of -p^-1 mod 2^64
    PP_UNROLL
    for (int j = 0; j < 9; ++j) t[j] = 0;
    Carry cc;
    PP_UNROLL
    for (int i = 0; i < 8; ++i) {
        mad_row(cc, t, a, b[i]);
        mad_row(cc, t, p, t[0] * inv);  // clears t[0]
        PP_UNROLL
        for (int j = 0; j < 8; ++j) t[j] = t[j + 1];
        t[8] = 0;
    }
    PP_UNROLL
    for (int k = 0; k < 4; ++k) out[k] = (uint64_t)t[2 * k] | ((uint64_t)t[2 * k + 1] << 32);
}

}  // namespace ptx
}  // namespace ppfarm
