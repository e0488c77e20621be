// The CUDA library compiles the bases' half of the MSM (msm_reduce) for each group in its own translation unit
// (cuda_msm_g1.cu, cuda_msm_g2.cu), so a 2-core build runs nvcc on them in parallel with the rest; the scalars'
// half (msm_digits, CUB's sort) is compiled once, in cuda_api.cu. cuda_api.cu declares the two `extern template`
// with the same signature.
#pragma once

#include "cuda_exec.cuh"
#include "msm_run.hpp"

#define PPG_MSM_REDUCE_SIGNATURE(C) \
    void msm_reduce<CudaExec, C>(CudaExec&, Budget&, const MsmDigits<CudaExec>&, const uint64_t*, uint64_t*)
