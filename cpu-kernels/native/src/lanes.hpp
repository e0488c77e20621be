// Point additions for L independent points at once, written stage by stage across the lanes: each field product of
// one lane is independent of the others', so issuing them side by side lets the CPU overlap products whose
// latency is about twice their reciprocal throughput (one running sum at a time leaves the multiplier idle half
// the time). Same formulas and results as curve.cuh; a lane meeting an exceptional case (infinity, equal or
// opposite points) is finished by curve.cuh's scalar formula instead.
#pragma once

#include <cstdint>

#include "ppfarm/curve.cuh"

namespace ppfarm::cpu::lanes {

/** p[j] += *q[j] (madd-2007-bl), for j < L. */
template <class C, uint32_t L>
void add_mixed(Jacobian<C>* p, const Affine<C>* const* q) {
    using F = typename C::F;
    bool on[L];
    F z1z1[L], u2[L], s2[L], h[L], r[L];
    for (uint32_t j = 0; j < L; ++j) on[j] = !q[j]->is_infinity() && !p[j].is_infinity();
    for (uint32_t j = 0; j < L; ++j) if (on[j]) z1z1[j] = sqr(p[j].z);
    for (uint32_t j = 0; j < L; ++j) if (on[j]) u2[j] = q[j]->x * z1z1[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) s2[j] = q[j]->y * p[j].z;
    for (uint32_t j = 0; j < L; ++j) if (on[j]) s2[j] = s2[j] * z1z1[j];
    for (uint32_t j = 0; j < L; ++j) {
        if (!on[j]) continue;
        h[j] = u2[j] - p[j].x;
        r[j] = dbl(s2[j] - p[j].y);
        on[j] = !is_zero(h[j]);
    }
    for (uint32_t j = 0; j < L; ++j) if (!on[j]) p[j] = ppfarm::add_mixed(p[j], *q[j]);
    F hh[L], i4[L], jj[L], v[L];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) hh[j] = sqr(h[j]);
    for (uint32_t j = 0; j < L; ++j) if (on[j]) i4[j] = dbl(dbl(hh[j]));
    for (uint32_t j = 0; j < L; ++j) if (on[j]) jj[j] = h[j] * i4[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) v[j] = p[j].x * i4[j];
    F x3[L], t[L];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) x3[j] = sqr(r[j]) - jj[j] - dbl(v[j]);
    for (uint32_t j = 0; j < L; ++j) if (on[j]) t[j] = p[j].y * jj[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) p[j].y = r[j] * (v[j] - x3[j]) - dbl(t[j]);
    for (uint32_t j = 0; j < L; ++j) if (on[j]) p[j].z = sqr(p[j].z + h[j]) - z1z1[j] - hh[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) p[j].x = x3[j];
}

/** p[j] += q[j] (add-2007-bl), for j < L. */
template <class C, uint32_t L>
void add(Jacobian<C>* p, const Jacobian<C>* q) {
    using F = typename C::F;
    bool on[L];
    F z1z1[L], z2z2[L], u1[L], u2[L], s1[L], s2[L], h[L], r[L];
    for (uint32_t j = 0; j < L; ++j) on[j] = !p[j].is_infinity() && !q[j].is_infinity();
    for (uint32_t j = 0; j < L; ++j) if (on[j]) z1z1[j] = sqr(p[j].z);
    for (uint32_t j = 0; j < L; ++j) if (on[j]) z2z2[j] = sqr(q[j].z);
    for (uint32_t j = 0; j < L; ++j) if (on[j]) u1[j] = p[j].x * z2z2[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) u2[j] = q[j].x * z1z1[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) s1[j] = p[j].y * q[j].z;
    for (uint32_t j = 0; j < L; ++j) if (on[j]) s2[j] = q[j].y * p[j].z;
    for (uint32_t j = 0; j < L; ++j) if (on[j]) s1[j] = s1[j] * z2z2[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) s2[j] = s2[j] * z1z1[j];
    for (uint32_t j = 0; j < L; ++j) {
        if (!on[j]) continue;
        h[j] = u2[j] - u1[j];
        r[j] = dbl(s2[j] - s1[j]);
        on[j] = !is_zero(h[j]);
    }
    for (uint32_t j = 0; j < L; ++j) if (!on[j]) p[j] = ppfarm::add(p[j], q[j]);
    F i[L], jj[L], v[L], x3[L], t[L];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) i[j] = sqr(dbl(h[j]));
    for (uint32_t j = 0; j < L; ++j) if (on[j]) jj[j] = h[j] * i[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) v[j] = u1[j] * i[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) x3[j] = sqr(r[j]) - jj[j] - dbl(v[j]);
    for (uint32_t j = 0; j < L; ++j) if (on[j]) t[j] = s1[j] * jj[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) p[j].y = r[j] * (v[j] - x3[j]) - dbl(t[j]);
    for (uint32_t j = 0; j < L; ++j) if (on[j]) p[j].z = (sqr(p[j].z + q[j].z) - z1z1[j] - z2z2[j]) * h[j];
    for (uint32_t j = 0; j < L; ++j) if (on[j]) p[j].x = x3[j];
}

}  // namespace ppfarm::cpu::lanes
