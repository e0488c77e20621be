// Checks inverse_var.hpp's variable-time inversion against field.cuh's Fermat inversion (Fr, Fq, Fq2; random
// values, and 0, 1, -1) and times both (thread CPU per inversion). Not part of the build:
//
//   g++ -std=c++17 -O3 -Icpu-kernels/native/include -Icpu-kernels/native/src BENCH -o /tmp/inverse_bench
//   (BENCH: this file, cpu-kernels/native/bench/inverse_bench.cpp)
//   /tmp/inverse_bench
#include <cstdio>
#include <ctime>
#include <random>
#include <vector>

#include "inverse_var.hpp"

using namespace ppfarm;

static double cpu_ns() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

template <class P>
static Fp<P> random_element(std::mt19937_64& rng) {
    Fp<P> a{{rng(), rng(), rng(), rng() >> 3}};   // below 2^253 < p
    return a * Fp<P>::one();
}

template <class P>
static int check_and_time(const char* name, int n) {
    std::mt19937_64 rng(7);
    std::vector<Fp<P>> xs;
    xs.push_back(Fp<P>::zero());
    xs.push_back(Fp<P>::one());
    xs.push_back(-Fp<P>::one());
    for (int i = 0; i < n; ++i) xs.push_back(random_element<P>(rng));
    int bad = 0;
    for (const Fp<P>& x : xs)
        if (cpu::inverse_var(x) != inverse(x)) ++bad;
    Fp<P> acc = Fp<P>::zero();
    double t0 = cpu_ns();
    for (const Fp<P>& x : xs) acc = acc + inverse(x);
    double t1 = cpu_ns();
    for (const Fp<P>& x : xs) acc = acc + cpu::inverse_var(x);
    double t2 = cpu_ns();
    std::printf("%s: %d of %zu differ; Fermat %.0f ns, binary %.0f ns per inversion (%llx)\n", name, bad, xs.size(),
                (t1 - t0) / xs.size(), (t2 - t1) / xs.size(), (unsigned long long)acc.l[0]);
    return bad;
}

int main() {
    int bad = check_and_time<FqParams>("Fq", 200000) + check_and_time<FrParams>("Fr", 200000);
    std::mt19937_64 rng(9);
    int bad2 = 0;
    for (int i = 0; i < 100000; ++i) {
        Fq2 a{random_element<FqParams>(rng), random_element<FqParams>(rng)};
        if (cpu::inverse_var(a) != inverse(a)) ++bad2;
    }
    std::printf("Fq2: %d of 100000 differ\n", bad2);
    return bad + bad2 == 0 ? 0 : 1;
}
