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

/**
 * Holds the context alive, refuses a broken one, leases a lane, activates its device, runs f(context, lane), and
 * marks sticky failures. Calls on different lanes run at once; f locks whatever shared state it touches.
 */
template <class F>
int with_context(ppg_context* handle, char* err, size_t err_len, F&& f) noexcept {
    if (handle == nullptr) {
        ppfarm::write_message(err, err_len, "context must not be null");
        return PPF_E_ARGUMENT;
    }
    Ctx& ctx = *reinterpret_cast<Ctx*>(handle);
    std::shared_lock<std::shared_mutex> life(ctx.life);
    {
        std::lock_guard<std::mutex> lock(ctx.broken_mu);
        if (ctx.broken) {
            ppfarm::write_message(err, err_len, "context unusable after an earlier device failure: " + ctx.broken_reason);
            return PPF_E_BROKEN;
        }
    }
    int rc = ppfarm::guarded(err, err_len, [&] {
        auto lane = ctx.lanes.acquire();
        lane->activate();
        f(ctx, *lane);
    });
    if (rc == PPF_E_CUDA && ctx.device.sticky_failure()) {
        std::lock_guard<std::mutex> lock(ctx.broken_mu);
        ctx.broken = true;
        ctx.broken_reason = err != nullptr && err_len > 0 ? std::string(err) : std::string("sticky CUDA error");
    }
    return rc;
}

int ntt_entry(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, ppfarm::NttKind kind, char* err,
              size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c, PPG_EXEC& ex) {
        ppfarm::ntt_run(ex, c.budget, c.twiddles, data, log_n, count, kind);
    });
}

/**
 * MSMs of one scalar set over the resident base sets `handles` (their groups from the context), results one base set
 * after another in out. The bases stay locked (shared) for the call, so freeing them waits for it. The workspace
 * planned is a share of the free memory, one per busy lane, so that concurrent calls size their vector groups to fit
 * together.
 */
int msm_entry(ppg_context* ctx, const uint64_t* handles, uint32_t nbases, int required_group, const uint64_t* scalars,
              uint64_t n, uint32_t nvec, uint32_t window_bits, uint64_t* out, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c, PPG_EXEC& ex) {
        if (handles == nullptr || nbases == 0) ppfarm::fail(PPF_E_ARGUMENT, "MSM: at least one base handle is needed");
        if (out == nullptr) ppfarm::fail(PPF_E_ARGUMENT, "MSM: scalars and out must not be null");
        std::shared_lock<std::shared_mutex> lock(c.bases_mu);
        std::vector<ppfarm::MsmTarget> targets(nbases);
        uint64_t* o = out;
        for (uint32_t j = 0; j < nbases; ++j) {
            int group = required_group;
            if (group == 0) {  // any group: the bases' own (an unknown handle fails in find_bases)
                auto it = c.bases.find(handles[j]);
                group = it == c.bases.end() ? PPF_GROUP_G1 : it->second.group;
            }
            auto& bases = ppfarm::find_bases(c, handles[j], group);
            targets[j] = ppfarm::MsmTarget{group, bases.points.get(), bases.count, o};
            o += (uint64_t)nvec * (group == PPF_GROUP_G1 ? 8 : 16);
        }
        const uint64_t workspace = c.budget.available() / std::max<uint32_t>(1, c.lanes.busy());
        ppfarm::msm_run<PPG_EXEC>(ex, c.budget, targets.data(), nbases, scalars, n, nvec, window_bits, workspace);
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
            std::unique_lock<std::shared_mutex> lock(c->life);  // waits for calls in flight
            try {
                c->device.activate();
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
    std::shared_lock<std::shared_mutex> life(c.life);
    if (used) *used = c.budget.used();
    if (limit) *limit = c.budget.limit();
    ppfarm::write_message(err, err_len, "");
    return PPF_OK;
}

int ppg_upload_g1(ppg_context* ctx, const uint64_t* points, uint64_t n, uint64_t* handle, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c, PPG_EXEC& ex) {
        if (handle == nullptr) ppfarm::fail(PPF_E_ARGUMENT, "handle must not be null");
        *handle = ppfarm::upload_bases<PPG_EXEC, ppfarm::G1Params>(c, ex, PPF_GROUP_G1, points, n);
    });
}

int ppg_upload_g2(ppg_context* ctx, const uint64_t* points, uint64_t n, uint64_t* handle, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c, PPG_EXEC& ex) {
        if (handle == nullptr) ppfarm::fail(PPF_E_ARGUMENT, "handle must not be null");
        *handle = ppfarm::upload_bases<PPG_EXEC, ppfarm::G2Params>(c, ex, PPF_GROUP_G2, points, n);
    });
}

int ppg_free_bases(ppg_context* ctx, uint64_t handle, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c, PPG_EXEC&) {
        std::unique_lock<std::shared_mutex> lock(c.bases_mu);  // waits for MSMs using them
        if (c.bases.erase(handle) == 0) ppfarm::fail(PPF_E_ARGUMENT, "no resident bases with handle %llu", (unsigned long long)handle);
    });
}

