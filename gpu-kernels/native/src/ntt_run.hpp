// NTT orchestration shared by the host and CUDA libraries (conventions: ppfarm/ntt.cuh).
#pragma once

#include <map>
#include <mutex>

#include "buffers.hpp"
#include "ppfarm/ntt.cuh"

namespace ppfarm {

enum class NttKind { FORWARD, INVERSE, COSET_FORWARD, COSET_INVERSE };

/**
 * Twiddle tables T[i] = w_{2n}^i, one per size, built on first use and kept (they count against the bound).
 * Concurrent calls on a context's lanes share them: the first builds a size's table under the lock.
 */
template <class Exec>
struct TwiddleCache {
    std::mutex mu;
    std::map<uint32_t, DevBuf<Exec, Fr>> tables;
};

template <class Exec>
const Fr* twiddles(Exec& ex, Budget& budget, TwiddleCache<Exec>& cache, uint32_t log_n) {
    std::lock_guard<std::mutex> lock(cache.mu);
    auto it = cache.tables.find(log_n);
    if (it != cache.tables.end()) return it->second.get();
    DevBuf<Exec, Fr> table(ex, budget, 1ull << log_n, "NTT twiddle table");
    const Fr w = ntt::root_of_unity(log_n + 1);
    Fr* tp = table.get();
    ex.for_each(1ull << log_n, PP_LAMBDA(uint64_t t) { ntt::twiddle_body(t, w, tp); });
    ex.synchronize();  // complete before another lane's stream reads it
    const Fr* result = tp;
    cache.tables.emplace(log_n, std::move(table));
    return result;
}

/** One in-place transform of 2^log_n elements already in executor memory. */
template <class Exec>
void ntt_in_place(Exec& ex, Fr* a, uint32_t log_n, const Fr* table, NttKind kind) {
    const uint64_t n = 1ull << log_n;
    if (kind == NttKind::COSET_FORWARD) ex.for_each(n, PP_LAMBDA(uint64_t t) { ntt::coset_shift_body(t, table, a); });
    ex.for_each(n, PP_LAMBDA(uint64_t t) { ntt::bitrev_body(t, log_n, a); });
    ex.ntt_stages(a, log_n, table);
    if (kind == NttKind::INVERSE || kind == NttKind::COSET_INVERSE) {
        const Fr n_inv = inverse(to_montgomery(Fr{{n, 0, 0, 0}}));
        ex.for_each(n / 2 + 1, PP_LAMBDA(uint64_t t) { ntt::reverse_scale_body(t, n, n_inv, a); });
    }
    if (kind == NttKind::COSET_INVERSE) ex.for_each(n, PP_LAMBDA(uint64_t t) { ntt::coset_unshift_body(t, n, table, a); });
}

inline void check_ntt_args(const void* data, uint32_t log_n, uint32_t count) {
    if (data == nullptr) fail(PPF_E_ARGUMENT, "NTT: data must not be null");
    if (log_n > ntt::MAX_LOG_N) fail(PPF_E_ARGUMENT, "NTT: log_n %u exceeds %u (snarkjs's coset needs a root of order 2n)", log_n, ntt::MAX_LOG_N);
    if (count == 0) fail(PPF_E_ARGUMENT, "NTT: count must be at least 1");
}

/** `count` transforms of host data, uploaded once. */
template <class Exec>
void ntt_run(Exec& ex, Budget& budget, TwiddleCache<Exec>& cache, uint64_t* host_data, uint32_t log_n, uint32_t count,
             NttKind kind) {
    check_ntt_args(host_data, log_n, count);
    const uint64_t n = 1ull << log_n;
    const Fr* table = twiddles(ex, budget, cache, log_n);
    DevBuf<Exec, Fr> data(ex, budget, n * count, "NTT data");
    ex.upload(data.get(), host_data, n * count * 32);
    for (uint32_t v = 0; v < count; ++v) ntt_in_place(ex, data.get() + v * n, log_n, table, kind);
    ex.download(host_data, data.get(), n * count * 32);
}

/** The pointwise H step on n elements of host data. */
template <class Exec>
void h_pointwise_run(Exec& ex, Budget& budget, const uint64_t* a, const uint64_t* b, const uint64_t* c,
                     const uint64_t* k, uint64_t n, bool standard, uint64_t* out) {
    if (!a || !b || !c || !out) fail(PPF_E_ARGUMENT, "H: a, b, c and out must not be null");
    if (n == 0) fail(PPF_E_ARGUMENT, "H: n must be at least 1");
    const Fr kk = k ? Fr::load(k) : Fr::one();
    if (!limbs_below_modulus<FrParams>(kk.l)) fail(PPF_E_ARGUMENT, "H: constant k is not reduced mod r");
    DevBuf<Exec, Fr> buf(ex, budget, 3 * n, "H operands");
    Fr *da = buf.get(), *db = da + n, *dc = db + n;
    ex.upload(da, a, n * 32);
    ex.upload(db, b, n * 32);
    ex.upload(dc, c, n * 32);
    ex.for_each(n, PP_LAMBDA(uint64_t t) { ntt::h_pointwise_body(t, da, db, dc, kk, standard, da); });
    ex.download(out, da, n * 32);
}

/** snarkjs's H: each of A, B, C goes inverse NTT then coset NTT, then the pointwise step. */
template <class Exec>
void compute_h_run(Exec& ex, Budget& budget, TwiddleCache<Exec>& cache, const uint64_t* a, const uint64_t* b,
                   const uint64_t* c, uint32_t log_n, const uint64_t* k, bool standard, uint64_t* out) {
    if (!a || !b || !c || !out) fail(PPF_E_ARGUMENT, "H: a, b, c and out must not be null");
    check_ntt_args(a, log_n, 1);
    const uint64_t n = 1ull << log_n;
    const Fr kk = k ? Fr::load(k) : Fr::one();
    if (!limbs_below_modulus<FrParams>(kk.l)) fail(PPF_E_ARGUMENT, "H: constant k is not reduced mod r");
    const Fr* table = twiddles(ex, budget, cache, log_n);
    DevBuf<Exec, Fr> buf(ex, budget, 3 * n, "H polynomials");
    Fr* parts[3] = {buf.get(), buf.get() + n, buf.get() + 2 * n};
    const uint64_t* inputs[3] = {a, b, c};
    for (int i = 0; i < 3; ++i) {
        ex.upload(parts[i], inputs[i], n * 32);
        ntt_in_place(ex, parts[i], log_n, table, NttKind::INVERSE);
        ntt_in_place(ex, parts[i], log_n, table, NttKind::COSET_FORWARD);
    }
    Fr *da = parts[0], *db = parts[1], *dc = parts[2];
    ex.for_each(n, PP_LAMBDA(uint64_t t) { ntt::h_pointwise_body(t, da, db, dc, kk, standard, da); });
    ex.download(out, da, n * 32);
}

}  // namespace ppfarm
