// Shims that let the same arithmetic compile as CUDA (nvcc) and as plain C++ (g++).
//
// Every function that must run on the device and be unit-tested on the host is marked PP_HD.
// Under nvcc it is __host__ __device__; under g++ the macro is empty, so gpu-kernels' host library built
// from these headers executes exactly the code the kernels execute, except the Montgomery product and the
// bit reversal: the device multiplies with field_ptx.cuh's PTX carry chains (whose instructions the host
// emulates for gpu-kernels' DeviceMultiplyTest), the host with field_x86.hpp's ADX product or, without ADX or
// with PPFARM_NO_ADX, the portable one; each is pinned down by the tests against BigInteger.
#pragma once

#include <cstdint>
#include <cstddef>

#if defined(__CUDACC__)
// Field arithmetic is inlined into its callers; point formulas and exponentiations are real calls:
// inlining Fq2 Jacobian formulas into every kernel multiplies ptxas time for little gain, since a
// call costs a few instructions next to the ~100 multiply-adds of one Fq product.
#define PP_HD __host__ __device__ __forceinline__
#define PP_HD_NOINLINE __host__ __device__ __noinline__
#define PP_HD_MUL PP_HD
#define PP_HD_COLD PP_HD
#else
// Plain inline on the host: forcing inlining through Fq2 and G2 formulas makes g++ crawl.
#define PP_HD inline
#define PP_HD_NOINLINE inline
// The field product is the exception (field.cuh): forced inline, its rarely taken portable branch kept out of line.
#define PP_HD_MUL inline __attribute__((always_inline))
#define PP_HD_COLD inline __attribute__((noinline))
#endif

#if defined(__CUDA_ARCH__)
#define PP_UNROLL _Pragma("unroll")
#else
#define PP_UNROLL
#endif

namespace ppfarm {

/** High word of the 128-bit product a*b: the device's __umul64hi, and its exact equivalent on the host. */
PP_HD uint64_t umul64hi(uint64_t a, uint64_t b) {
#if defined(__CUDA_ARCH__)
    return __umul64hi(a, b);
#else
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
#endif
}

/**
 * lo/hi words of a*b + c + carry_in, a value that always fits 128 bits; returns lo, carry_in becomes hi. The
 * portable product's step (field.cuh); the device multiplies with field_ptx.cuh's 32-bit carry chains instead.
 */
PP_HD uint64_t mac(uint64_t a, uint64_t b, uint64_t c, uint64_t& carry) {
    uint64_t lo = a * b;
    uint64_t hi = umul64hi(a, b);
    lo += c;
    hi += (lo < c);
    lo += carry;
    hi += (lo < carry);
    carry = hi;
    return lo;
}

/** a + b + carry_in (carry_in is 0 or 1); carry becomes the carry out. */
PP_HD uint64_t adc(uint64_t a, uint64_t b, uint64_t& carry) {
    uint64_t s = a + b;
    uint64_t c1 = s < a;
    uint64_t t = s + carry;
    uint64_t c2 = t < s;
    carry = c1 | c2;
    return t;
}

/** a - b - borrow_in (borrow_in is 0 or 1); borrow becomes the borrow out. */
PP_HD uint64_t sbb(uint64_t a, uint64_t b, uint64_t& borrow) {
    uint64_t d = a - b;
    uint64_t b1 = a < b;
    uint64_t t = d - borrow;
    uint64_t b2 = d < borrow;
    borrow = b1 | b2;
    return t;
}

/** The low `bits` bits of x in reversed order (bits <= 32). */
PP_HD uint32_t bit_reverse(uint32_t x, uint32_t bits) {
    if (bits == 0) return 0;
#if defined(__CUDA_ARCH__)
    return __brev(x) >> (32 - bits);
#else
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    x = (x >> 16) | (x << 16);
    return x >> (32 - bits);
#endif
}

}  // namespace ppfarm
