// Times the fixed-base bucket kernel (cpu_buckets.hpp's bucket_range) alone, on a table the size of the withdraw
// key's C∥H set (102,428 G1 points x 16 windows, c = 16) or its B2 set (11,796 G2 points x 20 windows, c = 13), with
// random buckets and random field elements as points (timing only: no result is checked). Thread CPU time per entry;
// both halves of the bucket range run one after the other, as two MSM threads would. Not part of the build:
//
//   g++ -std=c++17 -O3 -Icpu-kernels/native/include -Icpu-kernels/native/src BENCH -o /tmp/bucket_range_bench
//   (BENCH: this file, cpu-kernels/native/bench/bucket_range_bench.cpp)
//   /tmp/bucket_range_bench [g2]          (perf record -e cpu-clock works on it, as on the VM)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <vector>

#include "cpu_buckets.hpp"

using namespace ppfarm;

static double cpu_ms() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

template <class C>
static void run(uint64_t points, uint32_t windows, uint32_t c) {
    constexpr uint64_t AL = 2 * C::LIMBS;
    const uint64_t len = points * windows * AL;
    std::vector<uint64_t> table(len);
    std::mt19937_64 rng(1);
    for (uint64_t& v : table) v = rng() >> 3;   // below 2^61 per limb: a valid Montgomery value
    std::vector<uint64_t> entries;
    entries.reserve(points * windows);
    const uint32_t half = 1u << (c - 1);
    for (uint64_t j = 0; j < points; ++j)
        for (uint32_t k = 0; k < windows; ++k)
            entries.push_back(((j * windows + k) * AL) << 32 | (uint64_t)(rng() % half) << 1 | (rng() & 1));
    uint64_t out[3 * C::LIMBS];
    for (int rep = 0; rep < 3; ++rep) {
        double t0 = cpu_ms();
        cpu::bucket_range<C>(table.data(), len, entries.data(), entries.size(), 0, half / 2, 64, out);
        cpu::bucket_range<C>(table.data(), len, entries.data(), entries.size(), half / 2, half, 64, out);
        double ms = cpu_ms() - t0;
        std::printf("%s, %llu entries: %.1f ms CPU, %.1f ns per entry\n", C::LIMBS == 4 ? "G1" : "G2",
                    (unsigned long long)entries.size(), ms, ms * 1e6 / entries.size());
    }
}

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "g2") == 0) run<G2Params>(11796, 20, 13);
    else run<G1Params>(102428, 16, 16);
}
