package org.ppfarm.coordinator.grpc;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One kind of log line that clients can cause, written at most once per interval: a client sending thousands of bad
 * requests a second must not be able to fill the coordinator's log (issue 13, finding 4). The first occurrence is
 * written at once; later ones within the interval are only counted, and the next line written says how many were
 * left out. Lines carry no stack trace and nothing the client sent.
 *
 * <p>Thread-safe and lock-free; a race may at worst write two lines in one interval.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Writes {@code line} as a warning, unless a line of this kind was written less than an interval ago. */
    void warn(String line) {
        String l = due(line);
        if (l != null) log.warn(l);
    }

    /** Writes {@code line} as an error with {@code cause}'s stack trace (a bug, not a bad request), rate-limited alike. */
    void error(String line, Throwable cause) {
        String l = due(line);
        if (l != null) log.error(l, cause);
    }

    /** The line to write now (with the count of those left out since the last), or null to leave it out. */
    private String due(String line) {
        long now = System.nanoTime();
        long next = nextAt.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAt.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return null;
        }
        long left = suppressed.getAndSet(0);
        return left == 0 ? line : line + " (and " + left + " more since the last such line, not logged)";
    }
}
