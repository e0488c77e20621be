/*
 * ppfarm_gpu.h - the C ABI of ppfarm's BN254 MSM/NTT kernels.
 *
 * Two shared libraries export exactly these symbols:
 *   libppfarm_gpu_cuda.so  the CUDA implementation (built only where nvcc exists);
 *   libppfarm_gpu_host.so  the same algorithms run on the CPU from the same __host__ __device__
 *                          sources (always built; the unit tests' window onto the kernels' logic).
 *
 * Conventions (rapidsnark prover.cpp style):
 *  - Every function returns PPG_OK (0) or a PPG_E_* code and, on failure, writes a NUL-terminated
 *    one-line message into err[0..err_len). No C++ exception and no CUDA error crosses this ABI.
 *  - A context owns one device, one stream and a memory bound: every device allocation it makes
 *    (resident bases, twiddle tables, per-call workspace) is counted against the bound and
 *    released when freed. Calls on one context are serialised by the library.
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

#ifdef __cplusplus
extern "C" {
#endif

/* Exported from the shared libraries, which hide every other symbol. */
#if defined(__GNUC__)
#define PPG_API __attribute__((visibility("default")))
#else
#define PPG_API
#endif

#define PPG_OK 0
#define PPG_E_ARGUMENT 1 /* bad argument: null pointer, size, unreduced value, unknown handle */
#define PPG_E_NO_DEVICE 2 /* no CUDA device or driver usable */
#define PPG_E_BUDGET 3 /* the context's memory bound would be exceeded */
#define PPG_E_CUDA 4 /* a CUDA runtime error; the message carries CUDA's text */
#define PPG_E_INTERNAL 5 /* an unexpected failure inside the library */
#define PPG_E_BROKEN 6 /* an earlier sticky CUDA error left the context unusable: destroy it */
#define PPG_E_HOST_MEMORY 7 /* host allocation failed */

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

#define PPG_GROUP_G1 1
#define PPG_GROUP_G2 2

typedef struct ppg_context ppg_context;

/* "kind=cuda;..." or "kind=host;...": what this library is and how it was built. Always PPG_OK. */
PPG_API int ppg_library_info(char* buf, size_t buf_len);

/* Number of usable devices (the host library reports 1: the CPU). */
PPG_API int ppg_device_count(int32_t* count, char* err, size_t err_len);

/* One line describing a device (name, compute capability, memory); total_mem may be NULL. */
PPG_API int ppg_device_describe(int32_t device, char* buf, size_t buf_len, uint64_t* total_mem, char* err, size_t err_len);

/* A context on `device` whose allocations never exceed memory_limit bytes. */
PPG_API int ppg_context_create(int32_t device, uint64_t memory_limit, ppg_context** out, char* err, size_t err_len);

/* Releases every allocation of the context (resident bases included) and the context itself. */
PPG_API int ppg_context_destroy(ppg_context* ctx, char* err, size_t err_len);

/* Bytes currently allocated by the context and its bound. */
PPG_API int ppg_memory_usage(ppg_context* ctx, uint64_t* used, uint64_t* limit, char* err, size_t err_len);

/*
 * Uploads n affine points (G1: 8 limbs each, G2: 16), checks every coordinate is reduced and every
 * point is on its curve (infinity allowed), and keeps them resident. *handle names them afterwards.
 */
PPG_API int ppg_upload_g1(ppg_context* ctx, const uint64_t* points, uint64_t n, uint64_t* handle, char* err, size_t err_len);
PPG_API int ppg_upload_g2(ppg_context* ctx, const uint64_t* points, uint64_t n, uint64_t* handle, char* err, size_t err_len);

/* Frees resident bases. */
PPG_API int ppg_free_bases(ppg_context* ctx, uint64_t handle, char* err, size_t err_len);

/*
 * out[v] = sum_i scalars[v][i] * bases[i] for v < nvec, i < n (n <= the number of bases; the first
 * n are used). scalars: nvec * n standard-form Fr (4 limbs, < r), vector-major. out: nvec affine
 * points (8 limbs for G1, 16 for G2). window_bits 0 picks the window; otherwise 2..16.
 */
PPG_API int ppg_msm_g1(ppg_context* ctx, uint64_t handle, const uint64_t* scalars, uint64_t n, uint32_t nvec,
               uint32_t window_bits, uint64_t* out, char* err, size_t err_len);
PPG_API int ppg_msm_g2(ppg_context* ctx, uint64_t handle, const uint64_t* scalars, uint64_t n, uint32_t nvec,
               uint32_t window_bits, uint64_t* out, char* err, size_t err_len);

