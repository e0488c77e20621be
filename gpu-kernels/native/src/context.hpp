// A ppg_context: one device, a few lanes (CUDA: one stream each), the memory bound, the resident bases, the
// twiddle cache and the staging buffers. Concurrent calls on one context each lease a lane and run at once
// (abi_entry.inl: with_context); what they share is locked only where it changes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "buffers.hpp"
#include "msm_run.hpp"
#include "ntt_run.hpp"

namespace ppfarm {

/**
 * A context's executors. A call leases one for its duration and waits while all are leased; with one stream per
 * lane, the kernels and copies of concurrent proofs overlap on the device.
 */
template <class Exec>
class Lanes {
public:
    Lanes(typename Exec::Device& device, uint32_t count) {
        for (uint32_t i = 0; i < count; ++i) {
            lanes_.push_back(std::make_unique<Exec>(device));
            free_.push_back(i);
        }
    }

    class Lease {
    public:
        Lease(Lanes& owner, uint32_t index) : owner_(owner), index_(index) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() { owner_.give_back(index_); }
        Exec& operator*() const { return *owner_.lanes_[index_]; }
        Exec* operator->() const { return owner_.lanes_[index_].get(); }

    private:
        Lanes& owner_;
        uint32_t index_;
    };

    Lease acquire() {
        std::unique_lock<std::mutex> lock(mu_);
        idle_.wait(lock, [&] { return !free_.empty(); });
        const uint32_t i = free_.back();
        free_.pop_back();
        return Lease(*this, i);
    }

    /** Lanes leased now (the caller's included): a call plans its workspace for a share of the free memory. */
    uint32_t busy() {
        std::lock_guard<std::mutex> lock(mu_);
        return (uint32_t)(lanes_.size() - free_.size());
    }

private:
    void give_back(uint32_t i) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            free_.push_back(i);
        }
        idle_.notify_one();
    }

    std::mutex mu_;
    std::condition_variable idle_;
    std::vector<std::unique_ptr<Exec>> lanes_;
    std::vector<uint32_t> free_;
};

template <class Exec>
struct Context {
    /** Lanes per context: enough for the worker's concurrent proofs to overlap, few enough to keep workspace small. */
    static constexpr uint32_t LANES = 4;

    struct Bases {
        int group;
        uint64_t count;
        DevBuf<Exec, uint64_t> points;
    };

    /** A staging buffer handed to the caller (ppg_host_alloc): page-locked unless pinning was refused. */
    struct Staging {
        uint64_t bytes;
        bool pinned;
    };

    Context(int32_t dev, uint64_t limit) : device(dev, limit), budget(limit), lanes(device, LANES) {}

    ~Context() {
        for (auto& entry : staging) Exec::host_free(entry.first, entry.second.pinned);
    }

    typename Exec::Device device;
    Budget budget;
    Lanes<Exec> lanes;
    // Declared after device, budget and lanes: destroyed first, returning their memory while those still exist.
    std::shared_mutex bases_mu;  // an MSM holds it shared for its call; inserting and freeing bases take it whole
    std::map<uint64_t, Bases> bases;
    TwiddleCache<Exec> twiddles;
    std::mutex staging_mu;
    std::map<void*, Staging> staging;
    std::atomic<uint64_t> next_handle{1};
    std::shared_mutex life;  // every call holds it shared; destruction takes it whole, waiting for calls in flight
    std::mutex broken_mu;
    bool broken = false;
    std::string broken_reason;
};

/** Uploads and checks on the caller's lane; only the insertion into the context's map is locked. */
template <class Exec, class C>
uint64_t upload_bases(Context<Exec>& ctx, Exec& ex, int group, const uint64_t* points, uint64_t n) {
    const char* name = group == PPF_GROUP_G1 ? "G1" : "G2";
    if (points == nullptr) fail(PPF_E_ARGUMENT, "%s bases: points must not be null", name);
    if (n == 0 || n >= (1ull << 31)) fail(PPF_E_ARGUMENT, "%s bases: count %llu is outside 1..2^31-1", name, (unsigned long long)n);
    const uint64_t limbs = n * 2 * C::LIMBS;
    DevBuf<Exec, uint64_t> buf(ex, ctx.budget, limbs, group == PPF_GROUP_G1 ? "G1 bases" : "G2 bases");
    ex.upload(buf.get(), points, limbs * 8);
    DevBuf<Exec, uint32_t> bad(ex, ctx.budget, 1, "base check flag");
    const uint32_t none = UINT32_MAX;
    ex.upload(bad.get(), &none, 4);
    {
        const uint64_t* p = buf.get();
        uint32_t* b = bad.get();
        ex.for_each(n, PP_LAMBDA(uint64_t i) { msm::check_base_body<C>(i, p, b); });
    }
    const uint32_t first_bad = ex.read(bad.get());
    if (first_bad != UINT32_MAX) {
        fail(PPF_E_ARGUMENT, "%s base point %u is not a valid affine point (coordinate not reduced mod q or not on the curve)",
             name, first_bad);
    }
    const uint64_t handle = ctx.next_handle++;
    std::unique_lock<std::shared_mutex> lock(ctx.bases_mu);
    ctx.bases.emplace(handle, typename Context<Exec>::Bases{group, n, std::move(buf)});
    return handle;
}

