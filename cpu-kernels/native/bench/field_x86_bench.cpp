// Checks field_x86.hpp's square against its product (mont_sqr_adx(a) == mont_mul_adx(a, a)) and its modular sum and
// difference against a plain reference (a 5-word sum or difference, then q subtracted or added once), for Fq and
// Fr: 0, 1, 2, q - 1 .. q - 64, every power of two below q, words of all ones, and 20 million random values below q
// per field (some with short top words) paired with the previous one and with themselves, each also computed in
// place; then times the product and the square, one dependent chain and four independent ones. Exits 1 on any
// disagreement. Not part of the build:
//
//   g++ -std=c++17 -O3 -Icpu-kernels/native/include BENCH -o /tmp/field_x86_bench
//   (BENCH: this file, cpu-kernels/native/bench/field_x86_bench.cpp)
//   /tmp/field_x86_bench
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "ppfarm/field_x86.hpp"

using u64 = uint64_t;

static const u64 FQ[5] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL,
                          0x87d20782e4866389ULL};
static const u64 FR[5] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL,
                          0xc2e1f593efffffffULL};

static bool below(const u64* a, const u64* q) {
    for (int i = 3; i >= 0; --i)
        if (a[i] != q[i]) return a[i] < q[i];
    return false;
}

static long disagreements = 0, compared = 0;

/** r = a + b mod q or a - b mod q, word by word with __int128 carries, for a, b < q. */
static void reference(u64* r, const u64* a, const u64* b, const u64* q, bool add) {
    u64 t[5];
    unsigned __int128 c = 0;
    for (int i = 0; i < 4; ++i) {
        unsigned __int128 v = add ? (unsigned __int128)a[i] + b[i] + c : (unsigned __int128)a[i] - b[i] - c;
        t[i] = (u64)v;
        c = add ? v >> 64 : ((v >> 64) != 0);
    }
    t[4] = (u64)c;   // the carry out of a sum, the borrow out of a difference
    bool adjust = add ? (t[4] != 0 || !below(t, q)) : t[4] != 0;
    if (!adjust) {
        std::memcpy(r, t, 32);
        return;
    }
    c = 0;
    for (int i = 0; i < 4; ++i) {
        unsigned __int128 v = add ? (unsigned __int128)t[i] - q[i] - c : (unsigned __int128)t[i] + q[i] + c;
        r[i] = (u64)v;
        c = add ? ((v >> 64) != 0) : v >> 64;
    }
}

static void check_pair(const u64* a, const u64* b, const u64* q) {
    u64 want[4], got[4], in_place[4];
    for (bool add : {true, false}) {
        reference(want, a, b, q, add);
        if (add) ppfarm::x86::add_mod_adx(got, a, b, q);
        else ppfarm::x86::sub_mod_adx(got, a, b, q);
        std::memcpy(in_place, a, 32);
        if (add) ppfarm::x86::add_mod_adx(in_place, in_place, b, q);
        else ppfarm::x86::sub_mod_adx(in_place, in_place, b, q);
        compared += 2;
        if (std::memcmp(want, got, 32) != 0 || std::memcmp(want, in_place, 32) != 0) {
            if (++disagreements <= 5) std::printf("%s disagrees at %016lx.. %016lx..\n", add ? "sum" : "difference", a[3], b[3]);
        }
    }
}

static void check(const u64* a, const u64* q) {
    u64 want[4], got[4], in_place[4];
    ppfarm::x86::mont_mul_adx(want, a, a, q);
    ppfarm::x86::mont_sqr_adx(got, a, q);
    std::memcpy(in_place, a, 32);
    ppfarm::x86::mont_sqr_adx(in_place, in_place, q);
    compared += 2;
    if (std::memcmp(want, got, 32) != 0 || std::memcmp(want, in_place, 32) != 0) {
        if (++disagreements <= 5) std::printf("disagree at %016lx %016lx %016lx %016lx\n", a[3], a[2], a[1], a[0]);
    }
}

static double seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int main() {
    std::mt19937_64 rng(7);
    for (const u64* q : {FQ, FR}) {
        std::vector<std::array<u64, 4>> edge = {{0, 0, 0, 0}, {1, 0, 0, 0}, {2, 0, 0, 0}};
        for (u64 k = 1; k <= 64; ++k) {
            std::array<u64, 4> v = {q[0], q[1], q[2], q[3]};
            unsigned __int128 borrow = k;
            for (int i = 0; i < 4; ++i) {
                unsigned __int128 d = (unsigned __int128)v[i] - borrow;
                v[i] = (u64)d;
                borrow = (d >> 64) ? 1 : 0;
            }
            edge.push_back(v);
        }
        for (int b = 0; b < 256; ++b) {
            std::array<u64, 4> v = {0, 0, 0, 0};
            v[b / 64] = 1ULL << (b % 64);
            edge.push_back(v);
        }
        for (int i = 0; i < 4; ++i) {
            std::array<u64, 4> v = {0, 0, 0, 0};
            v[i] = ~0ULL;
            edge.push_back(v);
        }
        for (auto& v : edge)
            if (below(v.data(), q)) check(v.data(), q);
        for (auto& v : edge)
            for (auto& w : edge)
                if (below(v.data(), q) && below(w.data(), q)) check_pair(v.data(), w.data(), q);
        u64 prev[4] = {0, 0, 0, 0};
        for (long it = 0; it < 20000000; ++it) {
            u64 a[4];
            do {
                a[0] = rng(), a[1] = rng(), a[2] = rng();
                a[3] = rng() >> (it % 3 == 0 ? 2 : (it % 3 == 1 ? 3 : 10));
            } while (!below(a, q));
            check(a, q);
            check_pair(a, prev, q);
            check_pair(prev, a, q);
            check_pair(a, a, q);
            std::memcpy(prev, a, 32);
        }
    }
    std::printf("%ld comparisons, %ld disagreements\n", compared, disagreements);
    const long m = 5000000;
    u64 a[4] = {1, 2, 3, 4}, b[4][4] = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 1, 2, 3}, {4, 5, 6, 7}};
    double t = seconds();
    for (long i = 0; i < m; ++i) ppfarm::x86::mont_mul_adx(a, a, a, FQ);
    double mul1 = (seconds() - t) / m;
    t = seconds();
    for (long i = 0; i < m; ++i) ppfarm::x86::mont_sqr_adx(a, a, FQ);
    double sqr1 = (seconds() - t) / m;
    t = seconds();
    for (long i = 0; i < m; ++i)
        for (auto& x : b) ppfarm::x86::mont_mul_adx(x, x, x, FQ);
    double mul4 = (seconds() - t) / m / 4;
    t = seconds();
    for (long i = 0; i < m; ++i)
        for (auto& x : b) ppfarm::x86::mont_sqr_adx(x, x, FQ);
    double sqr4 = (seconds() - t) / m / 4;
    std::printf("one chain: product %.1f ns, square %.1f ns; four chains: product %.1f ns, square %.1f ns (%lx %lx)\n",
                mul1 * 1e9, sqr1 * 1e9, mul4 * 1e9, sqr4 * 1e9, (unsigned long)a[0], (unsigned long)b[0][0]);
    return disagreements == 0 ? 0 : 1;
}
