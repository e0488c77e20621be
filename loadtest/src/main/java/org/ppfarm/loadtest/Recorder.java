package org.ppfarm.loadtest;

import org.HdrHistogram.Histogram;
import org.ppfarm.proto.v1.StageTimings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a campaign measured: a histogram per stage (microseconds, 3 significant digits, up to an hour), the outcome
 * of every request, a per-second time series and the fault events. Times are nanoseconds from the start of the
 * measured run (warm-up requests, intended before it, are not recorded). Thread-safe: every method is synchronized,
 * which costs nothing next to a proof.
 *
 * <p>The end-to-end histogram is corrected for coordinated omission: a request's latency runs from its intended send
 * time on the schedule, so a farm (or a tool) that stalls cannot hide the requests that should have been sent during
 * the stall. {@code end_to_end_uncorrected} runs from the moment it was actually sent, for comparison.
 */
public final class Recorder {
    /**
     * Stages, in report order: client-measured ones first, then the job's own StageTimings ({@code prove_wait}: its
     * witness ready, waiting for one of the worker's proving slots).
     */
    public static final List<String> STAGES = List.of("end_to_end", "end_to_end_uncorrected", "accepted", "queued", "witness",
            "prove_wait", "prove", "verify");
    public static final String SUCCEEDED = "succeeded";
    public static final String INVALID = "invalid";
    public static final String LOST = "lost";
    /** A job the farm still held, not finished, when the campaign stopped early (aborted): not lost, not measured. */
    public static final String UNFINISHED = "unfinished";

    private final Map<String, Histogram> stages = new LinkedHashMap<>();
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final List<Second> seconds = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final Map<Integer, Histogram> steps = new TreeMap<>();
    private final Map<Integer, Long> offeredBySteps = new TreeMap<>();
    private long offered, sent, completed, succeeded, duplicated, verified, unverified;
    private long lastCompletion = -1, lastSuccess = -1;

    public Recorder() {
        for (String s : STAGES) stages.put(s, histogram());
    }

    private static Histogram histogram() { return new Histogram(3_600_000_000L, 3); }

    /** One second of the run: counts by when things happened, latencies of requests that ended in it. */
    public static final class Second {
        public long offered, sent, succeeded, errors, inFlight;
        public final Histogram latency = histogram();
        /** Scraped from the farm's /metrics; NaN when not scraped this second. */
        public double queued = Double.NaN, busyProvers = Double.NaN, utilization = Double.NaN, lag = Double.NaN;
    }

    /** A fault event: its time, label and the exit code of its command. */
    public record Event(long atNanos, String name, int exitCode) {}

    /** A request's end, as measured. {@code step} is its intended time's step of the schedule. */
    public record Ended(long intended, long sent, long end, long acceptedAt, int step, String outcome, StageTimings timings,
                        Boolean verifiedValid) {}

    private Second second(long nanos) {
        int i = (int) Math.max(0, nanos / 1_000_000_000L);
        while (seconds.size() <= i) seconds.add(new Second());
        return seconds.get(i);
    }

    public synchronized void offered(long intended, int step) {
        if (intended < 0) return;
        offered++;
        second(intended).offered++;
        offeredBySteps.merge(step, 1L, Long::sum);
    }

    public synchronized void sent(long intended, long at, int inFlight) {
        if (intended < 0) return;
        sent++;
        Second s = second(at);
        s.sent++;
        s.inFlight = Math.max(s.inFlight, inFlight);
    }

