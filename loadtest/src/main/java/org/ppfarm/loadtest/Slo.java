package org.ppfarm.loadtest;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A latency threshold on the end-to-end time (coordinated-omission corrected): {@code p99<2s}, {@code p50<500ms},
 * {@code max<10s}. A campaign whose percentile is at or above it fails ({@code ppfarm load} exit 1).
 */
public record Slo(double percentile, Duration limit) {
    private static final Pattern FORM = Pattern.compile("(p(\\d+(?:\\.\\d+)?)|max)\\s*<\\s*(\\S+)");

    public static Slo parse(String key, String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) throw new LoadSettingException(key, "'" + text + "' is not PERCENTILE<DURATION, e.g. p99<2s");
        double p = m.group(2) == null ? 100 : Double.parseDouble(m.group(2));
        if (p <= 0 || p > 100) throw new LoadSettingException(key, "'" + text + "': the percentile must be above 0 and at most 100");
        Duration limit = LoadSettings.duration(key, m.group(3));
        if (limit.isZero()) throw new LoadSettingException(key, "'" + text + "': the limit must be positive");
        return new Slo(p, limit);
    }

    /** Whether a measured value of this percentile, in microseconds, is within the threshold. */
    public boolean holds(long micros) { return micros < limit.toNanos() / 1000; }

    @Override public String toString() {
        return (percentile == 100 ? "max" : "p" + (percentile == Math.rint(percentile) ? Long.toString((long) percentile) : Double.toString(percentile)))
                + "<" + limit.toMillis() + "ms";
    }
}
