// A ppg_context: one device, its executor (stream), the memory bound, the resident bases and the
// twiddle cache. The C entry layer (abi_entry.inl) locks `mu` around every call that touches it.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "buffers.hpp"
#include "msm_run.hpp"
#include "ntt_run.hpp"

namespace ppfarm {

template <class Exec>
struct Context {
    struct Bases {
        int group;
        uint64_t count;
        DevBuf<Exec, uint64_t> points;
    };

    Context(int32_t device, uint64_t limit) : exec(device, limit), budget(limit) {}

    std::mutex mu;
    Exec exec;
    Budget budget;
    // Declared after exec and budget: destroyed first, returning their memory while both still exist.
    std::map<uint64_t, Bases> bases;
    TwiddleCache<Exec> twiddles;
    uint64_t next_handle = 1;
    bool broken = false;
    std::string broken_reason;
};

template <class Exec, class C>
uint64_t upload_bases(Context<Exec>& ctx, int group, const uint64_t* points, uint64_t n) {
    const char* name = group == PPF_GROUP_G1 ? "G1" : "G2";
    if (points == nullptr) fail(PPF_E_ARGUMENT, "%s bases: points must not be null", name);
    if (n == 0 || n >= (1ull << 31)) fail(PPF_E_ARGUMENT, "%s bases: count %llu is outside 1..2^31-1", name, (unsigned long long)n);
    const uint64_t limbs = n * 2 * C::LIMBS;
    DevBuf<Exec, uint64_t> buf(ctx.exec, ctx.budget, limbs, group == PPF_GROUP_G1 ? "G1 bases" : "G2 bases");
    ctx.exec.upload(buf.get(), points, limbs * 8);
    DevBuf<Exec, uint32_t> bad(ctx.exec, ctx.budget, 1, "base check flag");
    const uint32_t none = UINT32_MAX;
    ctx.exec.upload(bad.get(), &none, 4);
    {
        const uint64_t* p = buf.get();
        uint32_t* b = bad.get();
        ctx.exec.for_each(n, PP_LAMBDA(uint64_t i) { msm::check_base_body<C>(i, p, b); });
    }
    const uint32_t first_bad = ctx.exec.read(bad.get());
    if (first_bad != UINT32_MAX) {
        fail(PPF_E_ARGUMENT, "%s base point %u is not a valid affine point (coordinate not reduced mod q or not on the curve)",
             name, first_bad);
    }
    const uint64_t handle = ctx.next_handle++;
    ctx.bases.emplace(handle, typename Context<Exec>::Bases{group, n, std::move(buf)});
    return handle;
}

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
void field_op_run(Context<Exec>& ctx, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out, uint64_t n) {
    constexpr uint64_t W = sizeof(F) / 8;  // limbs per element
    const bool binary = op == PPG_FOP_ADD || op == PPG_FOP_SUB || op == PPG_FOP_MUL;
    if (op > PPG_FOP_FROM_MONT) fail(PPF_E_ARGUMENT, "field op %u is unknown", op);
    if (!a || !out || (binary && !b)) fail(PPF_E_ARGUMENT, "field op: a, out (and b for binary ops) must not be null");
    if (n == 0) return;
    DevBuf<Exec, F> buf(ctx.exec, ctx.budget, 3 * n, "field op operands");
    F *da = buf.get(), *db = da + n, *dout = db + n;
    ctx.exec.upload(da, a, n * W * 8);
    if (binary) ctx.exec.upload(db, b, n * W * 8);
    ctx.exec.for_each(n, PP_LAMBDA(uint64_t t) {
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
    ctx.exec.download(out, dout, n * W * 8);
}

template <class Exec, class C>
void curve_op_run(Context<Exec>& ctx, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out, uint64_t n) {
    constexpr uint64_t P = 2 * C::LIMBS;  // limbs per affine point
    const bool uses_b = op == PPG_COP_ADD || op == PPG_COP_ADD_MIXED || op == PPG_COP_SCALAR_MUL;
    if (op > PPG_COP_ON_CURVE) fail(PPF_E_ARGUMENT, "curve op %u is unknown", op);
    if (!a || !out || (uses_b && !b)) fail(PPF_E_ARGUMENT, "curve op: a, out (and b where used) must not be null");
    if (n == 0) return;
    const uint64_t b_limbs = op == PPG_COP_SCALAR_MUL ? 4 : P;
    DevBuf<Exec, uint64_t> buf(ctx.exec, ctx.budget, n * (2 * P + b_limbs), "curve op operands");
    uint64_t *da = buf.get(), *db = da + n * P, *dout = db + n * b_limbs;
    ctx.exec.upload(da, a, n * P * 8);
    if (uses_b) ctx.exec.upload(db, b, n * b_limbs * 8);
    ctx.exec.for_each(n, PP_LAMBDA(uint64_t t) {
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
    ctx.exec.download(out, dout, n * P * 8);
}

}  // namespace ppfarm
