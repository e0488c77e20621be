// MSM orchestration shared by the host and CUDA libraries (see ppfarm/msm.cuh for the algorithm).
// Free function templates, not members, because nvcc's extended lambdas need a named enclosing
// function whose address can be taken.
#pragma once

#include <algorithm>
#include <vector>

#include "buffers.hpp"
#include "ppfarm/msm.cuh"

namespace ppfarm {

/** Bytes one group of g vectors needs beyond the resident bases (radix-sort scratch excluded). */
template <class C>
uint64_t msm_group_bytes(uint64_t g, uint64_t n, uint32_t c) {
    const uint64_t nwin = msm::num_windows(c), nb = 1ull << (c - 1);
    const uint64_t entries = g * n * nwin, keyspace = g * nwin * nb;
    const uint64_t runs = std::min(entries, keyspace) + 2;
    const uint64_t partial = std::max(runs + entries / msm::CHUNK + 1, keyspace);
    return g * n * 32 + entries * 16 + runs * 4 * 5 + partial * 2 * sizeof(Jacobian<C>) + 64;
}

/**
 * The scalars' half of one MSM pass over g vectors: their signed digits grouped by bucket. It depends on the scalars
 * only, so every base set the same vectors multiply (a proof's A, B1 and B2 share the witness) reduces from one
 * copy of it. Run r (a non-empty bucket, key unique[r]) holds sorted_vals[run_off[r] .. run_off[r + 1]).
 */
template <class Exec>
struct MsmDigits {
    uint64_t entries = 0;
    uint32_t g = 0, c = 0, nwin = 0, nb = 0, sentinel = 0, runs = 0;
    DevBuf<Exec, uint32_t> vals, vals2;  // the sort's double buffer; sorted_vals is in one of them
    const uint32_t* sorted_vals = nullptr;
    DevBuf<Exec, uint32_t> unique, run_off;
};

/** Digits, sort by bucket and run offsets of g vectors of host scalars (vector first_vector.. for messages). */
template <class Exec>
void msm_digits(Exec& ex, Budget& budget, const uint64_t* host_scalars, uint64_t n, uint32_t g, uint32_t c,
                uint32_t first_vector, MsmDigits<Exec>& d) {
    const uint32_t nwin = msm::num_windows(c), nb = 1u << (c - 1);
    const uint64_t entries = (uint64_t)g * n * nwin;
    const uint32_t sentinel = g * nwin * nb;
    d.entries = entries;
    d.g = g;
    d.c = c;
    d.nwin = nwin;
    d.nb = nb;
    d.sentinel = sentinel;

    DevBuf<Exec, uint64_t> scalars(ex, budget, g * n * 4, "MSM scalars");
    ex.upload(scalars.get(), host_scalars, g * n * 32);
    DevBuf<Exec, uint32_t> keys(ex, budget, entries, "MSM digit keys");
    d.vals = DevBuf<Exec, uint32_t>(ex, budget, entries, "MSM digit values");
    DevBuf<Exec, uint32_t> keys2(ex, budget, entries, "MSM sorted keys");
    d.vals2 = DevBuf<Exec, uint32_t>(ex, budget, entries, "MSM sorted values");
    DevBuf<Exec, uint32_t> bad(ex, budget, 1, "MSM flag");
    const uint32_t none = UINT32_MAX;
    ex.upload(bad.get(), &none, 4);

    {
        const uint64_t* sp = scalars.get();
        uint32_t *kp = keys.get(), *vp = d.vals.get(), *bp = bad.get();
        ex.for_each((uint64_t)g * n, PP_LAMBDA(uint64_t t) { msm::digits_body(t, sp, n, c, nwin, sentinel, kp, vp, bp); });
    }
    const uint32_t first_bad = ex.read(bad.get());
    if (first_bad != UINT32_MAX) {
        fail(PPF_E_ARGUMENT, "MSM scalar %llu of vector %llu is not reduced mod r", (unsigned long long)(first_bad % n),
             (unsigned long long)(first_vector + first_bad / n));
    }
    scalars.reset();

    int end_bit = 1;
    while (end_bit < 32 && (1ull << end_bit) <= sentinel) ++end_bit;
    uint32_t *sorted_keys = nullptr, *sorted_vals = nullptr;
    ex.sort_pairs(keys.get(), keys2.get(), d.vals.get(), d.vals2.get(), entries, end_bit, budget, &sorted_keys, &sorted_vals);
    d.sorted_vals = sorted_vals;

    const uint64_t run_cap = std::min<uint64_t>(entries, sentinel) + 2;
    d.unique = DevBuf<Exec, uint32_t>(ex, budget, run_cap, "MSM bucket keys");
    DevBuf<Exec, uint32_t> counts(ex, budget, run_cap, "MSM bucket sizes");
    uint32_t runs = ex.run_length_encode(sorted_keys, d.unique.get(), counts.get(), entries, budget);
    if (runs > 0 && ex.read(d.unique.get() + runs - 1) == sentinel) --runs;  // the zero digits
    d.runs = runs;
    if (runs == 0) return;
    d.run_off = DevBuf<Exec, uint32_t>(ex, budget, run_cap, "MSM run offsets");
    ex.exclusive_sum(counts.get(), d.run_off.get(), (uint64_t)runs + 1, budget);
    // the keys are done with, and so is the value buffer the sort did not end in
    if (sorted_vals == d.vals.get()) d.vals2.reset(); else d.vals.reset();
}

/** The bases' half: bucket sums from the shared digits, window sums, combination -> g affine results (host). */
template <class Exec, class C>
void msm_reduce(Exec& ex, Budget& budget, const MsmDigits<Exec>& digits, const uint64_t* bases, uint64_t* host_out) {
    using Jac = Jacobian<C>;
    using Shape = msm::LaunchShape<C>;
    const uint32_t g = digits.g, c = digits.c, nwin = digits.nwin, nb = digits.nb, sentinel = digits.sentinel, runs = digits.runs;
    const uint64_t entries = digits.entries;
    const uint64_t out_limbs = (uint64_t)g * 2 * C::LIMBS;
    if (runs == 0) {
        std::fill(host_out, host_out + out_limbs, 0ull);
        return;
    }
    const uint32_t* sorted_vals = digits.sorted_vals;
    const DevBuf<Exec, uint32_t>& unique = digits.unique;
    const uint64_t run_cap = std::min<uint64_t>(entries, sentinel) + 2;
    DevBuf<Exec, uint32_t> off_a(ex, budget, run_cap, "MSM chunk offsets");
    DevBuf<Exec, uint32_t> off_b(ex, budget, run_cap, "MSM chunk offsets");
    DevBuf<Exec, uint32_t> chunks(ex, budget, run_cap, "MSM chunk counts");

    const uint64_t partial_cap = std::max<uint64_t>((uint64_t)runs + entries / msm::CHUNK + 1, sentinel);
    DevBuf<Exec, Jac> part_a(ex, budget, partial_cap, "MSM bucket partial sums");
    DevBuf<Exec, Jac> part_b(ex, budget, partial_cap, "MSM bucket partial sums");

    // Segmented reduction: level 0 sums affine bases, later levels the previous level's partial sums. Level 0
    // reads the shared run offsets; later levels' offsets alternate between off_a and off_b.
    const uint32_t* run_off = digits.run_off.get();
    uint32_t* chunk_off = off_a.get();
    Jac* src = nullptr;
    Jac* dst = part_a.get();
    for (int level = 0;; ++level) {
        {
            const uint32_t* ro = run_off;
            uint32_t* cp = chunks.get();
            ex.for_each(runs, PP_LAMBDA(uint64_t r) { msm::chunk_count_body(r, ro, cp); });
        }
        ex.exclusive_sum(chunks.get(), chunk_off, (uint64_t)runs + 1, budget);
        const uint32_t total = ex.read(chunk_off + runs);
        {
            const uint32_t *co = chunk_off, *ro = run_off;
            const uint32_t r = runs;
            Jac* d = dst;
            if (level == 0) {
                const uint32_t* sv = sorted_vals;
                ex.template for_each_shaped<Shape::BLOCK, Shape::MIN_BLOCKS>(
                    total, PP_LAMBDA(uint64_t t) { msm::chunk_affine_body<C>(t, co, r, ro, sv, bases, d); });
            } else {
                const Jac* s = src;
                ex.template for_each_shaped<Shape::BLOCK, Shape::MIN_BLOCKS>(
                    total, PP_LAMBDA(uint64_t t) { msm::chunk_jacobian_body<C>(t, co, r, ro, s, d); });
            }
        }
        if (total == runs) break;
        run_off = chunk_off;
        chunk_off = chunk_off == off_a.get() ? off_b.get() : off_a.get();
        src = dst;
        dst = dst == part_a.get() ? part_b.get() : part_a.get();
    }
    Jac* sums = dst;
    Jac* buckets = dst == part_a.get() ? part_b.get() : part_a.get();
    ex.fill_zero(buckets, (uint64_t)sentinel * sizeof(Jac));  // Z = 0: every bucket starts at infinity
    {
        const uint32_t* uk = unique.get();
        ex.for_each(runs, PP_LAMBDA(uint64_t r) { msm::scatter_body<C>(r, uk, sums, buckets); });
    }

    // Window sums, in parallel: segments of SEG_LEN buckets, then a tree sum of each window's segments. The
    // segments go into the run sums' buffer (free after the scatter); the tree ping-pongs between it and the
    // buckets' (free after the segments). Both hold sentinel >= g * nwin * nseg points.
    const uint32_t nseg = (nb + msm::SEG_LEN - 1) / msm::SEG_LEN;
    const uint64_t windows = (uint64_t)g * nwin;
    {
        Jac* sg = sums;
        ex.template for_each_shaped<Shape::BLOCK, Shape::MIN_BLOCKS>(
            windows * nseg, PP_LAMBDA(uint64_t t) { msm::window_segment_body<C>(t, buckets, nb, nseg, sg); });
    }
    Jac* level = sums;
    Jac* spare = buckets;
    for (uint32_t m = nseg; m > 1; m = (m + msm::SUM_FAN - 1) / msm::SUM_FAN) {
        const Jac* in = level;
        Jac* o = spare;
        const uint64_t threads = windows * ((m + msm::SUM_FAN - 1) / msm::SUM_FAN);
        ex.template for_each_shaped<Shape::BLOCK, Shape::MIN_BLOCKS>(
            threads, PP_LAMBDA(uint64_t t) { msm::tree_sum_body<C>(t, in, m, o); });
        std::swap(level, spare);
    }
    std::vector<Jac> window_sums(windows);
    ex.download(window_sums.data(), level, windows * sizeof(Jac));
    for (uint32_t v = 0; v < g; ++v) msm::combine_body<C>(v, window_sums.data(), nwin, c, host_out);
}

/** One base set of an MSM call: resident bases of a group and where their nvec affine results go (host). */
struct MsmTarget {
    int group;  // PPF_GROUP_G1 or PPF_GROUP_G2
    const uint64_t* bases;
    uint64_t count;
    uint64_t* host_out;
};

/**
 * nvec MSMs over the first n points of each target's resident bases, the same scalars for every target. Vectors are
 * processed in groups as large as `workspace` bytes allow (one sort, one reduction per group and target), so a batch
 * of proofs of one circuit shares every kernel launch, and the targets share the scalars' digits and sort.
 */
template <class Exec>
void msm_run(Exec& ex, Budget& budget, const MsmTarget* targets, uint32_t ntargets, const uint64_t* host_scalars,
             uint64_t n, uint32_t nvec, uint32_t window_bits, uint64_t workspace) {
    if (host_scalars == nullptr) fail(PPF_E_ARGUMENT, "MSM: scalars and out must not be null");
    if (ntargets == 0) fail(PPF_E_ARGUMENT, "MSM: no bases given");
    if (nvec == 0) fail(PPF_E_ARGUMENT, "MSM: nvec must be at least 1");
    for (uint32_t j = 0; j < ntargets; ++j) {
        if (targets[j].host_out == nullptr) fail(PPF_E_ARGUMENT, "MSM: scalars and out must not be null");
        if (n == 0 || n > targets[j].count) {
            fail(PPF_E_ARGUMENT, "MSM: n = %llu scalars per vector, but the bases hold %llu points", (unsigned long long)n,
                 (unsigned long long)targets[j].count);
        }
    }
    const uint32_t c = window_bits == 0 ? msm::default_window_bits(n) : window_bits;
    if (c < 2 || c > 16) fail(PPF_E_ARGUMENT, "MSM: window_bits %u is outside 2..16", window_bits);
    const uint64_t nwin = msm::num_windows(c), nb = 1ull << (c - 1);

    // Groups: bounded by the workspace and by entry and key counts that fit CUB's int sizes.
    const uint64_t max_int = (1ull << 31) - 1;
    if (n * nwin > max_int) fail(PPF_E_ARGUMENT, "MSM: %llu points is too many for one pass", (unsigned long long)n);
    uint64_t per_vector = 0;
    for (uint32_t j = 0; j < ntargets; ++j) {
        per_vector = std::max(per_vector, targets[j].group == PPF_GROUP_G1 ? msm_group_bytes<G1Params>(1, n, c)
                                                                           : msm_group_bytes<G2Params>(1, n, c));
    }
    uint64_t g = std::max<uint64_t>(1, workspace / (per_vector + per_vector / 4));
    g = std::min<uint64_t>(g, nvec);
    g = std::min<uint64_t>(g, max_int / (n * nwin));
    g = std::min<uint64_t>(g, std::max<uint64_t>(1, (max_int - 1) / (nwin * nb)));

    for (uint32_t v0 = 0; v0 < nvec; v0 += (uint32_t)g) {
        const uint32_t gv = (uint32_t)std::min<uint64_t>(g, nvec - v0);
        MsmDigits<Exec> digits;
        msm_digits(ex, budget, host_scalars + (uint64_t)v0 * n * 4, n, gv, c, v0, digits);
        for (uint32_t j = 0; j < ntargets; ++j) {
            const MsmTarget& t = targets[j];
            if (t.group == PPF_GROUP_G1) {
                msm_reduce<Exec, G1Params>(ex, budget, digits, t.bases, t.host_out + (uint64_t)v0 * 2 * G1Params::LIMBS);
            } else {
                msm_reduce<Exec, G2Params>(ex, budget, digits, t.bases, t.host_out + (uint64_t)v0 * 2 * G2Params::LIMBS);
            }
        }
    }
}

}  // namespace ppfarm
