// The device's Montgomery product (field_ptx.cuh: 8 x 32-bit limbs, PTX carry chains), run on the host through its
// instruction-by-instruction emulation, against the host's product (ADX or portable, each checked against
// BigInteger by the kernel tests) for Fr and Fq: edge values and random reduced values. Built and run by
// DeviceMultiplyTest; prints one line and exits 1 on any difference.
//   g++ -std=c++17 -O2 -I cpu-kernels/native/include device_multiply_check.cpp -o check && ./check [count]
#include <cstdio>
#include <cstdlib>

#include "ppfarm/field.cuh"

namespace {

uint64_t state = 0x9e3779b97f4a7c15ULL;
uint64_t next() {  // xorshift64*
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dULL;
}

template <class P>
ppfarm::Fp<P> random_element() {
    for (;;) {
        ppfarm::Fp<P> v{{next(), next(), next(), next() & 0x3fffffffffffffffULL}};
        if (ppfarm::limbs_below_modulus<P>(v.l)) return v;
    }
}

template <class P>
long check(const char* name, long count) {
    using F = ppfarm::Fp<P>;
    const F p = F::modulus();
    const F edges[] = {F::zero(), F{{1, 0, 0, 0}}, F{{2, 0, 0, 0}}, F::one(), p - F{{1, 0, 0, 0}},
                       p - F{{2, 0, 0, 0}}, F{{0, 1, 0, 0}}, F{{~0ULL, ~0ULL, 0, 0}}, F{{0xffffffffULL, 0, 0, 0}},
                       F{{0, 0, 0, P::P3 >> 1}}, F::r2()};
    const long ne = sizeof(edges) / sizeof(edges[0]);
    long bad = 0, done = 0;
    for (long i = 0; i < ne * ne + count; ++i) {
        F a = i < ne * ne ? edges[i / ne] : random_element<P>();
        F b = i < ne * ne ? edges[i % ne] : (i % 5 == 0 ? a : random_element<P>());
        uint64_t t[4];
        ppfarm::ptx::mont_mul_8x32<P>(a.l, b.l, t);
        F got = ppfarm::reduce_once<P>(t[0], t[1], t[2], t[3], 0);
        F want = a * b;
        ++done;
        if (got != want || !ppfarm::limbs_below_modulus<P>(got.l)) {
            if (bad++ < 5) {
                std::printf("%s mismatch: a=%016llx%016llx%016llx%016llx b=%016llx%016llx%016llx%016llx\n", name,
                            (unsigned long long)a.l[3], (unsigned long long)a.l[2], (unsigned long long)a.l[1],
                            (unsigned long long)a.l[0], (unsigned long long)b.l[3], (unsigned long long)b.l[2],
                            (unsigned long long)b.l[1], (unsigned long long)b.l[0]);
            }
        }
    }
    std::printf("%s: %ld products, %ld mismatches\n", name, done, bad);
    return bad;
}

}  // namespace

int main(int argc, char** argv) {
    const long count = argc > 1 ? std::atol(argv[1]) : 100000;
    long bad = check<ppfarm::FrParams>("Fr", count) + check<ppfarm::FqParams>("Fq", count);
    std::printf("device multiply (emulated PTX) against the host's %s product: %s\n", ppfarm::multiply_path(),
                bad == 0 ? "identical" : "DIFFERENT");
    return bad == 0 ? 0 : 1;
}
