package org.ppfarm.loadtest;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The offered arrival rate over a campaign's measured run: constant, in steps, or a linear ramp. {@link #arrivals}
 * turns it into intended send times: evenly spaced ({@code 1/rate(t)} apart) or a Poisson process (exponential gaps
 * of mean {@code 1/rate(t)}, seeded). A request's latency is measured from its intended time, never from when the
 * tool managed to send it, so a farm that stalls shows its stall in the percentiles (coordinated omission, corrected
 * as wrk2 does).
 */
public record Schedule(Kind kind, double rate, double rateEnd, double stepRate, Duration stepDuration, Duration duration) {
    public enum Kind { CONSTANT, STEP, RAMP }

    public static Schedule constant(double rate, Duration duration) {
        return new Schedule(Kind.CONSTANT, rate, rate, 0, duration, duration);
    }

    public static Schedule steps(double first, double increment, Duration step, Duration duration) {
        return new Schedule(Kind.STEP, first, first, increment, step, duration);
    }

    public static Schedule ramp(double from, double to, Duration duration) {
        return new Schedule(Kind.RAMP, from, to, 0, duration, duration);
    }

    /** Jobs per second offered {@code nanos} into the run. */
    public double rateAt(long nanos) {
        return switch (kind) {
            case CONSTANT -> rate;
            case STEP -> rate + stepRate * step(nanos);
            case RAMP -> rate + (rateEnd - rate) * Math.min(1.0, (double) nanos / duration.toNanos());
        };
    }

    /** The step {@code nanos} falls in (0 for schedules without steps). */
    public int step(long nanos) {
        return kind == Kind.STEP ? (int) (nanos / stepDuration.toNanos()) : 0;
    }

    /** The number of steps (1 for schedules without steps). */
    public int steps() {
        return kind == Kind.STEP ? (int) ((duration.toNanos() + stepDuration.toNanos() - 1) / stepDuration.toNanos()) : 1;
    }

    /** The rate of step {@code i}. */
    public double stepRateOf(int i) { return kind == Kind.STEP ? rate + stepRate * i : rate; }

    /** Intended send times, in nanoseconds from the start of the run, up to {@link #duration()}; not thread-safe. */
    public Arrivals arrivals(boolean poisson, long seed) { return new Arrivals(this, poisson, new SplittableRandom(seed)); }

    /** The sequence of intended send times. */
    public static final class Arrivals {
        private final Schedule s;
        private final boolean poisson;
        private final SplittableRandom random;
        private double next;

        Arrivals(Schedule s, boolean poisson, SplittableRandom random) {
            this.s = s;
            this.poisson = poisson;
            this.random = random;
        }

        /** The next intended send time in nanoseconds, or -1 once the run's duration is over. */
        public long next() {
            long t = (long) next;
            if (t >= s.duration.toNanos()) return -1;
            double gap = 1e9 / s.rateAt(t);
            next += poisson ? -Math.log(1 - random.nextDouble()) * gap : gap;
            return t;
        }
    }
}
