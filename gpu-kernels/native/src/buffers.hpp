// Device-memory accounting: every allocation a context makes goes through a DevBuf, which
// reserves its bytes against the context's Budget before allocating and returns them when freed.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "ppfarm/errors.hpp"
#include "ppfarm_gpu.h"

namespace ppfarm {

/** A context's memory bound. Thread-safe: concurrent calls on one context (one per lane) reserve from it at once. */
class Budget {
public:
    explicit Budget(uint64_t limit) : limit_(limit) {}

    void reserve(uint64_t bytes, const char* what) {
        uint64_t used = used_.load();
        do {
            if (bytes > limit_ - used) {
                fail(PPF_E_BUDGET, "device memory bound exceeded: %s needs %llu bytes, %llu of %llu bytes in use", what,
                     (unsigned long long)bytes, (unsigned long long)used, (unsigned long long)limit_);
            }
        } while (!used_.compare_exchange_weak(used, used + bytes));
    }

    void release(uint64_t bytes) { used_.fetch_sub(bytes); }
    uint64_t used() const { return used_.load(); }
    uint64_t limit() const { return limit_; }
    uint64_t available() const { return limit_ - used_.load(); }

private:
    const uint64_t limit_;
    std::atomic<uint64_t> used_{0};
};

/** An owned, accounted array of `count` T in the executor's memory (device or host). Move-only. */
template <class Exec, class T>
class DevBuf {
public:
    DevBuf() = default;

    DevBuf(Exec& ex, Budget& budget, uint64_t count, const char* what) : ex_(&ex), budget_(&budget), count_(count) {
        if (count > UINT64_MAX / sizeof(T)) fail(PPF_E_ARGUMENT, "%s: size overflows", what);
        bytes_ = count * sizeof(T);
        budget.reserve(bytes_, what);
        try {
            ptr_ = static_cast<T*>(ex.raw_alloc(bytes_ ? bytes_ : 1, what));
        } catch (...) {
            budget.release(bytes_);
            throw;
        }
    }

    DevBuf(const DevBuf&) = delete;
    DevBuf& operator=(const DevBuf&) = delete;
    DevBuf(DevBuf&& o) noexcept { swap(o); }
    DevBuf& operator=(DevBuf&& o) noexcept {
        if (this != &o) {
            reset();
            swap(o);
        }
        return *this;
    }
    ~DevBuf() { reset(); }

    void reset() noexcept {
        if (ptr_ != nullptr) {
            ex_->raw_free(ptr_);
            budget_->release(bytes_);
            ptr_ = nullptr;
        }
    }

    T* get() const { return ptr_; }
    uint64_t size() const { return count_; }
    uint64_t bytes() const { return bytes_; }

private:
    void swap(DevBuf& o) noexcept {
        std::swap(ex_, o.ex_);
        std::swap(budget_, o.budget_);
        std::swap(ptr_, o.ptr_);
        std::swap(count_, o.count_);
        std::swap(bytes_, o.bytes_);
    }

    Exec* ex_ = nullptr;
    Budget* budget_ = nullptr;
    T* ptr_ = nullptr;
    uint64_t count_ = 0;
    uint64_t bytes_ = 0;
};

}  // namespace ppfarm
