// libppfarm_cpu.so's entry points (ppfarm_cpu.h): the CPU MSM's bucket kernels (cpu_buckets.hpp), the CPU
// NTT's loops and the verifier's pairing (pairing.hpp). They touch no device and need no context.
#include "ppfarm_cpu.h"
#include "cpu_buckets.hpp"
#include "pairing.hpp"

extern "C" int ppc_bucket_sum(int32_t group, const uint64_t* bases, uint64_t bases_len, const int32_t* refs,
                                  const uint64_t* scalars, uint32_t lo, uint32_t hi, uint32_t k_lo, uint32_t k_hi,
                                  uint32_t c, uint32_t bucket_log, uint64_t table_stride, uint64_t* out, char* err,
                                  size_t err_len) {
    return ppfarm::guarded(err, err_len, [&] {
        if (bases == nullptr || refs == nullptr || scalars == nullptr || out == nullptr)
            ppfarm::fail(PPF_E_ARGUMENT, "null buffer");
        if (group == PPF_GROUP_G1)
            ppfarm::cpu::bucket_sum<ppfarm::G1Params>(bases, bases_len, refs, scalars, lo, hi, k_lo, k_hi, c, bucket_log,
                                                      table_stride, out);
        else if (group == PPF_GROUP_G2)
            ppfarm::cpu::bucket_sum<ppfarm::G2Params>(bases, bases_len, refs, scalars, lo, hi, k_lo, k_hi, c, bucket_log,
                                                      table_stride, out);
        else
            ppfarm::fail(PPF_E_ARGUMENT, "unknown group %d", group);
    });
}

extern "C" int ppc_bucket_range(int32_t group, const uint64_t* table, uint64_t table_len, const uint64_t* entries,
                                    uint64_t n, uint32_t lo, uint32_t hi, uint32_t hot, uint64_t* out, char* err,
                                    size_t err_len) {
    return ppfarm::guarded(err, err_len, [&] {
        if (table == nullptr || entries == nullptr || out == nullptr) ppfarm::fail(PPF_E_ARGUMENT, "null buffer");
        if (group == PPF_GROUP_G1)
            ppfarm::cpu::bucket_range<ppfarm::G1Params>(table, table_len, entries, n, lo, hi, hot, out);
        else if (group == PPF_GROUP_G2)
            ppfarm::cpu::bucket_range<ppfarm::G2Params>(table, table_len, entries, n, lo, hi, hot, out);
        else
            ppfarm::fail(PPF_E_ARGUMENT, "unknown group %d", group);
    });
}

// ---- the CPU NTT's butterfly and pointwise loops (org.ppfarm.prover.ntt.CpuNttBackend with the native kernel).
// Called as critical downcalls on the Java heap arrays themselves: each call is a short range (< 1 ms), so no
// copy is made and no other Java thread waits long at a safepoint. Java checks every index before calling.

namespace {

using ppfarm::Fr;

inline Fr load_fr(const uint64_t* p) { return Fr::load(p); }

}  // namespace

/** Cooley-Tukey butterflies k in [from, to) of the stage with half-size m = 2^lm (twiddle tw[m + k mod m]). */
extern "C" int ppc_fr_dit(uint64_t* a, const uint64_t* tw, uint32_t lm, uint32_t from, uint32_t to) {
    const uint32_t mask = (1u << lm) - 1, m = 1u << lm;
    for (uint32_t k = from; k < to; ++k) {
        uint32_t j = k & mask;
        uint64_t i0 = 4 * (uint64_t)(((k >> lm) << (lm + 1)) | j), i1 = i0 + 4 * (uint64_t)m;
        Fr x = load_fr(a + i0), y = load_fr(a + i1);
        Fr t = j == 0 ? y : y * load_fr(tw + 4 * (uint64_t)(m + j));
        (x - t).store(a + i1);
        (x + t).store(a + i0);
    }
    return 0;
}

