// CudaExec: the executor of the CUDA library, one per lane of a context (its own stream). Memory is device
// memory from the context's own stream-ordered pool, shared by its lanes (plain cudaMalloc where pools are
// unsupported), for_each is a 1-D grid on the lane's stream, sorting and scans are CUB's, and the first NTT
// stages run fused in shared memory. Staging memory for a call's inputs is page-locked host memory. Every CUDA
// status is checked and becomes a PpgError carrying CUDA's own message; nothing here throws across the C ABI
// (abi_entry.inl).
#pragma once

#include <cuda_runtime.h>

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_run_length_encode.cuh>
#include <cub/device/device_scan.cuh>

#include <cstdlib>
#include <string>

#include "buffers.hpp"
#include "ppfarm/ntt.cuh"

#define PP_LAMBDA [=] __host__ __device__

#ifndef PPG_CUDA_ARCHS
#define PPG_CUDA_ARCHS "unknown"
#endif

namespace ppfarm {

[[noreturn]] inline void fail_cuda(cudaError_t e, const char* what) {
    int code = (e == cudaErrorNoDevice || e == cudaErrorInsufficientDriver) ? PPF_E_NO_DEVICE : PPF_E_CUDA;
    fail(code, "%s: %s (%s)", what, cudaGetErrorString(e), cudaGetErrorName(e));
}

#define PPG_CUDA(expr, what)                       \
    do {                                           \
        cudaError_t ppg_e_ = (expr);               \
        if (ppg_e_ != cudaSuccess) fail_cuda(ppg_e_, what); \
    } while (0)

constexpr int FOR_EACH_BLOCK = 256;

/**
 * f(t) for t < n, Block threads per block. MinBlocks is the blocks each multiprocessor must fit, so it caps the
 * registers per thread at 65536 / (Block * MinBlocks): the point-arithmetic kernels' shapes are msm::LaunchShape.
 */
template <int Block, int MinBlocks, class F>
__global__ void __launch_bounds__(Block, MinBlocks) for_each_kernel(uint64_t n, F f) {
    const uint64_t t = (uint64_t)blockIdx.x * Block + threadIdx.x;
    if (t < n) f(t);
}

/**
 * Stages 1..b of a bit-reversed transform on aligned 2^b-element blocks in shared memory. The launch
 * bound caps registers so that 2^(BLOCK_LOG-1) threads always fit on one multiprocessor.
 */
template <int Unused = 0>  // a template so the several translation units including this header share one copy
__global__ void __launch_bounds__(1u << (ntt::BLOCK_LOG - 1)) ntt_block_kernel(Fr* a, uint32_t log_n, uint32_t b, const Fr* table) {
    extern __shared__ uint64_t shared_raw[];
    Fr* sh = reinterpret_cast<Fr*>(shared_raw);
    const uint32_t half = 1u << (b - 1);
    const uint64_t base = (uint64_t)blockIdx.x << b;
    const uint32_t tid = threadIdx.x;
    sh[tid] = a[base + tid];
    sh[tid + half] = a[base + tid + half];
    __syncthreads();
    for (uint32_t s = 1; s <= b; ++s) {
        ntt::butterfly_body(tid, s, log_n, table, sh);
        __syncthreads();
    }
    a[base + tid] = sh[tid];
    a[base + tid + half] = sh[tid + half];
}

class CudaExec {
public:
    /**
     * What a context's lanes share: the device and its memory pool. The pool is the context's own, with a release
     * threshold of the context's memory bound: freed workspace stays in the pool for the next call instead of going
     * back to the driver at every stream synchronisation (the default threshold, 0, would do that 7+ times per MSM),
     * and the bound already caps what the context holds. Lanes allocate from it on their own streams; the driver
     * orders a block's reuse across streams. Where the device or the sandbox has no memory pools
     * (cudaDevAttrMemoryPoolsSupported is 0, pool creation answers cudaErrorNotSupported, or a first allocation,
     * tried here, does), the context uses cudaMalloc/cudaFree; the choice is made once, before any lane runs.
     */
    class Device {
    public:
        Device(int32_t device, uint64_t memory_limit) : id_(device) {
            const int32_t count = device_count();
            if (device < 0 || device >= count) fail(PPF_E_ARGUMENT, "device %d does not exist (%d CUDA devices)", device, count);
            PPG_CUDA(cudaSetDevice(device), "cudaSetDevice");
            pool_ = create_pool(device, memory_limit);
        }

