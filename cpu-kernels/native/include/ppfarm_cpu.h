/*
 * ppfarm_cpu.h - the C ABI of libppfarm_cpu.so: the CPU prover's inner loops (module cpu-kernels).
 *
 * The engine (org.ppfarm.prover.msm.CpuMsm, org.ppfarm.prover.ntt.CpuNttBackend, the verifier's pairing) plans in
 * Java and calls these loops from its own threads through org.ppfarm.cpukernels. No context and no device; nothing is kept
 * between calls. Statuses, the export macro and the group selector come from ppfarm/status.h (shared with
 * gpu-kernels); layouts are the engine's (4 little-endian uint64 limbs per field element, affine points x, y,
 * the point at infinity all zeros).
 */
#ifndef PPFARM_CPU_H
#define PPFARM_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "ppfarm/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The CPU MSM's bucket kernel (no context, no device; the engine's CpuMsm calls it from its own threads):
 * for entries i in [lo, hi) and windows k in [k_lo, k_hi), the signed c-bit digit d of scalars[4i..4i+3]
 * (standard-form Fr) in window k puts the affine base at bases[(refs[i] >> 1) + (k - k_lo) * table_stride],
 * negated when (d < 0) != (refs[i] & 1), into bucket |d| - 1 of ONE set of 2^bucket_log buckets; out
 * (Jacobian X, Y, Z: 12 limbs for G1, 24 for G2; Z = 0 is infinity) = sum_b (b + 1) * bucket_b.
 * Digits follow the engine's signed recoding (msm/SignedDigits.java). bases_len bounds every read, in limbs.
 */
PPF_API int ppc_bucket_sum(int32_t group, const uint64_t* bases, uint64_t bases_len, const int32_t* refs,
               const uint64_t* scalars, uint32_t lo, uint32_t hi, uint32_t k_lo, uint32_t k_hi, uint32_t c,
               uint32_t bucket_log, uint64_t table_stride, uint64_t* out, char* err, size_t err_len);

/*
 * The fixed-base MSM's bucket kernel (engine: FixedBaseMsm over a FixedBaseTable): entries are uint64
 * (offset << 32 | bucket << 1 | negate), offset in limbs into the table of affine points; only entries whose bucket
 * lies in [lo, hi) are used, buckets below `hot` kept Jacobian; out (Jacobian) = sum_b (b + 1) * B_b.
 */
PPF_API int ppc_bucket_range(int32_t group, const uint64_t* table, uint64_t table_len, const uint64_t* entries,
               uint64_t n, uint32_t lo, uint32_t hi, uint32_t hot, uint64_t* out, char* err, size_t err_len);

/*
 * The CPU NTT's loops (no context; the engine's CpuNttBackend calls them on its own threads, as critical
 * downcalls on its arrays). Montgomery Fr, 4 limbs per element; indices are checked by the caller; return 0.
 * dit/dif: butterflies k in [from, to) of the stage with half-size m = 2^lm, pairing i0 = (k with a 0 bit
 * inserted at lm) and i0 + m, twiddle tw[m + (k mod m)] (none when k mod m = 0).
 * mul: a[i] *= b[i * b_stride / 4] (b_stride 4: elementwise, 0: one scalar); mul_sub: a[i] = a[i] * b[i] - c[i].
 */
PPF_API int ppc_fr_dit(uint64_t* a, const uint64_t* tw, uint32_t lm, uint32_t from, uint32_t to);
PPF_API int ppc_fr_dif(uint64_t* a, const uint64_t* tw, uint32_t lm, uint32_t from, uint32_t to);
PPF_API int ppc_fr_mul(uint64_t* a, const uint64_t* b, uint32_t b_stride, uint32_t from, uint32_t to);
PPF_API int ppc_fr_mul_sub(uint64_t* a, const uint64_t* b, const uint64_t* c, uint32_t from, uint32_t to);

/*
 * The BN254 optimal-ate pairing of org.ppfarm.prover.bn254.Pairing, limb for limb (same tower, line formulas and
 * final-exponentiation chain), for the verifier (the engine's NativePairingKernel). Montgomery Fq; G1 points affine,
 * 8 limbs (x, y); G2 points affine, 16 limbs (x.c0, x.c1, y.c0, y.c1); the point at infinity all zeros; curve and
 * subgroup membership are the caller's to check. An Fq12 is 48 limbs (c0.b0, c0.b1, c0.b2, c1.b0, c1.b1, c1.b2, each
 * an Fq2). A prepared G2 point is ppc_pairing_steps() lines of 24 limbs (r0, r1, r2), all zeros for the point at
 * infinity. Sizes are checked by the caller; every function returns 0.
 * g2_prepare: the lines of q (~0.1 ms: Java calls it as a critical downcall on its arrays).
 * miller_loop: f = the product of the Miller loops of the n pairs (g1[8k..], lines[k * steps * 24 ..]), one shared
 * squaring chain; a pair with a point at infinity contributes 1.
 * final_exponentiation: r = f^((q^12 - 1)/r * 2x(6x^2 + 3x + 1)), f non-zero; r may alias f.
 * multi_pairing: both, into r (about a millisecond for a verification's three pairs: Java passes native copies).
 * pairing_constants (for tests): xi^(i (q^k - 1)/6) for k = 1..3, i = 1..5 (120 limbs, k major), then 9/xi (8).
 */
PPF_API uint32_t ppc_pairing_steps(void);
PPF_API int ppc_g2_prepare(const uint64_t* q, uint64_t* lines);
PPF_API int ppc_miller_loop(const uint64_t* g1, const uint64_t* lines, uint32_t n, uint64_t* f);
PPF_API int ppc_final_exponentiation(const uint64_t* f, uint64_t* r);
PPF_API int ppc_multi_pairing(const uint64_t* g1, const uint64_t* lines, uint32_t n, uint64_t* r);
PPF_API int ppc_pairing_constants(uint64_t* out);

#ifdef __cplusplus
}
#endif

#endif
