// libppfarm_gpu_host.so: the C ABI over HostExec (the kernels' logic on the CPU).
#include "host_exec.hpp"
#include "context.hpp"

#define PPG_EXEC ppfarm::HostExec
#include "abi_entry.inl"
