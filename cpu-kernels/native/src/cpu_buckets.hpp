// The CPU bucket kernel of the engine's Pippenger MSM (org.ppfarm.prover.msm.CpuMsm with the native kernel).
//
// Java plans the MSM (scalar split, window size, windows x point-range tasks on its fork-join pool) and
// combines the window sums; each task calls ppc_bucket_sum, which does the part that is nearly all of
// the arithmetic: drop every (point, window) digit into one set of affine buckets and reduce them to
// sum_b (b + 1) * bucket_b. This is the Java kernel's algorithm (msm/Buckets.java: AffineBatch, gnark-crypto's
// batch-affine buckets) compiled by g++ -O3, where a Montgomery product costs ~14 ns against ~50 ns in Java:
// 64x64->128 is one instruction and add-with-carry chains compile to adc, which the JVM cannot express.
//
// Batch-affine: an affine addition is 1I + 2M + 1S; Montgomery's trick shares one inversion across a batch,
// so a point costs ~6M instead of the ~11M of a Jacobian mixed addition. The inversion is inverse_var.hpp's
// binary one (variable time, as the whole MSM), about a third of Fermat's time. A bucket may appear only once per batch;
// a point whose bucket is pending waits in a queue drained into the next batch. x collisions (doubling or
// cancellation) are rare and handled one at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <vector>

#include "inverse_var.hpp"
#include "lanes.hpp"
#include "ppfarm/curve.cuh"
#include "ppfarm/errors.hpp"

namespace ppfarm::cpu {

/**
 * Allocates on 64-byte cache lines: a G1 affine point is exactly one line (a G2 point two), so a bucket read at
 * random costs one line fetch instead of two when the array starts mid-line (std::allocator aligns to 16).
 */
template <class T>
struct LineAligned {
    using value_type = T;
    LineAligned() = default;
    template <class U>
    LineAligned(const LineAligned<U>&) {}
    T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64))); }
    void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t(64)); }
    template <class U>
    bool operator==(const LineAligned<U>&) const { return true; }
    template <class U>
    bool operator!=(const LineAligned<U>&) const { return false; }
};

/** Unsigned c-bit window k of a 4-limb scalar (bits [kc, kc + c)). */
inline uint32_t raw_window(const uint64_t* s, uint32_t k, uint32_t c) {
    uint32_t bit = k * c, limb = bit >> 6, shift = bit & 63;
    if (limb >= 4) return 0;
    uint64_t v = s[limb] >> shift;
    if (shift + c > 64 && limb < 3) v |= s[limb + 1] << (64 - shift);
    return (uint32_t)(v & ((1ULL << c) - 1));
}

/** The signed-digit carry into window k: msm/SignedDigits.java's rule, looked up from the windows below. */
inline uint32_t carry_into(const uint64_t* s, uint32_t k, uint32_t c) {
    uint32_t half = 1u << (c - 1);
    for (uint32_t j = k; j-- > 0;) {
        uint32_t r = raw_window(s, j, c);
        if (r != half) return r > half ? 1 : 0;
    }
    return 0;
}

/**
 * What a batch inversion multiplies along its chain. For Fq, the element itself. For Fq2, its norm
 * N(d) = d0^2 + d1^2 in Fq, since 1/d = conj(d)/N(d): the chain's three products per element and its one inversion
 * are then Fq's instead of Fq2's (~3x dearer), for two squarings and two products per element to form N(d) and
 * conj(d)/N(d). N(d) = 0 only for d = 0 (-1 is not a square mod q).
 */
template <class F>
struct Norm;

template <>
struct Norm<Fq> {
    using N = Fq;
    static const Fq& of(const Fq& d) { return d; }
    static const Fq& inverse(const Fq&, const Fq& ninv) { return ninv; }
};

template <>
struct Norm<Fq2> {
    using N = Fq;
    static Fq of(const Fq2& d) { return sqr(d.c0) + sqr(d.c1); }
    static Fq2 inverse(const Fq2& d, const Fq& ninv) { return Fq2{d.c0 * ninv, -(d.c1 * ninv)}; }
};

