package org.ppfarm.bench;

import java.util.Arrays;

/** Order statistics of a benchmark's timings (the inputs are left as they are). */
final class Stats {
    private Stats() {}

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) { return Arrays.stream(v).min().orElse(Double.NaN); }

    static double max(double[] v) { return Arrays.stream(v).max().orElse(Double.NaN); }
}
