// HostExec: the executor of the host library. "Device" memory is host memory and a kernel launch
// is a loop over the thread index, so the orchestration in msm_run.hpp / ntt_run.hpp and every
// per-thread body run here exactly as the CUDA executor schedules them.
//
// Executor interface (HostExec and CudaExec both provide it). An executor is one *lane* of a context
// (CUDA: one stream); the context's lanes share an Exec::Device (CUDA: the device and its memory pool), and
// concurrent calls on one context each lease a lane (context.hpp):
//   Exec::Device(device, memory_limit)             what the lanes share; activate(); sticky_failure()
//   Exec(Device&)                                  one lane
//   raw_alloc(bytes, what) / raw_free(p)           memory the kernels address
//   host_alloc(bytes, &pinned, what) / host_free   staging memory for a call's inputs (page-locked where possible)
//   upload(dst, src, bytes) / download(dst, src, bytes) / fill_zero(dst, bytes)
//   for_each(n, f)                                 f(t) for every t in [0, n), like a 1-D grid
//   for_each_shaped<Block, MinBlocks>(n, f)         the same with the device's launch shape (see cuda_exec.cuh)
//   sort_pairs(...)                                stable-or-not sort of (key, value) by key
//   run_length_encode(...), exclusive_sum(...)      the scans the MSM needs
//   ntt_stages(a, log_n, table)                    all butterfly stages of one transform
//   read(p)                                        one value back to the host (synchronises)
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "buffers.hpp"
#include "ppfarm/ntt.cuh"

#define PP_LAMBDA [=]

namespace ppfarm {

class HostExec {
public:
    /** Device 0, the CPU: nothing to share between lanes. */
    class Device {
    public:
        Device(int32_t device, uint64_t /*memory_limit: the Budget bounds host memory; no pool to size*/) {
            if (device != 0) fail(PPF_E_ARGUMENT, "device %d does not exist (the host library has device 0 only)", device);
        }
        void activate() {}
        static bool sticky_failure() { return false; }
    };

    /** A lane runs its calls on the calling thread, so calls on different lanes run at once. */
    explicit HostExec(Device&) {}

    static int32_t device_count() { return 1; }
    static std::string describe(int32_t device, uint64_t* total_mem) {
        if (device != 0) fail(PPF_E_ARGUMENT, "device %d does not exist (the host library has device 0 only)", device);
        if (total_mem) *total_mem = 0;
        return "host CPU (reference build of the device kernels, single-threaded)";
    }
    /** mul= names the Montgomery product in use (adx, or portable: the device's, forced by PPFARM_NO_ADX). */
    static std::string library_info() { return std::string("kind=host;compiler=g++;limbs=4x64;mul=") + multiply_path(); }

    void activate() {}

    void* raw_alloc(uint64_t bytes, const char* what) {
        void* p = std::malloc(bytes);
        if (p == nullptr) fail(PPF_E_HOST_MEMORY, "%s: cannot allocate %llu bytes", what, (unsigned long long)bytes);
        return p;
    }
    void raw_free(void* p) noexcept { std::free(p); }

    /** Ordinary memory: the host library has nothing to pin for (its "device" reads host memory). */
    static void* host_alloc(uint64_t bytes, bool* pinned, const char* what) {
        *pinned = false;
        void* p = std::malloc(bytes ? bytes : 1);
        if (p == nullptr) fail(PPF_E_HOST_MEMORY, "%s: cannot allocate %llu bytes", what, (unsigned long long)bytes);
        return p;
    }
    static void host_free(void* p, bool /*pinned*/) noexcept { std::free(p); }

    void upload(void* dst, const void* src, uint64_t bytes) { std::memcpy(dst, src, bytes); }
    void download(void* dst, const void* src, uint64_t bytes) { std::memcpy(dst, src, bytes); }
    void fill_zero(void* dst, uint64_t bytes) { std::memset(dst, 0, bytes); }
    void synchronize() {}

    template <class T>
    T read(const T* p) {
        return *p;
    }

    template <class F>
    void for_each(uint64_t n, F f) {
        for (uint64_t t = 0; t < n; ++t) f(t);
    }

    /** for_each; the launch shape only matters on the device. */
    template <int Block, int MinBlocks, class F>
    void for_each_shaped(uint64_t n, F f) {
        for_each(n, f);
    }

    /** Sorts (key, value) pairs by key; the result is left in keys_out / vals_out. */
    void sort_pairs(uint32_t* keys_in, uint32_t* keys_out, uint32_t* vals_in, uint32_t* vals_out, uint64_t n,
                    int /*end_bit*/, Budget& /*budget*/, uint32_t** sorted_keys, uint32_t** sorted_vals) {
        std::vector<uint32_t> order(n);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return keys_in[a] < keys_in[b]; });
        for (uint64_t i = 0; i < n; ++i) {
            keys_out[i] = keys_in[order[i]];
            vals_out[i] = vals_in[order[i]];
        }
        *sorted_keys = keys_out;
        *sorted_vals = vals_out;
    }

    /** Distinct consecutive keys and their run lengths; returns the number of runs. */
    uint32_t run_length_encode(const uint32_t* keys, uint32_t* unique, uint32_t* counts, uint64_t n, Budget&) {
        uint32_t runs = 0;
        for (uint64_t i = 0; i < n; ++i) {
            if (i == 0 || keys[i] != keys[i - 1]) {
                unique[runs] = keys[i];
                counts[runs] = 0;
                ++runs;
            }
            ++counts[runs - 1];
        }
        return runs;
    }

    void exclusive_sum(const uint32_t* in, uint32_t* out, uint64_t n, Budget&) {
        uint32_t acc = 0;
        for (uint64_t i = 0; i < n; ++i) {
            uint32_t v = in[i];
            out[i] = acc;
            acc += v;
        }
    }

    /**
     * All butterfly stages of one bit-reversed transform. Emulates the device's schedule: the
     * first min(log_n, BLOCK_LOG) stages block by block on a block-local copy (the shared-memory
     * kernel), the rest stage by stage on the whole array (the global kernels).
     */
    void ntt_stages(Fr* a, uint32_t log_n, const Fr* table) {
        const uint32_t b = log_n < ntt::BLOCK_LOG ? log_n : ntt::BLOCK_LOG;
        const uint64_t n = 1ull << log_n, block = 1ull << b;
        std::vector<Fr> local(block);
        for (uint64_t base = 0; base < n; base += block) {
            std::copy(a + base, a + base + block, local.begin());
            for (uint32_t s = 1; s <= b; ++s)
                for (uint64_t t = 0; t < block / 2; ++t) ntt::butterfly_body(t, s, log_n, table, local.data());
            std::copy(local.begin(), local.end(), a + base);
        }
        for (uint32_t s = b + 1; s <= log_n; ++s)
            for (uint64_t t = 0; t < n / 2; ++t) ntt::butterfly_body(t, s, log_n, table, a);
    }
};

}  // namespace ppfarm