template <class C>
class AffineBuckets {
public:
    using F = typename C::F;
    using N = typename Norm<F>::N;
    using P = Affine<C>;

    AffineBuckets(uint32_t count, uint32_t batch_max) : count_(count), batch_max_(batch_max) {
        buckets_.assign(count, P::infinity());
        stamp_.assign(count, 0);
        batch_bucket_.resize(batch_max);
        batch_point_.resize(batch_max);
        fit_batch(batch_max);
        queue_.reserve(batch_max);
        spare_.reserve(batch_max);
    }

    /** Starts fetching bucket b's lines, for an add(b, ...) some entries later. */
    void prefetch(uint32_t b) const {
        const char* at = reinterpret_cast<const char*>(&buckets_[b]);
        __builtin_prefetch(at, 1);
        if (sizeof(P) > 64) __builtin_prefetch(at + 64, 1);
    }

    /** bucket[b] += p (p not infinity). */
    void add(uint32_t b, const P& p) {
        if (stamp_[b] == epoch_) {
            if (queue_.size() == batch_max_) {
                // a queue full of points for a few pending buckets (equal scalars, a hot digit) would drain one
                // near-empty batch, one inversion, at a time: such points go to the bucket's Jacobian overflow
                if (batch_count_ < batch_max_ / 2) {
                    overflow_add(b, p);
                    return;
                }
                flush();
                if (queue_.size() == batch_max_ && stamp_[b] == epoch_) {
                    overflow_add(b, p);
                    return;
                }
            }
            if (stamp_[b] == epoch_) {
                queue_.push_back({b, p});
                return;
            }
        }
        insert(b, p);
        if (batch_count_ == batch_max_) flush();
    }

    /**
     * sum_b (b + 1) * bucket_b by running sums (2 additions per bucket): from 1,024 buckets with no overflow in
     * affine coordinates (affine_sum); otherwise in Jacobian ones, in LANES segments of buckets whose running sums
     * advance side by side (lanes.hpp), then sum_s (T_s + lo_s * R_s) for segment s starting at bucket lo_s with
     * weighted sum T_s and plain sum R_s.
     */
    Jacobian<C> sum(Jacobian<C>* plain = nullptr) {
        drain();
        if (overflow_.empty()) {
            if (uint32_t lanes = affine_sum_lanes(count_)) return affine_sum(lanes, plain);
        }
        constexpr uint32_t L = LANES;
        if (count_ < 2 * L || !overflow_.empty()) {
            Jacobian<C> running = Jacobian<C>::infinity(), total = Jacobian<C>::infinity();
            for (uint32_t b = count_; b-- > 0;) {
                running = add_mixed(running, buckets_[b]);
                if (!overflow_.empty()) running = ppfarm::add(running, overflow_[b]);
                total = ppfarm::add(total, running);
            }
            if (plain != nullptr) *plain = running;
            return total;
        }
        // segment j is [j*seg, (j+1)*seg); the last one also takes the count_ % L buckets above L*seg, summed
        // first on their own so the lanes then advance in step
        const uint32_t seg = count_ / L;
        Jacobian<C> running[L], total[L];
        for (uint32_t j = 0; j < L; ++j) running[j] = total[j] = Jacobian<C>::infinity();
        for (uint32_t b = count_; b-- > L * seg;) {
            running[L - 1] = add_mixed(running[L - 1], buckets_[b]);
            total[L - 1] = ppfarm::add(total[L - 1], running[L - 1]);
        }
        const Affine<C>* next[L];
        for (uint32_t t = seg; t-- > 0;) {
            for (uint32_t j = 0; j < L; ++j) next[j] = &buckets_[j * seg + t];
            lanes::add_mixed<C, L>(running, next);
            lanes::add<C, L>(total, running);
        }
        // segment j's buckets carry weights from j*seg + 1: add (j*seg) * R_j
        Jacobian<C> out = total[0], all = running[0];
        for (uint32_t j = 1; j < L; ++j) {
            Jacobian<C> shifted = scalar_mul_small(running[j], j * seg);
            out = ppfarm::add(out, ppfarm::add(total[j], shifted));
            all = ppfarm::add(all, running[j]);
        }
        if (plain != nullptr) *plain = all;
        return out;
    }

private:
    static constexpr uint32_t LANES = 4;
    static constexpr bool SEPARATE_NORMS = !std::is_same_v<F, N>;

