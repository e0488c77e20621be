// Pippenger MSM building blocks, written as per-thread "bodies" that a kernel runs with its global
// thread index and the host library runs in a loop, so the host tests exercise the device's logic.
//
// The algorithm, for V scalar vectors over the same n resident affine bases:
//  1. Signed windows. Each scalar (standard form, < r) is cut into nwin = ceil(255 / c) windows of
//     c bits; a window value above 2^(c-1) becomes value - 2^c with a carry into the next window, so
//     every digit lies in [-(2^(c-1) - 1), 2^(c-1)] and a window needs only nb = 2^(c-1) buckets.
//     The top window holds at most c - 1 bits of a 254-bit scalar, so the last carry is always 0.
//  2. Sort by bucket. Each non-zero digit becomes a (key, value) pair: key = (vector, window,
//     |digit| - 1) flattened, value = point index with the sign in bit 31. Sorting by key
//     (a radix sort on the device) groups every bucket's points contiguously, so no two threads
//     ever add into the same bucket: no atomics and no contention, whatever the scalar distribution.
//  3. Bucket sums by segmented reduction. A bucket's run is cut into chunks of at most CHUNK
//     entries; one thread sums one chunk (mixed additions from the affine bases on the first level,
//     Jacobian additions on later ones) and the chunk sums of each bucket are reduced again until
//     one point per bucket is left. A bucket holding millions of points (circom witnesses are full
//     of 1s) costs log_CHUNK levels, not one thread summing millions.
//  4. Window sums. sum_k (k+1) B_k over a window's nb buckets, split into short segments of SEG_LEN
//     buckets, one thread each: the running-sum trick inside a segment gives sum (k - lo + 1) B_k and
//     sum B_k, and lo * (sum B_k) restores the weights (a small scalar multiplication, fewer than c
//     doublings, in parallel across segments). A tree sum (SUM_FAN points per thread and level) then
//     adds each window's segments: no thread does more than about 2 * SEG_LEN + 2c point operations.
//  5. Combine, on the host: sum_w 2^(c w) W_w by Horner's rule, then the affine conversion. Its
//     c * (nwin - 1) <= 252 doublings form one dependent chain whatever the schedule, which one
//     host core runs faster than one device thread; the device returns only V * nwin points.
#pragma once

#include "ppfarm/curve.cuh"

