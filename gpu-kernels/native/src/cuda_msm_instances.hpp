// The CUDA library compiles its two MSM instantiations in their own translation units
// (cuda_msm_g1.cu, cuda_msm_g2.cu), so a 2-core build runs nvcc on them in parallel with the rest.
// cuda_api.cu declares them `extern template` with the same signature.
#pragma once

#include "cuda_exec.cuh"
#include "msm_run.hpp"

#define PPG_MSM_RUN_SIGNATURE(C)                                                                      \
    void msm_run<CudaExec, C>(CudaExec&, Budget&, const uint64_t*, uint64_t, const uint64_t*, uint64_t, \
                              uint32_t, uint32_t, uint64_t*)