    struct Pending {
        uint32_t bucket;
        P point;
    };

    /**
     * Lanes for affine_sum: enough that a step's two inversions are shared by many additions, few enough that
     * the lanes' final combination (~40 products each) stays small; 0 below 1,024 buckets, where sum()'s
     * Jacobian lanes do.
     */
    static uint32_t affine_sum_lanes(uint32_t count) { return count >= 8192 ? 256 : (count >= 1024 ? 64 : 0); }

    /**
     * sum() by batch-affine running sums: `lanes` segments of consecutive buckets advance side by side, and each
     * step adds every lane's bucket to its running sum, then every running sum to its total, as two add_batch
     * calls sharing one inversion each: ~2 x 7 products per bucket instead of the ~27 of a Jacobian mixed and
     * full addition. Lanes j < count % lanes hold one bucket more. Then sum_j (total_j + lo_j * run_j), lane j
     * starting at bucket lo_j = j * seg + min(j, rem), from running sums over the lanes in Jacobian.
     */
    Jacobian<C> affine_sum(uint32_t lanes, Jacobian<C>* plain) {
        fit_batch(lanes);
        const uint32_t seg = count_ / lanes, rem = count_ % lanes;
        std::vector<P, LineAligned<P>> run(lanes, P::infinity()), total(lanes, P::infinity());
        std::vector<P*> dst(lanes);
        std::vector<const P*> src(lanes);
        auto to = [&dst](uint32_t e) -> P& { return *dst[e]; };
        auto from = [&src](uint32_t e) -> const P& { return *src[e]; };
        for (uint32_t t = rem > 0 ? seg + 1 : seg; t-- > 0;) {
            const uint32_t active = t == seg ? rem : lanes;   // only the longer lanes reach offset seg
            uint32_t n = 0;
            for (uint32_t j = 0; j < active; ++j) {
                const P& b = buckets_[j * seg + (j < rem ? j : rem) + t];
                if (b.is_infinity()) continue;
                if (run[j].is_infinity()) {
                    run[j] = b;
                } else {
                    dst[n] = &run[j];
                    src[n++] = &b;
                }
            }
            add_batch(n, to, from);
            n = 0;
            for (uint32_t j = 0; j < active; ++j) {
                if (run[j].is_infinity()) continue;
                if (total[j].is_infinity()) {
                    total[j] = run[j];
                } else {
                    dst[n] = &total[j];
                    src[n++] = &run[j];
                }
            }
            add_batch(n, to, from);
        }
        // sum_j j * run_j and sum_j min(j, rem) * run_j: the suffix sums of run added up for j >= 1 and j in [1, rem]
        Jacobian<C> totals = Jacobian<C>::infinity(), all = Jacobian<C>::infinity();
        Jacobian<C> by_lane = Jacobian<C>::infinity(), by_rem = Jacobian<C>::infinity();
        for (uint32_t j = lanes; j-- > 0;) {
            totals = add_mixed(totals, total[j]);
            all = add_mixed(all, run[j]);
            if (j == 0) break;
            by_lane = ppfarm::add(by_lane, all);
            if (j <= rem) by_rem = ppfarm::add(by_rem, all);
        }
        if (plain != nullptr) *plain = all;
        return ppfarm::add(ppfarm::add(totals, scalar_mul_small(by_lane, seg)), by_rem);
    }

    void overflow_add(uint32_t b, const P& p) {
        if (overflow_.empty()) overflow_.assign(count_, Jacobian<C>::infinity());
        overflow_[b] = add_mixed(overflow_[b], p);
    }

