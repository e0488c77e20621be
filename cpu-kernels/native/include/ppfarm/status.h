/*
 * ppfarm/status.h - what every ppfarm native library shares at its C ABI: the export macro, the status
 * codes and the group selector. libppfarm_cpu.so (ppfarm_cpu.h) and gpu-kernels' libraries (ppfarm_gpu.h)
 * include this one copy, so a status means the same in both and the Java side maps it once
 * (org.ppfarm.cpukernels.NativeException.Status).
 *
 * Every function that can fail returns PPF_OK (0) or a PPF_E_* code and writes a NUL-terminated one-line
 * message into the caller's err[0..err_len) (rapidsnark prover.cpp style; ppfarm/errors.hpp does it).
 */
#ifndef PPFARM_STATUS_H
#define PPFARM_STATUS_H

/* Exported from the shared libraries, which hide every other symbol. */
#if defined(__GNUC__)
#define PPF_API __attribute__((visibility("default")))
#else
#define PPF_API
#endif

#define PPF_OK 0
#define PPF_E_ARGUMENT 1 /* bad argument: null pointer, size, unreduced value, unknown handle */
#define PPF_E_NO_DEVICE 2 /* no CUDA device or driver usable */
#define PPF_E_BUDGET 3 /* the context's memory bound would be exceeded */
#define PPF_E_CUDA 4 /* a CUDA runtime error; the message carries CUDA's text */
#define PPF_E_INTERNAL 5 /* an unexpected failure inside the library */
#define PPF_E_BROKEN 6 /* an earlier sticky CUDA error left the context unusable: destroy it */
#define PPF_E_HOST_MEMORY 7 /* host allocation failed */

#define PPF_GROUP_G1 1
#define PPF_GROUP_G2 2

#endif
