// Two of circom's BN254 scalar-field helpers in 64-bit C, for scripts/bench-wasm2c-witness.sh's "kernels" variant
// (patch_kernels.py puts them in front of the wasm2c output): Fr_F1m_mul (Montgomery product, R = 2^256) and Fr_copy
// (one 40-byte element). Each writes exactly the bytes circom's own function writes; the product hands the call
// back to circom's code unless both operands are below r and r sits at 608, where circom's code keeps it.
#pragma once
#include <string.h>

typedef unsigned __int128 ppfarm_u128;
static const u64 PPFARM_R[4] = {0x43e1f593f0000001ull, 0x2833e84879b97091ull, 0xb85045b68181585dull, 0x30644e72e131a029ull};
static const u64 PPFARM_R_INV_NEG = 0xc2e1f593efffffffull;   // -r^-1 mod 2^64

static inline int ppfarm_below_r(const u64* a) {
    for (int i = 3; i >= 0; i--) {
        if (a[i] != PPFARM_R[i]) return a[i] < PPFARM_R[i];
    }
    return 0;
}

// a*b*2^-256 mod r for a, b < r (CIOS, 4 limbs), fully reduced as circom's Fr_F1m_mul leaves it
static inline void ppfarm_mont_mul(u64* out, const u64* a, const u64* b) {
    u64 t[6] = {0};
    for (int i = 0; i < 4; i++) {
        ppfarm_u128 c = 0;
        for (int j = 0; j < 4; j++) {
            c += (ppfarm_u128) a[j] * b[i] + t[j];
            t[j] = (u64) c;
            c >>= 64;
        }
        ppfarm_u128 s = (ppfarm_u128) t[4] + c;
        t[4] = (u64) s;
        t[5] = (u64) (s >> 64);
        u64 m = t[0] * PPFARM_R_INV_NEG;
        c = ((ppfarm_u128) m * PPFARM_R[0] + t[0]) >> 64;
        for (int j = 1; j < 4; j++) {
            c += (ppfarm_u128) m * PPFARM_R[j] + t[j];
            t[j - 1] = (u64) c;
            c >>= 64;
        }
        s = (ppfarm_u128) t[4] + c;
        t[3] = (u64) s;
        t[4] = t[5] + (u64) (s >> 64);
    }
    u64 d[4];
    u64 borrow = 0;
    for (int j = 0; j < 4; j++) {
        ppfarm_u128 x = (ppfarm_u128) t[j] - PPFARM_R[j] - borrow;
        d[j] = (u64) x;
        borrow = (u64) (x >> 64) & 1;
    }
    memcpy(out, (t[4] || !borrow) ? d : t, 32);
}