    /** Applies everything pending; queued points whose bucket is in the last batch go to the overflow. */
    void drain() {
        apply();
        queue_.swap(spare_);
        queue_.clear();
        for (const Pending& e : spare_) {
            if (stamp_[e.bucket] == epoch_) {
                overflow_add(e.bucket, e.point);
            } else {
                insert(e.bucket, e.point);
                if (batch_count_ == batch_max_) apply();
            }
        }
        spare_.clear();
        apply();
    }

    void insert(uint32_t b, const P& p) {
        if (buckets_[b].is_infinity()) {
            buckets_[b] = p;
            return;
        }
        stamp_[b] = epoch_;
        batch_bucket_[batch_count_] = b;
        batch_point_[batch_count_++] = p;
    }

    void flush() {
        apply();
        queue_.swap(spare_);
        queue_.clear();
        for (const Pending& e : spare_) {
            if (stamp_[e.bucket] == epoch_) {
                queue_.push_back(e);
            } else {
                insert(e.bucket, e.point);
                if (batch_count_ == batch_max_) apply();
            }
        }
        spare_.clear();
    }

    /** bucket += P for every pending pair (add_batch), then a new epoch: every bucket may take a point again. */
    void apply() {
        add_batch(
            batch_count_, [this](uint32_t e) -> P& { return buckets_[batch_bucket_[e]]; },
            [this](uint32_t e) -> const P& { return batch_point_[e]; });
        batch_count_ = 0;
        ++epoch_;
    }

    /**
     * dst(e) += src(e) for e < n, every dst(e) a different point, both finite, with one inversion for all the
     * (x_src - x_dst) (over their norms, Norm). The products run in LANES interleaved chains (entry k in chain
     * k % LANES): a Montgomery product's latency is about twice its reciprocal throughput here, and one chain
     * would leave the multiplier idle half the time. n must not exceed the batch capacity.
     */
    template <class Dst, class Src>
    void add_batch(uint32_t n, Dst dst, Src src) {
        constexpr uint32_t L = LANES;
        if (n == 0) return;
        N acc[L];
        for (uint32_t j = 0; j < L; ++j) acc[j] = N::one();
        for (uint32_t k = 0; k < n; k += L) {
            for (uint32_t j = 0; j < L; ++j) {
                if (k + j >= n) break;
                den_[k + j] = src(k + j).x - dst(k + j).x;
                prefix_[k + j] = acc[j];
                if (is_zero(den_[k + j])) continue;
                if constexpr (SEPARATE_NORMS) {
                    norm_[k + j] = Norm<F>::of(den_[k + j]);
                    acc[j] = acc[j] * norm_[k + j];
                } else {
                    acc[j] = acc[j] * den_[k + j];
                }
            }
        }
        // one inversion for the LANES chain products: inv[j] = 1 / acc[j]
        N up[L];
        up[0] = acc[0];
        for (uint32_t j = 1; j < L; ++j) up[j] = up[j - 1] * acc[j];
        N t = inverse_var(up[L - 1]);
        N inv[L];
        for (uint32_t j = L - 1; j > 0; --j) {
            inv[j] = t * up[j - 1];
            t = t * acc[j];
        }
        inv[0] = t;
        // Backward, LANES entries at a time, stage by stage across the lanes: the lanes' products are
        // independent, so issuing them side by side lets the CPU overlap them.
        const uint32_t last = (n - 1) / L * L;
        for (uint32_t k = last + L; k >= L; k -= L) {
            const uint32_t base = k - L;
            bool plain = base + L <= n;
            for (uint32_t j = 0; plain && j < L; ++j) plain = !is_zero(den_[base + j]);
            if (!plain) {   // a partial group or an x collision: one entry at a time
                for (uint32_t j = 0; j < L; ++j) {
                    const uint32_t e = base + j;
                    if (e >= n) continue;
                    P& bk = dst(e);
                    if (is_zero(den_[e])) {
                        collision(bk, src(e));
                        continue;
                    }
                    N ninv = inv[j] * prefix_[e];
                    inv[j] = inv[j] * norm_at(e);
                    add_with_inverse(bk, src(e), Norm<F>::inverse(den_[e], ninv));
                }
                continue;
            }
            P* bk[L];
            const P* p[L];
            N ninv[L];
            F lambda[L], x3[L];
            for (uint32_t j = 0; j < L; ++j) {
                bk[j] = &dst(base + j);
                p[j] = &src(base + j);
            }
            for (uint32_t j = 0; j < L; ++j) ninv[j] = inv[j] * prefix_[base + j];
            for (uint32_t j = 0; j < L; ++j) inv[j] = inv[j] * norm_at(base + j);
            for (uint32_t j = 0; j < L; ++j) lambda[j] = (p[j]->y - bk[j]->y) * Norm<F>::inverse(den_[base + j], ninv[j]);
            for (uint32_t j = 0; j < L; ++j) x3[j] = sqr(lambda[j]) - bk[j]->x - p[j]->x;
            for (uint32_t j = 0; j < L; ++j) bk[j]->y = lambda[j] * (bk[j]->x - x3[j]) - bk[j]->y;
            for (uint32_t j = 0; j < L; ++j) bk[j]->x = x3[j];
        }
    }