/** The caller holds ctx.bases_mu (shared, for as long as it uses them). */
template <class Exec>
typename Context<Exec>::Bases& find_bases(Context<Exec>& ctx, uint64_t handle, int group) {
    auto it = ctx.bases.find(handle);
    if (it == ctx.bases.end()) fail(PPF_E_ARGUMENT, "no resident bases with handle %llu", (unsigned long long)handle);
    if (it->second.group != group) {
        fail(PPF_E_ARGUMENT, "bases %llu are %s points, not %s", (unsigned long long)handle,
             it->second.group == PPF_GROUP_G1 ? "G1" : "G2", group == PPF_GROUP_G1 ? "G1" : "G2");
    }
    return it->second;
}

template <class Exec, class F>
void field_op_run(Context<Exec>& ctx, Exec& ex, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out, uint64_t n) {
    constexpr uint64_t W = sizeof(F) / 8;  // limbs per element
    const bool binary = op == PPG_FOP_ADD || op == PPG_FOP_SUB || op == PPG_FOP_MUL;
    if (op > PPG_FOP_FROM_MONT) fail(PPF_E_ARGUMENT, "field op %u is unknown", op);
    if (!a || !out || (binary && !b)) fail(PPF_E_ARGUMENT, "field op: a, out (and b for binary ops) must not be null");
    if (n == 0) return;
    DevBuf<Exec, F> buf(ex, ctx.budget, 3 * n, "field op operands");
    F *da = buf.get(), *db = da + n, *dout = db + n;
    ex.upload(da, a, n * W * 8);
    if (binary) ex.upload(db, b, n * W * 8);
    ex.for_each(n, PP_LAMBDA(uint64_t t) {
        F x = da[t];
        F r;
        switch (op) {
            case PPG_FOP_ADD: r = x + db[t]; break;
            case PPG_FOP_SUB: r = x - db[t]; break;
            case PPG_FOP_MUL: r = x * db[t]; break;
            case PPG_FOP_SQR: r = sqr(x); break;
            case PPG_FOP_NEG: r = -x; break;
            case PPG_FOP_INV: r = inverse(x); break;
            case PPG_FOP_TO_MONT: r = to_montgomery(x); break;
            default: r = from_montgomery(x); break;
        }
        dout[t] = r;
    });
    ex.download(out, dout, n * W * 8);
}

template <class Exec, class C>
void curve_op_run(Context<Exec>& ctx, Exec& ex, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out, uint64_t n) {
    constexpr uint64_t P = 2 * C::LIMBS;  // limbs per affine point
    const bool uses_b = op == PPG_COP_ADD || op == PPG_COP_ADD_MIXED || op == PPG_COP_SCALAR_MUL;
    if (op > PPG_COP_ON_CURVE) fail(PPF_E_ARGUMENT, "curve op %u is unknown", op);
    if (!a || !out || (uses_b && !b)) fail(PPF_E_ARGUMENT, "curve op: a, out (and b where used) must not be null");
    if (n == 0) return;
    const uint64_t b_limbs = op == PPG_COP_SCALAR_MUL ? 4 : P;
    DevBuf<Exec, uint64_t> buf(ex, ctx.budget, n * (2 * P + b_limbs), "curve op operands");
    uint64_t *da = buf.get(), *db = da + n * P, *dout = db + n * b_limbs;
    ex.upload(da, a, n * P * 8);
    if (uses_b) ex.upload(db, b, n * b_limbs * 8);
    ex.for_each(n, PP_LAMBDA(uint64_t t) {
        Affine<C> x = Affine<C>::load(da + t * P);
        uint64_t* o = dout + t * P;
        switch (op) {
            case PPG_COP_ADD: {
                Jacobian<C> j1 = dbl(Jacobian<C>::from_affine(x));
                Jacobian<C> j2 = dbl(Jacobian<C>::from_affine(Affine<C>::load(db + t * P)));
                to_affine(add(j1, j2)).store(o);
                break;
            }
            case PPG_COP_ADD_MIXED:
                to_affine(add_mixed(dbl(Jacobian<C>::from_affine(x)), Affine<C>::load(db + t * P))).store(o);
                break;
            case PPG_COP_DBL: to_affine(dbl(Jacobian<C>::from_affine(x))).store(o); break;
            case PPG_COP_NEG: neg(x).store(o); break;
            case PPG_COP_SCALAR_MUL: to_affine(scalar_mul(x, db + t * 4)).store(o); break;
            default:
                for (uint64_t i = 0; i < P; ++i) o[i] = 0;
                o[0] = on_curve(x) ? 1 : 0;
                break;
        }
    });
    ex.download(out, dout, n * P * 8);
}

}  // namespace ppfarm
