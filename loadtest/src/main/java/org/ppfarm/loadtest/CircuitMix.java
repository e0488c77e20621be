package org.ppfarm.loadtest;

import org.ppfarm.loadtest.workload.RequestSource;

import java.util.List;

/**
 * The weighted circuit mix: request {@code i} goes to a circuit chosen by a hash of the seed and {@code i}, with
 * probability proportional to its weight, so the mix does not depend on thread timing.
 */
public final class CircuitMix {
    private final List<RequestSource> sources;
    private final double[] cumulative;

    public CircuitMix(List<RequestSource> sources, List<Double> weights) {
        this.sources = List.copyOf(sources);
        this.cumulative = new double[weights.size()];
        double total = weights.stream().mapToDouble(Double::doubleValue).sum(), acc = 0;
        for (int i = 0; i < cumulative.length; i++) cumulative[i] = (acc += weights.get(i)) / total;
    }

    public RequestSource pick(long seed, long index) {
        double u = (mix(seed * 31 + index) >>> 11) * 0x1.0p-53;
        for (int i = 0; i < cumulative.length - 1; i++) if (u < cumulative[i]) return sources.get(i);
        return sources.getLast();
    }

    public List<RequestSource> sources() { return sources; }

    /** SplitMix64's finaliser: a well-spread 64-bit hash. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