    /** Makes add_batch's scratch hold at least n entries. */
    void fit_batch(uint32_t n) {
        if (den_.size() >= n) return;
        den_.resize(n);
        prefix_.resize(n);
        if constexpr (SEPARATE_NORMS) norm_.resize(n);
    }

    /** The norm of den_[e] that add_batch's chain multiplied in (den_[e] itself when F is its own norm field). */
    const N& norm_at(uint32_t e) const {
        if constexpr (SEPARATE_NORMS) return norm_[e];
        else return den_[e];
    }

    /** bucket += p given dinv = 1 / (x_p - x_bucket). */
    static void add_with_inverse(P& bk, const P& p, const F& dinv) {
        F lambda = (p.y - bk.y) * dinv;
        F x3 = sqr(lambda) - bk.x - p.x;
        bk.y = lambda * (bk.x - x3) - bk.y;
        bk.x = x3;
    }

    /** bucket += p where x_p == x_bucket: a doubling or a cancellation (no 2-torsion: y != 0). */
    static void collision(P& bk, const P& p) {
        if (p.y != bk.y) {
            bk = P::infinity();
            return;
        }
        F lambda = sqr(bk.x);
        lambda = (lambda + lambda + lambda) * inverse_var(dbl(bk.y));
        F x3 = sqr(lambda) - dbl(bk.x);
        bk.y = lambda * (bk.x - x3) - bk.y;
        bk.x = x3;
    }

    uint32_t count_, batch_max_;
    std::vector<P, LineAligned<P>> buckets_;
    std::vector<uint32_t> stamp_;
    uint32_t epoch_ = 1;
    std::vector<uint32_t> batch_bucket_;
    std::vector<P, LineAligned<P>> batch_point_;
    uint32_t batch_count_ = 0;
    std::vector<F> den_;
    std::vector<N> prefix_, norm_;   // norm_: only when SEPARATE_NORMS
    std::vector<Pending> queue_, spare_;
    std::vector<Jacobian<C>> overflow_;   // allocated on first use
};

/** Fewer buckets than this are kept Jacobian (msm/JavaBucketKernel.AFFINE_MIN_BUCKETS). */
constexpr uint32_t AFFINE_MIN_BUCKETS = 128;

/** sum_j (j + 1) * b[j] by running sums over Jacobian buckets. */
template <class C>
Jacobian<C> jacobian_sum(const std::vector<Jacobian<C>>& b, Jacobian<C>* plain = nullptr) {
    Jacobian<C> running = Jacobian<C>::infinity(), total = Jacobian<C>::infinity();
    for (size_t j = b.size(); j-- > 0;) {
        running = ppfarm::add(running, b[j]);
        total = ppfarm::add(total, running);
    }
    if (plain != nullptr) *plain = running;
    return total;
}