/** Gentleman-Sande butterflies, same indexing as ppc_fr_dit. */
extern "C" int ppc_fr_dif(uint64_t* a, const uint64_t* tw, uint32_t lm, uint32_t from, uint32_t to) {
    const uint32_t mask = (1u << lm) - 1, m = 1u << lm;
    for (uint32_t k = from; k < to; ++k) {
        uint32_t j = k & mask;
        uint64_t i0 = 4 * (uint64_t)(((k >> lm) << (lm + 1)) | j), i1 = i0 + 4 * (uint64_t)m;
        Fr x = load_fr(a + i0), y = load_fr(a + i1);
        (x + y).store(a + i0);
        Fr d = x - y;
        (j == 0 ? d : d * load_fr(tw + 4 * (uint64_t)(m + j))).store(a + i1);
    }
    return 0;
}

/** a[i] = a[i] * b[i] for i in [from, to); with b_stride 0, b is one scalar. */
extern "C" int ppc_fr_mul(uint64_t* a, const uint64_t* b, uint32_t b_stride, uint32_t from, uint32_t to) {
    for (uint32_t i = from; i < to; ++i) (load_fr(a + 4 * (uint64_t)i) * load_fr(b + (uint64_t)b_stride * i)).store(a + 4 * (uint64_t)i);
    return 0;
}

/** a[i] = a[i] * b[i] - c[i] for i in [from, to). */
extern "C" int ppc_fr_mul_sub(uint64_t* a, const uint64_t* b, const uint64_t* c, uint32_t from, uint32_t to) {
    for (uint32_t i = from; i < to; ++i) {
        uint64_t o = 4 * (uint64_t)i;
        (load_fr(a + o) * load_fr(b + o) - load_fr(c + o)).store(a + o);
    }
    return 0;
}

// ---- the pairing (org.ppfarm.prover.bn254.Pairing's arithmetic; NativePairingKernel). ppc_g2_prepare (~0.1 ms) is a
// critical downcall on the Java arrays, like the NTT's loops; the Miller loop and the final exponentiation (about a
// millisecond for a verification's three pairs) are ordinary downcalls on native copies, so that no Java thread
// waits that long at a safepoint. Java checks every size before calling.

namespace pp = ppfarm::pairing;

extern "C" uint32_t ppc_pairing_steps(void) { return pp::STEPS; }

/** The lines of the affine G2 point q (16 limbs) into lines[0 .. steps * 24); zeros for the point at infinity. */
extern "C" int ppc_g2_prepare(const uint64_t* q, uint64_t* lines) {
    if (pp::all_zero(q, 16)) {
        for (int i = 0; i < pp::PREPARED; ++i) lines[i] = 0;
        return 0;
    }
    pp::prepare(pp::E2::load(q), pp::E2::load(q + 8), lines);
    return 0;
}

extern "C" int ppc_miller_loop(const uint64_t* g1, const uint64_t* lines, uint32_t n, uint64_t* f) {
    pp::miller_loop(g1, lines, n).store(f);
    return 0;
}

extern "C" int ppc_final_exponentiation(const uint64_t* f, uint64_t* r) {
    pp::final_exponentiation(pp::Fq12::load(f)).store(r);
    return 0;
}

extern "C" int ppc_multi_pairing(const uint64_t* g1, const uint64_t* lines, uint32_t n, uint64_t* r) {
    pp::final_exponentiation(pp::miller_loop(g1, lines, n)).store(r);
    return 0;
}

/** gamma_{k,i} (k = 1..3, i = 1..5, 8 limbs each, k major), then 9/xi: 128 limbs. */
extern "C" int ppc_pairing_constants(uint64_t* out) {
    const pp::Constants& c = pp::constants();
    for (int k = 0; k < 3; ++k)
        for (int i = 0; i < 5; ++i) c.gamma[k][i].store(out + 40 * k + 8 * i);
    c.b3.store(out + 120);
    return 0;
}