        ~Device() {
            if (pool_ != nullptr) {
                cudaSetDevice(id_);
                cudaMemPoolDestroy(pool_);  // the lanes, destroyed first, synchronised their streams
            }
        }

        Device(const Device&) = delete;
        Device& operator=(const Device&) = delete;

        int32_t id() const { return id_; }
        cudaMemPool_t pool() const { return pool_; }
        void activate() { PPG_CUDA(cudaSetDevice(id_), "cudaSetDevice"); }

        /** True when the device is in a sticky error state (the context must be discarded). */
        static bool sticky_failure() { return cudaDeviceSynchronize() != cudaSuccess; }

    private:
        int32_t id_;
        cudaMemPool_t pool_ = nullptr;
    };

    explicit CudaExec(Device& device) : dev_(&device) {
        PPG_CUDA(cudaSetDevice(device.id()), "cudaSetDevice");
        PPG_CUDA(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    }

    ~CudaExec() {
        if (stream_ != nullptr) {
            cudaSetDevice(dev_->id());
            cudaStreamSynchronize(stream_);
            cudaStreamDestroy(stream_);
        }
    }

    CudaExec(const CudaExec&) = delete;
    CudaExec& operator=(const CudaExec&) = delete;

    static int32_t device_count() {
        int n = 0;
        cudaError_t e = cudaGetDeviceCount(&n);
        if (e != cudaSuccess) {
            cudaGetLastError();  // not sticky: clear it so later calls start clean
            fail_cuda(e, "cudaGetDeviceCount");
        }
        if (n == 0) fail(PPF_E_NO_DEVICE, "no CUDA device is visible");
        return n;
    }

    static std::string describe(int32_t device, uint64_t* total_mem) {
        const int32_t count = device_count();
        if (device < 0 || device >= count) fail(PPF_E_ARGUMENT, "device %d does not exist (%d CUDA devices)", device, count);
        cudaDeviceProp p;
        PPG_CUDA(cudaGetDeviceProperties(&p, device), "cudaGetDeviceProperties");
        if (total_mem) *total_mem = p.totalGlobalMem;
        int pools = 0;
        PPG_CUDA(cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, device), "cudaDeviceGetAttribute");
        char buf[512];
        std::snprintf(buf, sizeof buf, "%s, compute capability %d.%d, %d SMs, %.1f GiB, %s", p.name, p.major, p.minor,
                      p.multiProcessorCount, p.totalGlobalMem / 1073741824.0,
                      pools ? "memory pools" : "no memory pools (cudaMalloc)");
        return buf;
    }

    static std::string library_info() {
        char buf[256];
        std::snprintf(buf, sizeof buf, "kind=cuda;cuda_runtime=%d;archs=%s;limbs=4x64", CUDART_VERSION, PPG_CUDA_ARCHS);
        return buf;
    }

    void activate() { dev_->activate(); }

    void* raw_alloc(uint64_t bytes, const char* what) {
        void* p = nullptr;
        cudaMemPool_t pool = dev_->pool();
        cudaError_t e = pool != nullptr ? cudaMallocFromPoolAsync(&p, bytes, pool, stream_) : cudaMalloc(&p, bytes);
        if (e != cudaSuccess) {
            cudaGetLastError();
            alloc_failed(e, pool != nullptr ? "cudaMallocFromPoolAsync" : "cudaMalloc", bytes, what);
        }
        return p;
    }

    void raw_free(void* p) noexcept {
        if (dev_->pool() != nullptr) {
            cudaFreeAsync(p, stream_);
        } else {
            cudaStreamSynchronize(stream_);  // work queued on the stream may still read p
            cudaFree(p);
        }
    }