    public synchronized void ended(Ended e) {
        if (e.intended < 0) return;
        completed++;
        outcomes.merge(e.outcome, 1L, Long::sum);
        Second s = second(e.end);
        long corrected = micros(e.end - e.intended);
        if (e.outcome.equals(SUCCEEDED)) {
            succeeded++;
            s.succeeded++;
            lastSuccess = Math.max(lastSuccess, e.end);
        } else {
            s.errors++;
        }
        lastCompletion = Math.max(lastCompletion, e.end);
        if (e.verifiedValid != null) verified++;
        else if (e.outcome.equals(SUCCEEDED)) unverified++;
        if (e.outcome.equals(LOST) || e.outcome.equals(UNFINISHED)) return; // no end to measure
        stages.get("end_to_end").recordValue(corrected);
        stages.get("end_to_end_uncorrected").recordValue(micros(e.end - e.sent));
        s.latency.recordValue(corrected);
        // a step holds its SLO by requests that succeeded in time: one that failed fast must not count as held
        if (e.outcome.equals(SUCCEEDED)) steps.computeIfAbsent(e.step, k -> histogram()).recordValue(corrected);
        if (e.acceptedAt > 0) stages.get("accepted").recordValue(micros(e.acceptedAt - e.intended));
        if (e.timings != null && e.outcome.equals(SUCCEEDED)) {
            stages.get("queued").recordValue(Math.max(1, e.timings.getQueuedMicros()));
            stages.get("witness").recordValue(Math.max(1, e.timings.getWitnessMicros()));
            stages.get("prove_wait").recordValue(Math.max(0, e.timings.getProveWaitMicros()));   // 0: a slot was free
            stages.get("prove").recordValue(Math.max(1, e.timings.getProveMicros()));
            stages.get("verify").recordValue(Math.max(1, e.timings.getVerifyMicros()));
        }
    }

    /** A request whose job was reported twice (the same job id for two requests, or two terminal states of one job). */
    public synchronized void duplicated() { duplicated++; }

    public synchronized void event(long at, String name, int exitCode) { events.add(new Event(at, name, exitCode)); }

    /** What the farm's /metrics said at {@code at}. */
    public synchronized void scraped(long at, double queued, double busyProvers, double utilization, double lag) {
        if (at < 0) return;
        Second s = second(at);
        s.queued = queued;
        s.busyProvers = busyProvers;
        s.utilization = utilization;
        s.lag = lag;
    }

    private static long micros(long nanos) { return Math.max(1, Math.min(3_600_000_000L, nanos / 1000)); }

    /** A consistent copy of everything recorded so far. */
    public synchronized Snapshot snapshot() {
        Map<String, Histogram> st = new LinkedHashMap<>();
        stages.forEach((k, v) -> st.put(k, v.copy()));
        Map<Integer, Histogram> sp = new TreeMap<>();
        steps.forEach((k, v) -> sp.put(k, v.copy()));
        List<Second> secs = new ArrayList<>();
        for (Second s : seconds) {
            Second c = new Second();
            c.offered = s.offered; c.sent = s.sent; c.succeeded = s.succeeded; c.errors = s.errors; c.inFlight = s.inFlight;
            c.latency.add(s.latency);
            c.queued = s.queued; c.busyProvers = s.busyProvers; c.utilization = s.utilization; c.lag = s.lag;
            secs.add(c);
        }
        return new Snapshot(st, new TreeMap<>(outcomes), secs, List.copyOf(events), sp, new TreeMap<>(offeredBySteps), offered, sent,
                completed, succeeded, duplicated, verified, unverified, lastCompletion, lastSuccess);
    }

    /** Recorded figures at one instant; the histograms and seconds are copies. */
    public record Snapshot(Map<String, Histogram> stages, Map<String, Long> outcomes, List<Second> seconds, List<Event> events,
                           Map<Integer, Histogram> steps, Map<Integer, Long> offeredBySteps, long offered, long sent, long completed,
                           long succeeded, long duplicated, long verified, long unverified, long lastCompletion, long lastSuccess) {
        public long count(String outcome) { return outcomes.getOrDefault(outcome, 0L); }

        /** Requests that ended other than with a valid proof, plus duplicated results, over requests ended. */
        public double errorRate() {
            return completed == 0 ? 0 : (double) (completed - succeeded + duplicated) / completed;
        }
    }
}
