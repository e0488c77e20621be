package org.ppfarm.loadtest;

import java.util.List;

/**
 * A weighted mix (of circuits, of priorities): request {@code i} gets the item chosen by a hash of a salt and
 * {@code i}, with probability proportional to its weight, so the mix does not depend on thread timing. Each mix of a
 * campaign has its own salt, so the choices of two mixes are independent.
 */
public final class WeightedMix<T> {
    private final List<T> items;
    private final double[] cumulative;

    public WeightedMix(List<T> items, List<Double> weights) {
        this.items = List.copyOf(items);
        this.cumulative = new double[weights.size()];
        double total = weights.stream().mapToDouble(Double::doubleValue).sum(), acc = 0;
        for (int i = 0; i < cumulative.length; i++) cumulative[i] = (acc += weights.get(i)) / total;
    }

    public T pick(long salt, long index) {
        double u = (mix(salt * 31 + index) >>> 11) * 0x1.0p-53;
        for (int i = 0; i < cumulative.length - 1; i++) if (u < cumulative[i]) return items.get(i);
        return items.getLast();
    }

    /** SplitMix64's finaliser: a well-spread 64-bit hash. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