    /**
     * Page-locked host memory: copies from it to the device are DMA at full bus speed, with no bounce through the
     * driver's pageable staging buffer. Where pinning is refused (a sandbox's locked-memory limit), ordinary memory
     * (*pinned = false): slower copies, the same results.
     */
    static void* host_alloc(uint64_t bytes, bool* pinned, const char* what) {
        void* p = nullptr;
        if (cudaHostAlloc(&p, bytes ? bytes : 1, cudaHostAllocPortable) == cudaSuccess) {
            *pinned = true;
            return p;
        }
        cudaGetLastError();
        *pinned = false;
        p = std::malloc(bytes ? bytes : 1);
        if (p == nullptr) fail(PPF_E_HOST_MEMORY, "%s: cannot allocate %llu bytes", what, (unsigned long long)bytes);
        return p;
    }

    static void host_free(void* p, bool pinned) noexcept {
        if (pinned) cudaFreeHost(p); else std::free(p);
    }

    void upload(void* dst, const void* src, uint64_t bytes) {
        PPG_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream_), "upload");
        PPG_CUDA(cudaStreamSynchronize(stream_), "upload");
    }

    void download(void* dst, const void* src, uint64_t bytes) {
        PPG_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream_), "download");
        PPG_CUDA(cudaStreamSynchronize(stream_), "download");
    }

    void fill_zero(void* dst, uint64_t bytes) { PPG_CUDA(cudaMemsetAsync(dst, 0, bytes, stream_), "cudaMemsetAsync"); }

    void synchronize() { PPG_CUDA(cudaStreamSynchronize(stream_), "cudaStreamSynchronize"); }

    template <class T>
    T read(const T* p) {
        T v;
        download(&v, p, sizeof(T));
        return v;
    }

    template <class F>
    void for_each(uint64_t n, F f) {
        for_each_shaped<FOR_EACH_BLOCK, 1>(n, f);
    }

    /** for_each with a launch shape (threads per block, blocks per multiprocessor), see for_each_kernel. */
    template <int Block, int MinBlocks, class F>
    void for_each_shaped(uint64_t n, F f) {
        if (n == 0) return;
        const uint64_t blocks = (n + Block - 1) / Block;
        for_each_kernel<Block, MinBlocks><<<(unsigned)blocks, Block, 0, stream_>>>(n, f);
        PPG_CUDA(cudaGetLastError(), "kernel launch");
    }

    void sort_pairs(uint32_t* keys_in, uint32_t* keys_out, uint32_t* vals_in, uint32_t* vals_out, uint64_t n,
                    int end_bit, Budget& budget, uint32_t** sorted_keys, uint32_t** sorted_vals) {
        cub::DoubleBuffer<uint32_t> keys(keys_in, keys_out), vals(vals_in, vals_out);
        size_t temp = 0;
        PPG_CUDA(cub::DeviceRadixSort::SortPairs(nullptr, temp, keys, vals, (int)n, 0, end_bit, stream_), "radix sort");
        DevBuf<CudaExec, uint8_t> scratch(*this, budget, temp, "radix sort scratch");
        PPG_CUDA(cub::DeviceRadixSort::SortPairs(scratch.get(), temp, keys, vals, (int)n, 0, end_bit, stream_),
                 "radix sort");
        *sorted_keys = keys.Current();
        *sorted_vals = vals.Current();
        synchronize();  // the scratch is freed on the stream, but keep failures attributed here
    }

    uint32_t run_length_encode(const uint32_t* keys, uint32_t* unique, uint32_t* counts, uint64_t n, Budget& budget) {
        DevBuf<CudaExec, uint32_t> runs(*this, budget, 1, "run count");
        size_t temp = 0;
        PPG_CUDA(cub::DeviceRunLengthEncode::Encode(nullptr, temp, keys, unique, counts, runs.get(), (int)n, stream_),
                 "run-length encode");
        DevBuf<CudaExec, uint8_t> scratch(*this, budget, temp, "run-length scratch");
        PPG_CUDA(cub::DeviceRunLengthEncode::Encode(scratch.get(), temp, keys, unique, counts, runs.get(), (int)n,
                                                    stream_),
                 "run-length encode");
        return read(runs.get());
    }

    void exclusive_sum(const uint32_t* in, uint32_t* out, uint64_t n, Budget& budget) {
        size_t temp = 0;
        PPG_CUDA(cub::DeviceScan::ExclusiveSum(nullptr, temp, in, out, (int)n, stream_), "exclusive scan");
        DevBuf<CudaExec, uint8_t> scratch(*this, budget, temp, "scan scratch");
        PPG_CUDA(cub::DeviceScan::ExclusiveSum(scratch.get(), temp, in, out, (int)n, stream_), "exclusive scan");
    }

    void ntt_stages(Fr* a, uint32_t log_n, const Fr* table) {
        const uint32_t b = log_n < ntt::BLOCK_LOG ? log_n : ntt::BLOCK_LOG;
        if (b > 0) {
            const uint64_t blocks = 1ull << (log_n - b);
            ntt_block_kernel<><<<(unsigned)blocks, 1u << (b - 1), (1u << b) * sizeof(Fr), stream_>>>(a, log_n, b, table);
            PPG_CUDA(cudaGetLastError(), "NTT block kernel launch");
        }
        const uint64_t half = (1ull << log_n) / 2;
        for (uint32_t s = b + 1; s <= log_n; ++s) {
            for_each(half, PP_LAMBDA(uint64_t t) { ntt::butterfly_body(t, s, log_n, table, a); });
        }
    }

