package org.ppfarm.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits in tests for something another thread or process makes true: polls a condition every {@value #POLL_MILLIS}
 * ms until it holds or the timeout passes, then fails with an {@link AssertionError} that says what was awaited, for
 * how long, and (for {@link #await(String, Duration, Callable, Predicate)}) the last value seen. The one polling loop
 * the tests share instead of hand-written sleep loops; a condition that holds at once costs nothing.
 *
 * <p>A probe or condition that throws ends the wait at once with an {@link AssertionError} carrying the exception: a
 * wait retries what is not yet true, not what is broken (catch an expected exception, e.g. NOT_FOUND, in the probe).
 */
public final class Eventually {
    static final long POLL_MILLIS = 25;

    /** A condition that may throw, e.g. one that asks a broker. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Eventually() {}

    /** Returns once {@code condition} holds; fails after {@code timeout} naming {@code what}. */
    public static void await(String what, Duration timeout, Condition condition) {
        await(what, timeout, condition::holds, Boolean::booleanValue);
    }

    /**
     * Returns the first value of {@code probe} that {@code done} accepts; fails after {@code timeout} naming
     * {@code what} and the last value probed.
     */
    public static <T> T await(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value;
            try {
                value = probe.call();
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new AssertionError("waiting for " + what + ": " + e, e);
            }
            if (done.test(value)) return value;
            if (System.nanoTime() - end >= 0)
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + "; last seen: " + value);
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
