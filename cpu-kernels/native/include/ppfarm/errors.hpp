// Error plumbing of ppfarm's C ABIs (the CPU kernels here, gpu-kernels' libraries): internal code throws
// PpgError; only the entry layer catches, so no exception ever leaves an extern "C" function.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "ppfarm/status.h"

namespace ppfarm {

struct PpgError {
    int code;
    std::string message;
};

[[noreturn]] inline void fail(int code, const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    throw PpgError{code, buf};
}

/** Copies a one-line message (newlines become spaces) into the caller's buffer, truncating. */
inline void write_message(char* out, size_t len, const std::string& msg) {
    if (out == nullptr || len == 0) return;
    size_t n = msg.size() < len - 1 ? msg.size() : len - 1;
    for (size_t i = 0; i < n; ++i) out[i] = (msg[i] == '\n' || msg[i] == '\r') ? ' ' : msg[i];
    out[n] = '\0';
}

/** Runs f, mapping every exception to a status code and message. */
template <class F>
int guarded(char* err, size_t err_len, F&& f) noexcept {
    try {
        f();
        write_message(err, err_len, "");
        return PPF_OK;
    } catch (const PpgError& e) {
        write_message(err, err_len, e.message);
        return e.code;
    } catch (const std::bad_alloc&) {
        write_message(err, err_len, "host memory allocation failed");
        return PPF_E_HOST_MEMORY;
    } catch (const std::exception& e) {
        write_message(err, err_len, std::string("internal error: ") + e.what());
        return PPF_E_INTERNAL;
    } catch (...) {
        write_message(err, err_len, "internal error: unknown exception");
        return PPF_E_INTERNAL;
    }
}

}  // namespace ppfarm