namespace ppfarm {
namespace msm {

constexpr uint32_t NEG_FLAG = 0x80000000u;
/** Entries one thread sums per reduction level. */
constexpr uint32_t CHUNK = 32;
/**
 * Buckets one thread folds in the window-sum step. Short, so a window's buckets spread over many threads
 * (c = 16, 2^15 buckets a window: 2048 threads of 32 additions plus lo * total, instead of 256 threads of 256).
 */
constexpr uint32_t SEG_LEN = 16;
/** Points one thread adds per level of the tree that sums a window's segments. */
constexpr uint32_t SUM_FAN = 8;

/**
 * Launch shape of the kernels that add points (bucket chunks, window segments, tree sums): BLOCK threads per block
 * and MIN_BLOCKS blocks per multiprocessor, which caps ptxas at 65536 / (BLOCK * MIN_BLOCKS) registers per thread.
 * Chosen from the build's resource usage (gpu-kernels/README.md): a cap only where ptxas then spills nothing.
 */
template <class C>
struct LaunchShape {
    static constexpr int BLOCK = 256, MIN_BLOCKS = 1;  // G2: up to 255 registers, one block per multiprocessor
};
template <>
struct LaunchShape<G1Params> {
    static constexpr int BLOCK = 256, MIN_BLOCKS = 2;  // at most 128 registers: two blocks per multiprocessor
};

/** Window width for n points when the caller passes 0: about log2(n) - 2, within [4, 16]. */
PP_HD uint32_t default_window_bits(uint64_t n) {
    uint32_t lg = 0;
    while (lg < 63 && (1ull << (lg + 1)) <= n) ++lg;
    uint32_t c = lg > 6 ? lg - 2 : 4;
    if (c < 4) c = 4;
    if (c > 16) c = 16;
    return c;
}

PP_HD uint32_t num_windows(uint32_t c) { return (255 + c - 1) / c; }

/** c bits of the 256-bit value s starting at bit pos (bits past 255 read as 0); c <= 32. */
PP_HD uint32_t extract_bits(const uint64_t* s, uint32_t pos, uint32_t c) {
    uint32_t limb = pos >> 6, off = pos & 63;
    if (limb >= 4) return 0;
    uint64_t v = s[limb] >> off;
    if (off + c > 64 && limb + 1 < 4) v |= s[limb + 1] << (64 - off);
    return (uint32_t)(v & ((1ull << c) - 1));
}

/** Keeps the smallest index that reported a problem (atomic on the device). */
PP_HD void flag_min(uint32_t* flag, uint32_t value) {
#if defined(__CUDA_ARCH__)
    atomicMin(flag, value);
#else
    if (value < *flag) *flag = value;
#endif
}

/**
 * Thread t in [0, V*n): the signed digits of scalar t (vector t / n, point t % n) as nwin
 * (key, value) pairs at [t*nwin, (t+1)*nwin). Zero digits get key `sentinel` (= V*nwin*nb, sorted
 * last and dropped). An unreduced scalar records min(t) in *bad and contributes nothing.
 */
PP_HD void digits_body(uint64_t t, const uint64_t* scalars, uint64_t n, uint32_t c, uint32_t nwin, uint32_t sentinel,
                       uint32_t* keys, uint32_t* vals, uint32_t* bad) {
    const uint64_t* s = scalars + 4 * t;
    uint32_t* k = keys + t * nwin;
    uint32_t* v = vals + t * nwin;
    const uint64_t vec = t / n;
    const uint32_t point = (uint32_t)(t - vec * n);
    const uint32_t nb = 1u << (c - 1);
    if (!limbs_below_modulus<FrParams>(s)) {
        flag_min(bad, (uint32_t)t);
        for (uint32_t w = 0; w < nwin; ++w) { k[w] = sentinel; v[w] = 0; }
        return;
    }
    uint32_t carry = 0;
    for (uint32_t w = 0; w < nwin; ++w) {
        uint32_t d = extract_bits(s, w * c, c) + carry;
        uint32_t base = (uint32_t)((vec * nwin + w) * nb);
        uint32_t mag, sign;
        if (d > nb) {
            mag = (1u << c) - d;
            sign = NEG_FLAG;
            carry = 1;
        } else {
            mag = d;
            sign = 0;
            carry = 0;
        }
        if (mag == 0) {
            k[w] = sentinel;
            v[w] = 0;
        } else {
            k[w] = base + mag - 1;
            v[w] = point | sign;
        }
    }
}

/** Run r: how many CHUNK-sized chunks its entries [off[r], off[r+1]) make. */
PP_HD void chunk_count_body(uint64_t r, const uint32_t* off, uint32_t* counts) {
    uint32_t len = off[r + 1] - off[r];
    counts[r] = (len + CHUNK - 1) / CHUNK;
}

/** The run r with off[r] <= t < off[r+1], for off non-decreasing and runs non-empty. */
PP_HD uint32_t find_run(const uint32_t* off, uint32_t runs, uint64_t t) {
    uint32_t lo = 0, hi = runs;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (off[mid] <= t) lo = mid; else hi = mid;
    }
    return lo;
}

/** First level, chunk t: the signed sum of the affine bases its sorted entries name. */
template <class C>
PP_HD void chunk_affine_body(uint64_t t, const uint32_t* chunk_off, uint32_t runs, const uint32_t* run_off,
                             const uint32_t* vals, const uint64_t* bases, Jacobian<C>* out) {
    uint32_t r = find_run(chunk_off, runs, t);
    uint32_t start = run_off[r] + (uint32_t)(t - chunk_off[r]) * CHUNK;
    uint32_t end = start + CHUNK < run_off[r + 1] ? start + CHUNK : run_off[r + 1];
    Jacobian<C> acc = Jacobian<C>::infinity();
    for (uint32_t e = start; e < end; ++e) {
        uint32_t v = vals[e];
        Affine<C> p = Affine<C>::load(bases + (uint64_t)(v & ~NEG_FLAG) * (2 * C::LIMBS));
        if (v & NEG_FLAG) p = neg(p);
        acc = add_mixed(acc, p);
    }
    out[t] = acc;
}

/** Later levels, chunk t: the sum of up to CHUNK partial sums of one bucket. */
template <class C>
PP_HD void chunk_jacobian_body(uint64_t t, const uint32_t* chunk_off, uint32_t runs, const uint32_t* run_off,
                               const Jacobian<C>* in, Jacobian<C>* out) {
    uint32_t r = find_run(chunk_off, runs, t);
    uint32_t start = run_off[r] + (uint32_t)(t - chunk_off[r]) * CHUNK;
    uint32_t end = start + CHUNK < run_off[r + 1] ? start + CHUNK : run_off[r + 1];
    Jacobian<C> acc = in[start];
    for (uint32_t e = start + 1; e < end; ++e) acc = add(acc, in[e]);
    out[t] = acc;
}

/** Run r's bucket sum into its slot of the dense bucket array (pre-filled with infinity). */
template <class C>
PP_HD void scatter_body(uint64_t r, const uint32_t* unique_keys, const Jacobian<C>* sums, Jacobian<C>* buckets) {
    buckets[unique_keys[r]] = sums[r];
}

/**
 * Thread t in [0, V*nwin*nseg): segment t % nseg of window t / nseg, buckets [lo, hi):
 * sum over k of (k + 1) * B_k, by a running sum from the top plus lo times the segment total.
 */
template <class C>
PP_HD void window_segment_body(uint64_t t, const Jacobian<C>* buckets, uint32_t nb, uint32_t nseg,
                               Jacobian<C>* out) {
    uint64_t vw = t / nseg;
    uint32_t s = (uint32_t)(t - vw * nseg);
    const Jacobian<C>* b = buckets + vw * nb;
    uint32_t lo = s * SEG_LEN;
    uint32_t hi = lo + SEG_LEN < nb ? lo + SEG_LEN : nb;
    Jacobian<C> running = Jacobian<C>::infinity();
    Jacobian<C> sum = Jacobian<C>::infinity();
    for (uint32_t k = hi; k-- > lo;) {
        running = add(running, b[k]);
        sum = add(sum, running);
    }
    if (lo) sum = add(sum, scalar_mul_small(running, lo));
    out[t] = sum;
}

/**
 * One level of a tree sum. `in` holds groups of m consecutive points; thread t in [0, groups * ceil(m / SUM_FAN))
 * adds up to SUM_FAN of them, and out[t] is the same layout with ceil(m / SUM_FAN) points per group.
 */
template <class C>
PP_HD void tree_sum_body(uint64_t t, const Jacobian<C>* in, uint32_t m, Jacobian<C>* out) {
    const uint32_t m_out = (m + SUM_FAN - 1) / SUM_FAN;
    const uint64_t group = t / m_out;
    const uint32_t first = (uint32_t)(t - group * m_out) * SUM_FAN;
    const uint32_t end = first + SUM_FAN < m ? first + SUM_FAN : m;
    const Jacobian<C>* p = in + group * m;
    Jacobian<C> acc = p[first];
    for (uint32_t i = first + 1; i < end; ++i) acc = add(acc, p[i]);
    out[t] = acc;
}

/**
 * Vector v's MSM result in the affine layout (infinity = zeros) from its nwin window sums windows[v * nwin + w]:
 * sum_w 2^(c w) W_w by Horner's rule from the top window, then the inversion. The orchestration runs it on the
 * host (see step 5 above).
 */
template <class C>
PP_HD void combine_body(uint64_t v, const Jacobian<C>* windows, uint32_t nwin, uint32_t c, uint64_t* out) {
    const Jacobian<C>* win = windows + v * nwin;
    Jacobian<C> acc = win[nwin - 1];
    for (uint32_t w = nwin - 1; w-- > 0;) {
        for (uint32_t i = 0; i < c; ++i) acc = dbl(acc);
        acc = add(acc, win[w]);
    }
    to_affine(acc).store(out + v * (2 * C::LIMBS));
}

/** Thread i: records min(i) in *bad when base i has an unreduced coordinate or is off the curve. */
template <class C>
PP_HD void check_base_body(uint64_t i, const uint64_t* bases, uint32_t* bad) {
    const uint64_t* p = bases + i * (2 * C::LIMBS);
    for (int k = 0; k < 2 * C::LIMBS; k += 4) {
        if (!limbs_below_modulus<FqParams>(p + k)) { flag_min(bad, (uint32_t)i); return; }
    }
    if (!on_curve(Affine<C>::load(p))) flag_min(bad, (uint32_t)i);
}

}  // namespace msm
}  // namespace ppfarm
