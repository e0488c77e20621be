// libppfarm_gpu_cuda.so: the G2 MSM (see cuda_msm_instances.hpp).
#include "cuda_msm_instances.hpp"

namespace ppfarm {
template PPG_MSM_REDUCE_SIGNATURE(G2Params);
}
