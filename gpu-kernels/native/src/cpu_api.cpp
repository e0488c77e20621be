// ppg_cpu_bucket_sum: the CPU MSM's bucket kernel (cpu_buckets.hpp). Compiled into both libraries so they keep
// exporting the same symbols; it touches no device and needs no context.
#include "cpu_buckets.hpp"

extern "C" int ppg_cpu_bucket_sum(int32_t group, const uint64_t* bases, uint64_t bases_len, const int32_t* refs,
                                  const uint64_t* scalars, uint32_t lo, uint32_t hi, uint32_t k_lo, uint32_t k_hi,
                                  uint32_t c, uint32_t bucket_log, uint64_t table_stride, uint64_t* out, char* err,
                                  size_t err_len) {
    return ppfarm::guarded(err, err_len, [&] {
        if (bases == nullptr || refs == nullptr || scalars == nullptr || out == nullptr)
            ppfarm::fail(PPG_E_ARGUMENT, "null buffer");
        if (group == PPG_GROUP_G1)
            ppfarm::cpu::bucket_sum<ppfarm::G1Params>(bases, bases_len, refs, scalars, lo, hi, k_lo, k_hi, c, bucket_log,
                                                      table_stride, out);
        else if (group == PPG_GROUP_G2)
            ppfarm::cpu::bucket_sum<ppfarm::G2Params>(bases, bases_len, refs, scalars, lo, hi, k_lo, k_hi, c, bucket_log,
                                                      table_stride, out);
        else
            ppfarm::fail(PPG_E_ARGUMENT, "unknown group %d", group);
    });
}