/** Pending additions per batch: large enough to amortize the inversion (~130 products' time, inverse_var.hpp); Buckets.java's rule. */
inline uint32_t batch_size(uint32_t buckets) {
    uint32_t b = buckets / 2;
    return b < 32 ? 32 : (b > 1024 ? 1024 : b);
}

/**
 * The kernel behind ppc_bucket_sum (see ppfarm_cpu.h): entries [lo, hi) x windows [k_lo, k_hi) into one
 * bucket set of 2^bucket_log buckets, reduced and written to out as Jacobian (X, Y, Z).
 */
template <class C>
void bucket_sum(const uint64_t* bases, uint64_t bases_len, const int32_t* refs, const uint64_t* scalars, uint32_t lo,
                uint32_t hi, uint32_t k_lo, uint32_t k_hi, uint32_t c, uint32_t bucket_log, uint64_t table_stride,
                uint64_t* out) {
    constexpr uint64_t AL = 2 * C::LIMBS;
    if (c < 2 || c > 24) fail(PPF_E_ARGUMENT, "window bits must be in [2, 24], got %u", c);
    if (bucket_log > c - 1) fail(PPF_E_ARGUMENT, "bucket_log %u exceeds window bits - 1 = %u", bucket_log, c - 1);
    if (k_lo >= k_hi || (uint64_t)k_hi * c > 256 + c) fail(PPF_E_ARGUMENT, "bad window range [%u, %u) for c = %u", k_lo, k_hi, c);
    if (lo > hi) fail(PPF_E_ARGUMENT, "bad entry range [%u, %u)", lo, hi);
    const uint32_t count = 1u << bucket_log;
    const int32_t half = 1 << (c - 1);
    // a handful of buckets (the top window) would leave batches of one or two points, an inversion each:
    // below AFFINE_MIN_BUCKETS they are Jacobian, as in the Java kernel
    const bool jacobian = count < AFFINE_MIN_BUCKETS;
    AffineBuckets<C> bk(jacobian ? 1 : count, batch_size(jacobian ? 1 : count));
    std::vector<Jacobian<C>> jb(jacobian ? count : 0, Jacobian<C>::infinity());
    // entry-major: a scalar's digits follow from one carry look-down, and with a table the windows of one base
    // are adjacent in memory
    for (uint32_t i = lo; i < hi; ++i) {
        const uint64_t* s = scalars + 4 * (uint64_t)i;
        const int32_t ref = refs[i];
        if (ref < 0) fail(PPF_E_ARGUMENT, "entry %u: negative base reference", i);
        const bool neg_ref = (ref & 1) != 0;
        uint32_t carry = carry_into(s, k_lo, c);
        for (uint32_t k = k_lo; k < k_hi; ++k) {
            int32_t d = (int32_t)(raw_window(s, k, c) + carry);
            carry = d > half ? 1 : 0;
            if (carry) d -= 1 << c;
            if (d == 0) continue;
            uint64_t off = (uint64_t)(ref >> 1) + table_stride * (k - k_lo);
            if (off + AL > bases_len) fail(PPF_E_ARGUMENT, "entry %u window %u: base offset %llu outside %llu limbs", i, k,
                                           (unsigned long long)off, (unsigned long long)bases_len);
            uint32_t mag = (uint32_t)(d < 0 ? -d : d);
            if (mag > count) fail(PPF_E_ARGUMENT, "entry %u window %u: digit %d needs more than %u buckets", i, k, d, count);
            Affine<C> p = Affine<C>::load(bases + off);
            if (p.is_infinity()) continue;
            if ((d < 0) != neg_ref) p.y = -p.y;
            if (jacobian) jb[mag - 1] = add_mixed(jb[mag - 1], p);
            else bk.add(mag - 1, p);
        }
    }
    Jacobian<C> r = jacobian ? jacobian_sum(jb) : bk.sum();
    r.x.store(out);
    r.y.store(out + C::LIMBS);
    r.z.store(out + 2 * C::LIMBS);
}

