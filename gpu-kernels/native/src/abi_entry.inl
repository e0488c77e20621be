// The extern "C" entry layer, written once and compiled into both libraries: host_api.cpp and
// cuda_api.cu each define PPG_EXEC (their executor type) and include this file. Every function
// catches everything (errors.hpp: guarded), so the ABI is exception-free.
//
// Requires: PPG_EXEC names the executor; context.hpp is included.

#ifndef PPG_EXEC
#error "define PPG_EXEC before including abi_entry.inl"
#endif

namespace {

using Ctx = ppfarm::Context<PPG_EXEC>;

/** Locks the context, refuses a broken one, activates its device, runs f, and marks sticky failures. */
template <class F>
int with_context(ppg_context* handle, char* err, size_t err_len, F&& f) noexcept {
    if (handle == nullptr) {
        ppfarm::write_message(err, err_len, "context must not be null");
        return PPF_E_ARGUMENT;
    }
    Ctx& ctx = *reinterpret_cast<Ctx*>(handle);
    std::lock_guard<std::mutex> lock(ctx.mu);
    if (ctx.broken) {
        ppfarm::write_message(err, err_len, "context unusable after an earlier device failure: " + ctx.broken_reason);
        return PPF_E_BROKEN;
    }
    int rc = ppfarm::guarded(err, err_len, [&] {
        ctx.exec.activate();
        f(ctx);
    });
    if (rc == PPF_E_CUDA && ctx.exec.sticky_failure()) {
        ctx.broken = true;
        ctx.broken_reason = err != nullptr && err_len > 0 ? std::string(err) : std::string("sticky CUDA error");
    }
    return rc;
}

int ntt_entry(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, ppfarm::NttKind kind, char* err,
              size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c) {
        ppfarm::ntt_run(c.exec, c.budget, c.twiddles, data, log_n, count, kind);
    });
}

template <class C>
int msm_entry(ppg_context* ctx, int group, uint64_t handle, const uint64_t* scalars, uint64_t n, uint32_t nvec,
              uint32_t window_bits, uint64_t* out, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c) {
        auto& bases = ppfarm::find_bases(c, handle, group);
        ppfarm::msm_run<PPG_EXEC, C>(c.exec, c.budget, bases.points.get(), bases.count, scalars, n, nvec, window_bits, out);
    });
}

}  // namespace

extern "C" {

int ppg_library_info(char* buf, size_t buf_len) {
    return ppfarm::guarded(nullptr, 0, [&] { ppfarm::write_message(buf, buf_len, PPG_EXEC::library_info()); });
}

int ppg_device_count(int32_t* count, char* err, size_t err_len) {
    return ppfarm::guarded(err, err_len, [&] {
        if (count == nullptr) ppfarm::fail(PPF_E_ARGUMENT, "count must not be null");
        *count = PPG_EXEC::device_count();
    });
}

int ppg_device_describe(int32_t device, char* buf, size_t buf_len, uint64_t* total_mem, char* err, size_t err_len) {
    return ppfarm::guarded(err, err_len, [&] {
        ppfarm::write_message(buf, buf_len, PPG_EXEC::describe(device, total_mem));
    });
}

int ppg_context_create(int32_t device, uint64_t memory_limit, ppg_context** out, char* err, size_t err_len) {
    return ppfarm::guarded(err, err_len, [&] {
        if (out == nullptr) ppfarm::fail(PPF_E_ARGUMENT, "out must not be null");
        *out = nullptr;
        if (memory_limit == 0) ppfarm::fail(PPF_E_ARGUMENT, "memory_limit must be positive");
        *out = reinterpret_cast<ppg_context*>(new Ctx(device, memory_limit));
    });
}

int ppg_context_destroy(ppg_context* ctx, char* err, size_t err_len) {
    if (ctx == nullptr) return PPF_OK;
    return ppfarm::guarded(err, err_len, [&] {
        Ctx* c = reinterpret_cast<Ctx*>(ctx);
        {
            std::lock_guard<std::mutex> lock(c->mu);  // waits for a call in flight
            try {
                c->exec.activate();
            } catch (const ppfarm::PpgError&) {
                // a broken device still gets its host-side state released below
            }
        }
        delete c;
    });
}

int ppg_memory_usage(ppg_context* ctx, uint64_t* used, uint64_t* limit, char* err, size_t err_len) {
    if (ctx == nullptr) {
        ppfarm::write_message(err, err_len, "context must not be null");
        return PPF_E_ARGUMENT;
    }
    Ctx& c = *reinterpret_cast<Ctx*>(ctx);
    std::lock_guard<std::mutex> lock(c.mu);
    if (used) *used = c.budget.used();
    if (limit) *limit = c.budget.limit();
    ppfarm::write_message(err, err_len, "");
    return PPF_OK;
}

int ppg_upload_g1(ppg_context* ctx, const uint64_t* points, uint64_t n, uint64_t* handle, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c) {
        if (handle == nullptr) ppfarm::fail(PPF_E_ARGUMENT, "handle must not be null");
        *handle = ppfarm::upload_bases<PPG_EXEC, ppfarm::G1Params>(c, PPF_GROUP_G1, points, n);
    });
}

