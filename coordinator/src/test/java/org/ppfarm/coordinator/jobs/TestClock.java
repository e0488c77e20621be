package org.ppfarm.coordinator.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that stands still until a test moves it. Thread-safe: the tracker reads it on its own thread. */
final class TestClock extends Clock {
    private final AtomicLong millis;

    TestClock(long startMillis) { this.millis = new AtomicLong(startMillis); }

    void advance(Duration d) { millis.addAndGet(d.toMillis()); }

    @Override
    public long millis() { return millis.get(); }

    @Override
    public Instant instant() { return Instant.ofEpochMilli(millis.get()); }

    @Override
    public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException("a test clock is UTC"); }
}
