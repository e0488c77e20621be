// Radix-2 NTT over Fr with snarkjs's domain conventions. THIS IS THE ENGINE CONTRACT:
//
//  * Elements are Fr in Montgomery form, 4 little-endian 64-bit limbs each.
//  * The 2-adic root: w28 = 19103219067921713944291392827692070036145651957329286315305642004821462161904
//    = 5^((r-1)/2^28) mod r, of order 2^28 (ffjavascript's Fr.w[28]). The root of order 2^k is
//    w_k = w28^(2^(28-k)) (Fr.w[k]).
//  * Forward NTT of size n = 2^k: out[i] = sum_j a[j] * w_k^(i*j) (natural order in and out).
//  * Inverse NTT: a[j] = (1/n) * sum_i out[i] * w_k^(-i*j).
//  * Coset NTT (the H step of snarkjs's groth16 prover): coefficient j is multiplied by w_{k+1}^j,
//    then the forward NTT runs, i.e. out[i] = A(w_{k+1}^(2i+1)): evaluations on the odd powers of a
//    root of order 2n. Coset inverse NTT is its exact inverse (inverse NTT, then divide coefficient j
//    by w_{k+1}^j). snarkjs switches to a different shift at k = 28, so k <= 27 here.
//  * The H step: h[i] = (A'[i] * B'[i] - C'[i]) * K on those coset evaluations, K supplied by the
//    caller (snarkjs's zkey H points already absorb 1/Z, so its prover uses K = 1).
//
// One table serves every step of size n: T[i] = w_{k+1}^i for i < n. The size-n twiddle
// w_k^j = w_{k+1}^(2j); a stage with 2^s-point butterflies uses w_{2^s}^j = T[j << (k + 1 - s)];
// and w_{k+1}^(-j) = -T[n - j] for 0 < j < n because w_{k+1}^n = -1.
#pragma once

#include "ppfarm/field.cuh"

namespace ppfarm {
namespace ntt {

constexpr uint32_t MAX_LOG_N = 27;
/** Stages fused in one shared-memory block on the device (2^10 elements = 32 KiB). */
constexpr uint32_t BLOCK_LOG = 10;

/** w28 in Montgomery form. */
PP_HD Fr root_of_unity_2_28() {
    return Fr{{0x636e735580d13d9cULL, 0xa22bf3742445ffd6ULL, 0x56452ac01eb203d8ULL, 0x1860ef942963f9e7ULL}};
}

/** w_k, the root of order 2^k (k <= 28). */
PP_HD Fr root_of_unity(uint32_t k) {
    Fr w = root_of_unity_2_28();
    for (uint32_t i = k; i < 28; ++i) w = sqr(w);
    return w;
}

/** Thread t in [0, n): T[t] = w^t, w = w_{k+1}. */
PP_HD void twiddle_body(uint64_t t, Fr w, Fr* table) { table[t] = pow_u32(w, (uint32_t)t); }

/** Thread t in [0, n): swaps a[t] and a[bitrev(t)] once per pair (in place). */
PP_HD void bitrev_body(uint64_t t, uint32_t log_n, Fr* a) {
    uint32_t r = bit_reverse((uint32_t)t, log_n);
    if (t < r) {
        Fr x = a[t];
        a[t] = a[r];
        a[r] = x;
    }
}

/**
 * Butterfly t in [0, n/2) of decimation-in-time stage s (1-based; 2^s-point butterflies), on
 * bit-reversed input. The index math is the same for the whole array and for a 2^b-element
 * aligned block with s <= b, which is how the device's shared-memory kernel reuses it.
 */
PP_HD void butterfly_body(uint64_t t, uint32_t s, uint32_t log_n, const Fr* table, Fr* a) {
    const uint64_t half = 1ull << (s - 1);
    const uint64_t j = t & (half - 1);
    const uint64_t i0 = ((t >> (s - 1)) << s) + j;
    const uint64_t i1 = i0 + half;
    Fr w = table[j << (log_n + 1 - s)];
    Fr u = a[i0];
    Fr v = a[i1] * w;
    a[i0] = u + v;
    a[i1] = u - v;
}

/**
 * Thread t in [0, n/2]: turns forward-NTT output into inverse-NTT output in place,
 * a[i] <- scale * a[(n - i) mod n] (w^-ij = w^((n-i)j)), scale = 1/n.
 */
PP_HD void reverse_scale_body(uint64_t t, uint64_t n, Fr scale, Fr* a) {
    if (t == 0 || t == n / 2) {
        a[t] = a[t] * scale;
        return;
    }
    Fr x = a[t];
    a[t] = a[n - t] * scale;
    a[n - t] = x * scale;
}

/** Thread t: a[t] *= w_{k+1}^t (into the coset). */
PP_HD void coset_shift_body(uint64_t t, const Fr* table, Fr* a) { a[t] = a[t] * table[t]; }

/** Thread t: a[t] *= w_{k+1}^(-t) (out of the coset). */
PP_HD void coset_unshift_body(uint64_t t, uint64_t n, const Fr* table, Fr* a) {
    if (t == 0) return;
    a[t] = a[t] * -table[n - t];
}

/** Thread t: out[t] = (a[t] * b[t] - c[t]) * k, optionally converted to standard form (MSM scalars). */
PP_HD void h_pointwise_body(uint64_t t, const Fr* a, const Fr* b, const Fr* c, Fr k, bool standard, Fr* out) {
    Fr h = (a[t] * b[t] - c[t]) * k;
    out[t] = standard ? from_montgomery(h) : h;
}

}  // namespace ntt
}  // namespace ppfarm