private:
    /** The context's pool, or null where memory pools are unsupported. */
    static cudaMemPool_t create_pool(int32_t device, uint64_t memory_limit) {
        int supported = 0;
        PPG_CUDA(cudaDeviceGetAttribute(&supported, cudaDevAttrMemoryPoolsSupported, device), "cudaDeviceGetAttribute");
        if (!supported) return nullptr;
        cudaMemPoolProps props = {};
        props.allocType = cudaMemAllocationTypePinned;
        props.handleTypes = cudaMemHandleTypeNone;
        props.location.type = cudaMemLocationTypeDevice;
        props.location.id = device;
        cudaMemPool_t pool = nullptr;
        cudaError_t e = cudaMemPoolCreate(&pool, &props);
        if (e == cudaErrorNotSupported) {
            cudaGetLastError();
            return nullptr;
        }
        PPG_CUDA(e, "cudaMemPoolCreate");
        uint64_t threshold = memory_limit;  // the attribute is a cuuint64_t (64-bit unsigned)
        e = cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold);
        if (e != cudaSuccess) {
            cudaMemPoolDestroy(pool);
            fail_cuda(e, "cudaMemPoolSetAttribute(release threshold)");
        }
        // a sandboxed driver can list pools and still refuse them at first use: try one allocation now
        cudaStream_t probe = nullptr;
        e = cudaStreamCreateWithFlags(&probe, cudaStreamNonBlocking);
        if (e == cudaSuccess) {
            void* p = nullptr;
            e = cudaMallocFromPoolAsync(&p, 256, pool, probe);
            if (e == cudaSuccess) e = cudaFreeAsync(p, probe);
            if (e == cudaSuccess) e = cudaStreamSynchronize(probe);
            cudaStreamDestroy(probe);
        }
        if (e != cudaSuccess) {
            cudaGetLastError();
            cudaMemPoolDestroy(pool);
            if (e == cudaErrorNotSupported) return nullptr;
            fail_cuda(e, "memory pool: first allocation");
        }
        return pool;
    }

    [[noreturn]] static void alloc_failed(cudaError_t e, const char* call, uint64_t bytes, const char* what) {
        fail(PPF_E_CUDA, "%s: %s of %llu bytes failed: %s (%s)", what, call, (unsigned long long)bytes,
             cudaGetErrorString(e), cudaGetErrorName(e));
    }

    Device* dev_;
    cudaStream_t stream_ = nullptr;
};

}  // namespace ppfarm