int ppg_upload_g2(ppg_context* ctx, const uint64_t* points, uint64_t n, uint64_t* handle, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c) {
        if (handle == nullptr) ppfarm::fail(PPF_E_ARGUMENT, "handle must not be null");
        *handle = ppfarm::upload_bases<PPG_EXEC, ppfarm::G2Params>(c, PPF_GROUP_G2, points, n);
    });
}

int ppg_free_bases(ppg_context* ctx, uint64_t handle, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c) {
        if (c.bases.erase(handle) == 0) ppfarm::fail(PPF_E_ARGUMENT, "no resident bases with handle %llu", (unsigned long long)handle);
    });
}

int ppg_msm_g1(ppg_context* ctx, uint64_t handle, const uint64_t* scalars, uint64_t n, uint32_t nvec,
               uint32_t window_bits, uint64_t* out, char* err, size_t err_len) {
    return msm_entry<ppfarm::G1Params>(ctx, PPF_GROUP_G1, handle, scalars, n, nvec, window_bits, out, err, err_len);
}

int ppg_msm_g2(ppg_context* ctx, uint64_t handle, const uint64_t* scalars, uint64_t n, uint32_t nvec,
               uint32_t window_bits, uint64_t* out, char* err, size_t err_len) {
    return msm_entry<ppfarm::G2Params>(ctx, PPF_GROUP_G2, handle, scalars, n, nvec, window_bits, out, err, err_len);
}

int ppg_ntt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len) {
    return ntt_entry(ctx, data, log_n, count, ppfarm::NttKind::FORWARD, err, err_len);
}

int ppg_intt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len) {
    return ntt_entry(ctx, data, log_n, count, ppfarm::NttKind::INVERSE, err, err_len);
}

int ppg_coset_ntt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len) {
    return ntt_entry(ctx, data, log_n, count, ppfarm::NttKind::COSET_FORWARD, err, err_len);
}

int ppg_coset_intt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len) {
    return ntt_entry(ctx, data, log_n, count, ppfarm::NttKind::COSET_INVERSE, err, err_len);
}

int ppg_h_pointwise(ppg_context* ctx, const uint64_t* a, const uint64_t* b, const uint64_t* c, const uint64_t* k,
                    uint64_t n, uint32_t out_standard, uint64_t* out, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& cx) {
        ppfarm::h_pointwise_run(cx.exec, cx.budget, a, b, c, k, n, out_standard != 0, out);
    });
}

int ppg_compute_h(ppg_context* ctx, const uint64_t* a, const uint64_t* b, const uint64_t* c, uint32_t log_n,
                  const uint64_t* k, uint32_t out_standard, uint64_t* out, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& cx) {
        ppfarm::compute_h_run(cx.exec, cx.budget, cx.twiddles, a, b, c, log_n, k, out_standard != 0, out);
    });
}

int ppg_field_op(ppg_context* ctx, uint32_t field, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out,
                 uint64_t n, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c) {
        switch (field) {
            case PPG_FIELD_FR: ppfarm::field_op_run<PPG_EXEC, ppfarm::Fr>(c, op, a, b, out, n); break;
            case PPG_FIELD_FQ: ppfarm::field_op_run<PPG_EXEC, ppfarm::Fq>(c, op, a, b, out, n); break;
            case PPG_FIELD_FQ2: ppfarm::field_op_run<PPG_EXEC, ppfarm::Fq2>(c, op, a, b, out, n); break;
            default: ppfarm::fail(PPF_E_ARGUMENT, "field %u is unknown", field);
        }
    });
}

int ppg_curve_op(ppg_context* ctx, uint32_t group, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out,
                 uint64_t n, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c) {
        switch (group) {
            case PPF_GROUP_G1: ppfarm::curve_op_run<PPG_EXEC, ppfarm::G1Params>(c, op, a, b, out, n); break;
            case PPF_GROUP_G2: ppfarm::curve_op_run<PPG_EXEC, ppfarm::G2Params>(c, op, a, b, out, n); break;
            default: ppfarm::fail(PPF_E_ARGUMENT, "group %u is unknown", group);
        }
    });
}

}  // extern "C"
