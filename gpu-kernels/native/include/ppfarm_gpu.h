/*
 * ppfarm_gpu.h - the C ABI of ppfarm's BN254 MSM/NTT kernels.
 *
 * Two shared libraries export exactly these symbols:
 *   libppfarm_gpu_cuda.so  the CUDA implementation (built only where nvcc exists);
 *   libppfarm_gpu_host.so  the same algorithms run on the CPU from the same __host__ __device__
 *                          sources (always built; the unit tests' window onto the kernels' logic).
 * The CPU prover's own loops are another library (cpu-kernels: libppfarm_cpu.so, ppfarm_cpu.h).
 *
 * Conventions (rapidsnark prover.cpp style):
 *  - Every function returns PPF_OK (0) or a PPF_E_* code (ppfarm/status.h, shared with cpu-kernels) and,
 *    on failure, writes a NUL-terminated one-line message into err[0..err_len). No C++ exception and no
 *    CUDA error crosses this ABI.
 *  - A context owns one device, a few lanes (one stream each) and a memory bound: every allocation it
 *    makes (resident bases, twiddle tables, per-call workspace, staging buffers) is counted against the
 *    bound and released when freed. Calls on one context may come from several threads: each runs on a
 *    lane of its own, so concurrent calls overlap on the device (a fifth waits for a free lane).
 *  - Layout (snarkjs .zkey in-memory layout, the engine's layout): field elements are 4
 *    little-endian uint64 limbs; Fr/Fq in Montgomery form (R = 2^256) unless a parameter says
 *    otherwise; G1 affine = 8 limbs (x, y); G2 affine = 16 limbs (x.c0, x.c1, y.c0, y.c1) with
 *    Fq2 = Fq[u]/(u^2 + 1); the point at infinity is all zeros. MSM scalars are standard-form Fr.
 *  - NTT domain conventions are snarkjs's; see include/ppfarm/ntt.cuh (the engine contract).
 */
#ifndef PPFARM_GPU_H
#define PPFARM_GPU_H

#include <stddef.h>
#include <stdint.h>

#include "ppfarm/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Field selector for ppg_field_op. */
#define PPG_FIELD_FR 0
#define PPG_FIELD_FQ 1
#define PPG_FIELD_FQ2 2 /* 8 limbs per element */

/* ppg_field_op operations; a, b, out are Montgomery unless noted. */
#define PPG_FOP_ADD 0
#define PPG_FOP_SUB 1
#define PPG_FOP_MUL 2
#define PPG_FOP_SQR 3 /* b unused */
#define PPG_FOP_NEG 4 /* b unused */
#define PPG_FOP_INV 5 /* b unused; the inverse of 0 is 0 */
#define PPG_FOP_TO_MONT 6 /* a standard form, out Montgomery */
#define PPG_FOP_FROM_MONT 7 /* a Montgomery, out standard form */

/* ppg_curve_op operations on affine points (outputs affine). */
#define PPG_COP_ADD 0 /* out = 2a + 2b, both operands doubled first so the Jacobian add sees Z != 1 */
#define PPG_COP_ADD_MIXED 1 /* out = 2a + b, Jacobian (Z != 1) plus affine */
#define PPG_COP_DBL 2 /* out = 2a */
#define PPG_COP_NEG 3 /* out = -a */
#define PPG_COP_SCALAR_MUL 4 /* out = k * a, b holds 4-limb standard-form scalars */
#define PPG_COP_ON_CURVE 5 /* out point i: limb 0 = 1 when a is on the curve or infinity, else 0; other limbs 0 */

typedef struct ppg_context ppg_context;

/* "kind=cuda;..." or "kind=host;...": what this library is and how it was built. Always PPF_OK. */
PPF_API int ppg_library_info(char* buf, size_t buf_len);

/* Number of usable devices (the host library reports 1: the CPU). */
PPF_API int ppg_device_count(int32_t* count, char* err, size_t err_len);

/* One line describing a device (name, compute capability, memory); total_mem may be NULL. */
PPF_API int ppg_device_describe(int32_t device, char* buf, size_t buf_len, uint64_t* total_mem, char* err, size_t err_len);

/* A context on `device` whose allocations never exceed memory_limit bytes. */
PPF_API int ppg_context_create(int32_t device, uint64_t memory_limit, ppg_context** out, char* err, size_t err_len);

/* Releases every allocation of the context (resident bases included) and the context itself. */
PPF_API int ppg_context_destroy(ppg_context* ctx, char* err, size_t err_len);

/* Bytes currently allocated by the context and its bound. */
PPF_API int ppg_memory_usage(ppg_context* ctx, uint64_t* used, uint64_t* limit, char* err, size_t err_len);

