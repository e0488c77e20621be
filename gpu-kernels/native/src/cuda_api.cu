// libppfarm_gpu_cuda.so: the C ABI over CudaExec (the kernels on an NVIDIA GPU). The MSMs' per-group halves
// are instantiated in cuda_msm_g1.cu / cuda_msm_g2.cu.
#include "cuda_exec.cuh"
#include "context.hpp"
#include "cuda_msm_instances.hpp"

namespace ppfarm {
extern template PPG_MSM_REDUCE_SIGNATURE(G1Params);
extern template PPG_MSM_REDUCE_SIGNATURE(G2Params);
}

#define PPG_EXEC ppfarm::CudaExec
#include "abi_entry.inl"
