package org.ppfarm.client;

import io.grpc.Status;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * When and how soon {@link FarmClient} tries a call again: at most {@code maxAttempts} attempts in all, the n-th
 * retry after a pause drawn from [b/2, b] where b = min(initialBackoff × multiplier^(n-1), maxBackoff) (half of it
 * jittered, so clients refused together do not come back together), and only for the status codes in
 * {@code retryOn}. No retry ever outlives the call's deadline.
 *
 * <p>The default retries only {@code UNAVAILABLE}: the coordinator was unreachable or restarting, or its job log
 * (Kafka) was — the one failure a later attempt can cure. The farm's other refusals are permanent for the same
 * request (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, RESOURCE_EXHAUSTED — which this farm means as a size limit,
 * not a rate limit — UNIMPLEMENTED, DEADLINE_EXCEEDED), and INTERNAL is a bug a retry would repeat.
 *
 * @param maxAttempts    attempts in all, at least 1 (1: no retries)
 * @param initialBackoff the first retry's pause ceiling
 * @param maxBackoff     the largest pause ceiling
 * @param multiplier     how the ceiling grows per retry, at least 1
 * @param retryOn        the codes a call is retried on
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier, Set<Status.Code> retryOn) {
    /** 5 attempts over about 1.5 s at most (pauses up to 0.1, 0.2, 0.4, 0.8 s), on UNAVAILABLE. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2), 2, EnumSet.of(Status.Code.UNAVAILABLE));
    /** One attempt: a failure is the caller's to handle. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1, Set.of());

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        retryOn = Set.copyOf(Objects.requireNonNull(retryOn, "retryOn"));
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0)
            throw new IllegalArgumentException("backoff must satisfy 0 <= initialBackoff (" + initialBackoff + ") <= maxBackoff (" + maxBackoff + ")");
        if (!(multiplier >= 1)) throw new IllegalArgumentException("multiplier must be at least 1, not " + multiplier);
    }

    /** Whether a call may be tried again: this policy retries at all. Submissions then carry an idempotency key. */
    public boolean retries() { return maxAttempts > 1 && !retryOn.isEmpty(); }

    /** Whether the attempt numbered {@code attempt} (1 for the first) that failed with {@code code} may be retried. */
    public boolean retryable(Status.Code code, int attempt) { return attempt < maxAttempts && retryOn.contains(code); }

    /** The pause ceiling before retry number {@code retry} (1 for the first retry). */
    public Duration ceiling(int retry) {
        if (retry < 1) throw new IllegalArgumentException("retry numbers start at 1, not " + retry);
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
        return Duration.ofNanos((long) Math.min(nanos, maxBackoff.toNanos()));
    }

    /** The pause before retry number {@code retry}: uniform in [ceiling/2, ceiling]. */
    public Duration backoff(int retry, RandomGenerator random) {
        long c = ceiling(retry).toNanos();
        return Duration.ofNanos(c / 2 + (c / 2 == 0 ? 0 : random.nextLong(c - c / 2 + 1)));
    }
}