/*
 * Uploads n affine points (G1: 8 limbs each, G2: 16), checks every coordinate is reduced and every
 * point is on its curve (infinity allowed), and keeps them resident. *handle names them afterwards.
 */
PPF_API int ppg_upload_g1(ppg_context* ctx, const uint64_t* points, uint64_t n, uint64_t* handle, char* err, size_t err_len);
PPF_API int ppg_upload_g2(ppg_context* ctx, const uint64_t* points, uint64_t n, uint64_t* handle, char* err, size_t err_len);

/* Frees resident bases. */
PPF_API int ppg_free_bases(ppg_context* ctx, uint64_t handle, char* err, size_t err_len);

/*
 * out[v] = sum_i scalars[v][i] * bases[i] for v < nvec, i < n (n <= the number of bases; the first
 * n are used). scalars: nvec * n standard-form Fr (4 limbs, < r), vector-major. out: nvec affine
 * points (8 limbs for G1, 16 for G2). window_bits 0 picks the window; otherwise 2..16.
 */
PPF_API int ppg_msm_g1(ppg_context* ctx, uint64_t handle, const uint64_t* scalars, uint64_t n, uint32_t nvec,
               uint32_t window_bits, uint64_t* out, char* err, size_t err_len);
PPF_API int ppg_msm_g2(ppg_context* ctx, uint64_t handle, const uint64_t* scalars, uint64_t n, uint32_t nvec,
               uint32_t window_bits, uint64_t* out, char* err, size_t err_len);

/*
 * In-place transforms of `count` consecutive vectors of 2^log_n Montgomery Fr each (log_n <= 27):
 * forward, inverse, coset forward (shift by w_{2n}^j, then forward), coset inverse.
 */
PPF_API int ppg_ntt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len);
PPF_API int ppg_intt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len);
PPF_API int ppg_coset_ntt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len);
PPF_API int ppg_coset_intt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len);

/*
 * out[i] = (a[i] * b[i] - c[i]) * k for i < n (Montgomery inputs; k NULL means 1); out in standard
 * form when out_standard != 0 (ready as MSM scalars), else Montgomery. out may alias a, b or c.
 */
PPF_API int ppg_h_pointwise(ppg_context* ctx, const uint64_t* a, const uint64_t* b, const uint64_t* c, const uint64_t* k,
                    uint64_t n, uint32_t out_standard, uint64_t* out, char* err, size_t err_len);

/*
 * The whole H step of snarkjs's prover on the device: a, b, c are evaluations on the size-2^log_n
 * domain; each is inverse-transformed and coset-transformed, then out = (A' * B' - C') * k as in
 * ppg_h_pointwise. Inputs are not modified.
 */
PPF_API int ppg_compute_h(ppg_context* ctx, const uint64_t* a, const uint64_t* b, const uint64_t* c, uint32_t log_n,
                  const uint64_t* k, uint32_t out_standard, uint64_t* out, char* err, size_t err_len);

/* Element-wise field arithmetic on n elements (tests and diagnostics; runs where the kernels run). */
PPF_API int ppg_field_op(ppg_context* ctx, uint32_t field, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out,
                 uint64_t n, char* err, size_t err_len);

/* Element-wise curve arithmetic on n affine points (tests and diagnostics). */
PPF_API int ppg_curve_op(ppg_context* ctx, uint32_t group, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out,
                 uint64_t n, char* err, size_t err_len);

/*
 * The MSMs of one set of scalar vectors over several resident base sets (G1 or G2, each holding at least n points):
 * out holds, base set by base set in the order of handles, nvec affine points of that set's group (8 or 16 limbs
 * each). The scalars' signed digits and their sort by bucket are computed once for all the base sets (a proof's A,
 * B1 and B2 share the witness). Otherwise as ppg_msm_g1/g2.
 */
PPF_API int ppg_msm_shared(ppg_context* ctx, const uint64_t* handles, uint32_t nbases, const uint64_t* scalars, uint64_t n,
                   uint32_t nvec, uint32_t window_bits, uint64_t* out, char* err, size_t err_len);

/*
 * A staging buffer of `bytes` for a call's inputs (MSM scalars): page-locked host memory in the CUDA library, so the
 * copy to the device is DMA with no pageable bounce, or ordinary memory where pinning is refused (*pinned = 0; pinned
 * may be NULL) and always in the host library. Counted against the context's bound; ppg_host_free or the context's
 * destruction frees it. The caller writes inputs straight into it and passes it as an input pointer.
 */
PPF_API int ppg_host_alloc(ppg_context* ctx, uint64_t bytes, void** out, int32_t* pinned, char* err, size_t err_len);
PPF_API int ppg_host_free(ppg_context* ctx, void* p, char* err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* PPFARM_GPU_H */