int ppg_msm_g1(ppg_context* ctx, uint64_t handle, const uint64_t* scalars, uint64_t n, uint32_t nvec,
               uint32_t window_bits, uint64_t* out, char* err, size_t err_len) {
    return msm_entry(ctx, &handle, 1, PPF_GROUP_G1, scalars, n, nvec, window_bits, out, err, err_len);
}

int ppg_msm_g2(ppg_context* ctx, uint64_t handle, const uint64_t* scalars, uint64_t n, uint32_t nvec,
               uint32_t window_bits, uint64_t* out, char* err, size_t err_len) {
    return msm_entry(ctx, &handle, 1, PPF_GROUP_G2, scalars, n, nvec, window_bits, out, err, err_len);
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
    return with_context(ctx, err, err_len, [&](Ctx& cx, PPG_EXEC& ex) {
        ppfarm::h_pointwise_run(ex, cx.budget, a, b, c, k, n, out_standard != 0, out);
    });
}

int ppg_compute_h(ppg_context* ctx, const uint64_t* a, const uint64_t* b, const uint64_t* c, uint32_t log_n,
                  const uint64_t* k, uint32_t out_standard, uint64_t* out, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& cx, PPG_EXEC& ex) {
        ppfarm::compute_h_run(ex, cx.budget, cx.twiddles, a, b, c, log_n, k, out_standard != 0, out);
    });
}

int ppg_field_op(ppg_context* ctx, uint32_t field, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out,
                 uint64_t n, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c, PPG_EXEC& ex) {
        switch (field) {
            case PPG_FIELD_FR: ppfarm::field_op_run<PPG_EXEC, ppfarm::Fr>(c, ex, op, a, b, out, n); break;
            case PPG_FIELD_FQ: ppfarm::field_op_run<PPG_EXEC, ppfarm::Fq>(c, ex, op, a, b, out, n); break;
            case PPG_FIELD_FQ2: ppfarm::field_op_run<PPG_EXEC, ppfarm::Fq2>(c, ex, op, a, b, out, n); break;
            default: ppfarm::fail(PPF_E_ARGUMENT, "field %u is unknown", field);
        }
    });
}

int ppg_curve_op(ppg_context* ctx, uint32_t group, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out,
                 uint64_t n, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c, PPG_EXEC& ex) {
        switch (group) {
            case PPF_GROUP_G1: ppfarm::curve_op_run<PPG_EXEC, ppfarm::G1Params>(c, ex, op, a, b, out, n); break;
            case PPF_GROUP_G2: ppfarm::curve_op_run<PPG_EXEC, ppfarm::G2Params>(c, ex, op, a, b, out, n); break;
            default: ppfarm::fail(PPF_E_ARGUMENT, "group %u is unknown", group);
        }
    });
}

int ppg_msm_shared(ppg_context* ctx, const uint64_t* handles, uint32_t nbases, const uint64_t* scalars, uint64_t n,
                   uint32_t nvec, uint32_t window_bits, uint64_t* out, char* err, size_t err_len) {
    return msm_entry(ctx, handles, nbases, 0, scalars, n, nvec, window_bits, out, err, err_len);
}

int ppg_host_alloc(ppg_context* ctx, uint64_t bytes, void** out, int32_t* pinned, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c, PPG_EXEC&) {
        if (out == nullptr) ppfarm::fail(PPF_E_ARGUMENT, "out must not be null");
        *out = nullptr;
        if (bytes == 0) ppfarm::fail(PPF_E_ARGUMENT, "staging buffer: bytes must be positive");
        c.budget.reserve(bytes, "staging buffer");
        bool is_pinned = false;
        void* p = nullptr;
        try {
            p = PPG_EXEC::host_alloc(bytes, &is_pinned, "staging buffer");
            std::lock_guard<std::mutex> lock(c.staging_mu);
            c.staging.emplace(p, Ctx::Staging{bytes, is_pinned});
        } catch (...) {
            if (p != nullptr) PPG_EXEC::host_free(p, is_pinned);
            c.budget.release(bytes);
            throw;
        }
        *out = p;
        if (pinned) *pinned = is_pinned ? 1 : 0;
    });
}

int ppg_host_free(ppg_context* ctx, void* p, char* err, size_t err_len) {
    return with_context(ctx, err, err_len, [&](Ctx& c, PPG_EXEC&) {
        Ctx::Staging s{};
        {
            std::lock_guard<std::mutex> lock(c.staging_mu);
            auto it = c.staging.find(p);
            if (it == c.staging.end()) ppfarm::fail(PPF_E_ARGUMENT, "no staging buffer at %p", p);
            s = it->second;
            c.staging.erase(it);
        }
        PPG_EXEC::host_free(p, s.pinned);
        c.budget.release(s.bytes);
    });
}

}  // extern "C"