/** (o + 1..) weights: sum + o * plain. */
template <class C>
Jacobian<C> shift_weights(const Jacobian<C>& sum, const Jacobian<C>& plain, uint32_t o) {
    return o == 0 ? sum : ppfarm::add(sum, scalar_mul_small(plain, o));
}

/**
 * The kernel behind ppc_bucket_range (see ppfarm_cpu.h): the fixed-base MSM's bucket range [lo, hi) over packed
 * entries (offset << 32 | bucket << 1 | neg), buckets below `hot` kept Jacobian; out = sum_b (b + 1) * B_b.
 */
template <class C>
void bucket_range(const uint64_t* table, uint64_t table_len, const uint64_t* entries, uint64_t n, uint32_t lo,
                  uint32_t hi, uint32_t hot, uint64_t* out) {
    constexpr uint64_t AL = 2 * C::LIMBS;
    if (lo > hi || hi - lo > (1u << 24)) fail(PPF_E_ARGUMENT, "bad bucket range [%u, %u)", lo, hi);
    const uint32_t hot_hi = hi < hot ? hi : hot, cold_lo = lo > hot ? lo : hot;
    std::vector<Jacobian<C>> hot_b(lo < hot_hi ? hot_hi - lo : 0, Jacobian<C>::infinity());
    const uint32_t cold_n = cold_lo < hi ? hi - cold_lo : 0;
    AffineBuckets<C> cold(cold_n == 0 ? 1 : cold_n, batch_size(cold_n == 0 ? 1 : cold_n));
    // The range's entries first (a sequential scan), then their table points with a prefetch some entries
    // ahead: the table is ~16x the bases (tens to hundreds of MB) and a range reads a sparse subset of it, so
    // without the prefetch nearly every point is a cache and TLB miss that the CPU waits for.
    std::vector<uint64_t> mine;
    mine.reserve(n / 4 + 16);
    for (uint64_t x = 0; x < n; ++x) {
        const uint64_t e = entries[x];
        const uint32_t b = (uint32_t)(e & 0xffffffffu) >> 1;
        if (b < lo || b >= hi) continue;
        if ((e >> 32) + AL > table_len) fail(PPF_E_ARGUMENT, "entry %llu: table offset %llu outside %llu limbs",
                                             (unsigned long long)x, (unsigned long long)(e >> 32),
                                             (unsigned long long)table_len);
        mine.push_back(e);
    }
    constexpr size_t AHEAD = 16;
    for (size_t x = 0; x < mine.size(); ++x) {
        if (x + AHEAD < mine.size()) {
            const uint64_t e = mine[x + AHEAD];
            const uint64_t* ahead = table + (e >> 32);
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead + 8);
            if (AL > 8) {
                __builtin_prefetch(ahead + 16);
                __builtin_prefetch(ahead + 24);
            }
            const uint32_t b = (uint32_t)(e & 0xffffffffu) >> 1;
            if (b >= cold_lo) cold.prefetch(b - cold_lo);
        }
        const uint64_t e = mine[x];
        const uint32_t b = (uint32_t)(e & 0xffffffffu) >> 1;
        const uint64_t off = e >> 32;
        Affine<C> p = Affine<C>::load(table + off);
        if (p.is_infinity()) continue;
        if (e & 1) p.y = -p.y;
        if (b < hot) hot_b[b - lo] = add_mixed(hot_b[b - lo], p);
        else cold.add(b - cold_lo, p);
    }
    Jacobian<C> result = Jacobian<C>::infinity();
    if (!hot_b.empty()) {
        Jacobian<C> plain;
        Jacobian<C> weighted = jacobian_sum(hot_b, &plain);
        result = shift_weights(weighted, plain, lo);
    }
    if (cold_n > 0) {
        Jacobian<C> plain;
        Jacobian<C> weighted = cold.sum(&plain);
        result = ppfarm::add(result, shift_weights(weighted, plain, cold_lo));
    }
    result.x.store(out);
    result.y.store(out + C::LIMBS);
    result.z.store(out + 2 * C::LIMBS);
}

}  // namespace ppfarm::cpu
