package org.ppfarm.client;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backoff schedule, its jitter bounds, which codes retry, the policy's argument checks, and key generation. */
class RetryPolicyTest {
    @Test
    void ceilingsDoubleFromTheInitialBackoffUpToTheMaximum() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), 2, Set.of(Status.Code.UNAVAILABLE));
        long[] ms = new long[7];
        for (int r = 1; r <= 7; r++) ms[r - 1] = p.ceiling(r).toMillis();
        assertEquals("[100, 200, 400, 800, 1000, 1000, 1000]", java.util.Arrays.toString(ms));
        assertEquals(Duration.ofMillis(150), new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), 1.5, Set.of()).ceiling(2));
    }

    @Test
    void eachPauseLiesBetweenHalfItsCeilingAndTheCeilingAndVaries() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        RandomGenerator random = new SplittableRandom(7);
        for (int r = 1; r <= 4; r++) {
            Duration c = p.ceiling(r);
            Set<Duration> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                Duration d = p.backoff(r, random);
                assertTrue(d.compareTo(c.dividedBy(2)) >= 0 && d.compareTo(c) <= 0, () -> d + " outside [" + c.dividedBy(2) + ", " + c + "]");
                seen.add(d);
            }
            assertTrue(seen.size() > 100, "jittered: " + seen.size() + " distinct pauses of 200");
        }
        assertEquals(Duration.ZERO, RetryPolicy.NONE.backoff(1, random));
    }

    @Test
    void retriesOnlyItsCodesAndOnlyWhileAttemptsRemain() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        assertTrue(p.retries());
        assertTrue(p.retryable(Status.Code.UNAVAILABLE, 1));
        assertTrue(p.retryable(Status.Code.UNAVAILABLE, 4));
        assertFalse(p.retryable(Status.Code.UNAVAILABLE, 5), "the 5th attempt is the last");
        for (Status.Code c : new Status.Code[] {Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND, Status.Code.DEADLINE_EXCEEDED,
                Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL, Status.Code.CANCELLED})
            assertFalse(p.retryable(c, 1), c.toString());
        assertFalse(RetryPolicy.NONE.retries());
        assertFalse(new RetryPolicy(5, Duration.ZERO, Duration.ZERO, 1, Set.of()).retries(), "no codes: no retries");
    }

    @Test
    void refusesMeaninglessPolicies() {
        Set<Status.Code> u = Set.of(Status.Code.UNAVAILABLE);
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1, u));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, u));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, Duration.ofMillis(-1), Duration.ofSeconds(1), 2, u));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(1), 0.5, u));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(1), Double.NaN, u));
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.DEFAULT.ceiling(0));
    }

    @Test
    void idempotencyKeysAre128RandomBitsEachTime() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String k = FarmClient.newIdempotencyKey();
            assertTrue(k.matches("ppfarm-[0-9a-f]{32}"), k);
            keys.add(k);
        }
        assertEquals(1000, keys.size());
    }
}