/*
 * The CPU MSM's bucket kernel (no context, no device; the engine's CpuMsm calls it from its own threads):
 * for entries i in [lo, hi) and windows k in [k_lo, k_hi), the signed c-bit digit d of scalars[4i..4i+3]
 * (standard-form Fr) in window k puts the affine base at bases[(refs[i] >> 1) + (k - k_lo) * table_stride],
 * negated when (d < 0) != (refs[i] & 1), into bucket |d| - 1 of ONE set of 2^bucket_log buckets; out
 * (Jacobian X, Y, Z: 12 limbs for G1, 24 for G2; Z = 0 is infinity) = sum_b (b + 1) * bucket_b.
 * Digits follow the engine's signed recoding (msm/SignedDigits.java). bases_len bounds every read, in limbs.
 */
PPG_API int ppg_cpu_bucket_sum(int32_t group, const uint64_t* bases, uint64_t bases_len, const int32_t* refs,
               const uint64_t* scalars, uint32_t lo, uint32_t hi, uint32_t k_lo, uint32_t k_hi, uint32_t c,
               uint32_t bucket_log, uint64_t table_stride, uint64_t* out, char* err, size_t err_len);

/*
 * The fixed-base MSM's bucket kernel (engine: FixedBaseMsm over a FixedBaseTable): entries are uint64
 * (offset << 32 | bucket << 1 | negate), offset in limbs into the table of affine points; only entries whose bucket
 * lies in [lo, hi) are used, buckets below `hot` kept Jacobian; out (Jacobian) = sum_b (b + 1) * B_b.
 */
PPG_API int ppg_cpu_bucket_range(int32_t group, const uint64_t* table, uint64_t table_len, const uint64_t* entries,
               uint64_t n, uint32_t lo, uint32_t hi, uint32_t hot, uint64_t* out, char* err, size_t err_len);

/*
 * The CPU NTT's loops (no context; the engine's CpuNttBackend calls them on its own threads, as critical
 * downcalls on its arrays). Montgomery Fr, 4 limbs per element; indices are checked by the caller; return 0.
 * dit/dif: butterflies k in [from, to) of the stage with half-size m = 2^lm, pairing i0 = (k with a 0 bit
 * inserted at lm) and i0 + m, twiddle tw[m + (k mod m)] (none when k mod m = 0).
 * mul: a[i] *= b[i * b_stride / 4] (b_stride 4: elementwise, 0: one scalar); mul_sub: a[i] = a[i] * b[i] - c[i].
 */
PPG_API int ppg_cpu_fr_dit(uint64_t* a, const uint64_t* tw, uint32_t lm, uint32_t from, uint32_t to);
PPG_API int ppg_cpu_fr_dif(uint64_t* a, const uint64_t* tw, uint32_t lm, uint32_t from, uint32_t to);
PPG_API int ppg_cpu_fr_mul(uint64_t* a, const uint64_t* b, uint32_t b_stride, uint32_t from, uint32_t to);
PPG_API int ppg_cpu_fr_mul_sub(uint64_t* a, const uint64_t* b, const uint64_t* c, uint32_t from, uint32_t to);

/*
 * In-place transforms of `count` consecutive vectors of 2^log_n Montgomery Fr each (log_n <= 27):
 * forward, inverse, coset forward (shift by w_{2n}^j, then forward), coset inverse.
 */
PPG_API int ppg_ntt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len);
PPG_API int ppg_intt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len);
PPG_API int ppg_coset_ntt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len);
PPG_API int ppg_coset_intt(ppg_context* ctx, uint64_t* data, uint32_t log_n, uint32_t count, char* err, size_t err_len);

/*
 * out[i] = (a[i] * b[i] - c[i]) * k for i < n (Montgomery inputs; k NULL means 1); out in standard
 * form when out_standard != 0 (ready as MSM scalars), else Montgomery. out may alias a, b or c.
 */
PPG_API int ppg_h_pointwise(ppg_context* ctx, const uint64_t* a, const uint64_t* b, const uint64_t* c, const uint64_t* k,
                    uint64_t n, uint32_t out_standard, uint64_t* out, char* err, size_t err_len);

/*
 * The whole H step of snarkjs's prover on the device: a, b, c are evaluations on the size-2^log_n
 * domain; each is inverse-transformed and coset-transformed, then out = (A' * B' - C') * k as in
 * ppg_h_pointwise. Inputs are not modified.
 */
PPG_API int ppg_compute_h(ppg_context* ctx, const uint64_t* a, const uint64_t* b, const uint64_t* c, uint32_t log_n,
                  const uint64_t* k, uint32_t out_standard, uint64_t* out, char* err, size_t err_len);

/* Element-wise field arithmetic on n elements (tests and diagnostics; runs where the kernels run). */
PPG_API int ppg_field_op(ppg_context* ctx, uint32_t field, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out,
                 uint64_t n, char* err, size_t err_len);

/* Element-wise curve arithmetic on n affine points (tests and diagnostics). */
PPG_API int ppg_curve_op(ppg_context* ctx, uint32_t group, uint32_t op, const uint64_t* a, const uint64_t* b, uint64_t* out,
                 uint64_t n, char* err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* PPFARM_GPU_H */
