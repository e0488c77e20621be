// libppfarm_gpu_cuda.so: the C ABI over CudaExec (the kernels on an NVIDIA GPU).
#include "cuda_exec.cuh"
#include "context.hpp"

#define PPG_EXEC ppfarm::CudaExec
#include "abi_entry.inl"
