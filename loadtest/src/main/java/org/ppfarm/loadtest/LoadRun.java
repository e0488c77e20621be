package org.ppfarm.loadtest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.loadtest.workload.RequestSource;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.SubmitBatchResult;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.Verifier;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * One campaign's load: sends requests on the schedule (open loop) or at a fixed concurrency (closed loop), each on a
 * virtual thread of its own, classifies and verifies what comes back, and records it. Bounded: at most
 * {@code max.in.flight} requests at once, each within {@code timeout} of its intended time, nothing sent after the
 * schedule, and {@link #run} returns only when every request it started has ended or been cancelled.
 *
 * <p>Outcomes: {@code succeeded} (a proof that verified, or was not in the verified sample), {@code invalid} (a proof
 * that did not verify, or whose public signals are not the request's), {@code failed:CODE}, {@code cancelled},
 * {@code expired} (the job's status), {@code grpc:CODE} (the call's status), {@code lost} (with submit-watch: a job the
 * farm accepted that had no terminal state when the drain ended), {@code unfinished} (an aborted campaign's job the farm
 * still held). Duplicated results are counted beside them.
 */
public final class LoadRun {
    private static final long SECOND = 1_000_000_000L;

    private final LoadSettings s;
    private final FarmClient client;
    private final WeightedMix<RequestSource> mix;
    private final WeightedMix<Priority> priorities;
    private final Recorder rec;
    private final Semaphore inFlight;
    private final AtomicInteger inFlightCount = new AtomicInteger();
    private final Semaphore verifiers = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> jobIds = new ConcurrentHashMap<>();
    /** submit-watch: jobs accepted and not yet ended, by request index. */
    private final Map<Long, Accepted> accepted = new ConcurrentHashMap<>();
    private final AtomicLong lastProgress = new AtomicLong();
    private final AtomicLong index = new AtomicLong();
    private volatile boolean stop;
    private volatile String abortReason;
    private volatile int failedStep = -1;
    private int decidedSteps;
    /** The capacity search's refinement steps decided so far, by rate (step {@code schedule.steps() + i}). */
    private final List<Double> refined = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long start;
    private boolean announced;
    /** While the warm-up's requests are awaited ({@link #settle}): the abort clock starts after it. */
    private volatile boolean settling;

    private record Accepted(String jobId, long intended, long sent, long acceptedAt, int step, RequestSource.Generated generated, long index) {}

    public LoadRun(LoadSettings s, FarmClient client, WeightedMix<RequestSource> mix, Recorder rec) {
        this.s = s;
        this.client = client;
        this.mix = mix;
        this.priorities = new WeightedMix<>(List.copyOf(s.priorities().keySet()), List.copyOf(s.priorities().values()));
        this.rec = rec;
        this.inFlight = new Semaphore(s.maxInFlight());
    }

    /**
     * System.nanoTime() at the start of the measured run: after the warm-up, and in open loop {@code lead.in} after
     * the warm-up's requests have ended (at most as long again as the warm-up after it; {@link #settle}); set by
     * {@link #run}.
     */
    public long start() { return start; }

    /** Why the campaign stopped early (the farm unreachable or failing), or null. */
    public String abortReason() { return abortReason; }

    /** The capacity search's first step whose p99 exceeded the SLO (it stopped the run there), or -1. */
    public int failedStep() { return failedStep; }

    /**
     * The rates of the capacity search's refinement steps that were decided ({@code refine.steps}), in order; the
     * recorder knows step {@code i} of them as step {@code schedule.steps() + i}.
     */
    public List<Double> refined() { return List.copyOf(refined); }

    /** Ends the schedule early (the capacity search found its limit, or the user interrupted). */
    public void stop() { stop = true; }

    /**
     * Runs the warm-up and the schedule, then drains. {@code startedAt} is told the measured run's start before any
     * measured request is sent (for the scraper and the fault events).
     */
    public void run(LongConsumer startedAt, PrintWriter progress) throws InterruptedException {
        long warm = s.warmup().toNanos();
        long base = System.nanoTime();
        start = base + warm;
        // the abort clock starts after the warm-up: a cold farm's first proofs (circuit compiled, key tables built)
        // may take longer than abort.after, and the warm-up is there to absorb them
        lastProgress.set(start);
        if (s.closedLoop() || warm == 0) announce(startedAt);
        Thread monitor = Thread.ofPlatform().daemon().name("ppfarm-load-monitor").start(() -> monitor(progress));
        try {
            if (s.closedLoop()) closedLoop(warm, base);
            else openLoop(warm, base, startedAt);
            announce(startedAt);   // stopped during the warm-up
            drain(start + s.schedule().duration().toNanos());
        } finally {
            stop = true;
            monitor.interrupt();
            monitor.join(2000);
        }
    }

    private void openLoop(long warm, long base, LongConsumer startedAt) throws InterruptedException {
        Schedule.Arrivals warmup = warm > 0 ? Schedule.constant(s.warmupRate(), s.warmup()).arrivals(s.poisson(), s.seed() - 1) : null;
        Schedule.Arrivals arrivals = s.schedule().arrivals(s.poisson(), s.seed());
        List<long[]> batch = new ArrayList<>();
        boolean warming = warmup != null;
        while (!stop && !refining()) {
            long t = warming ? warmup.next() : arrivals.next();
            if (t < 0) {
                if (warming) {
                    warming = false;
                    flush(batch);
                    settle(startedAt);
                    if (!leadIn(batch)) break;
                    continue;
                }
                break;
            }
            long intended = (warming ? base : start) + t;
            if (!send(intended, s.schedule().step(Math.max(0, intended - start)), batch)) break;
        }
        flush(batch);
        if (refining()) refine(batch);
    }

    /**
     * The end of an open loop's warm-up: waits for the warm-up's requests to end, at most as long again as the
     * warm-up (and {@code drain}), and starts the measured run then if that is later than planned. Near a farm's
     * capacity, the queue a cold farm built in its first seconds (the circuit compiled, the key's tables built) can
     * outlast the warm-up, and the first step would be judged on the warm-up's backlog instead of its own rate
     * (session 15: a 4.5 s p99 at 1.3 withdraw jobs/s after 120 s of warm-up). A warm-up request still in flight
     * after that ends unrecorded. The measured run then starts {@code lead.in} later ({@link #leadIn}).
     */
    private void settle(LongConsumer startedAt) throws InterruptedException {
        settling = true;
        try {
            awaitNoneInFlight(System.nanoTime() + Math.min(s.warmup().toNanos(), s.drain().toNanos()));
            long now = System.nanoTime();
            start = Math.max(start, now) + s.leadIn().toNanos();
            lastProgress.accumulateAndGet(now, Math::max);
        } finally {
            settling = false;
        }
        announce(startedAt);
    }

    /**
     * The lead-in between the settle and the measured run: the first rate for {@code lead.in}, unrecorded, its last
     * arrival one gap before the measured run's first. Without it the measured run's first requests met a farm that
     * had just emptied its queue and sat idle, with the JIT compiling on the cores it had left (session 16: a capacity
     * search's first step failed on its first two requests, 1.3 and 1.1 s against every other one's ≤ 1.0 s, a C2
     * thread at up to 30 % of a core beside them). False if the campaign was stopped meanwhile.
     */
    private boolean leadIn(List<long[]> batch) throws InterruptedException {
        if (s.leadIn().isZero()) return true;
        Schedule.Arrivals arrivals = Schedule.constant(s.schedule().rateAt(0), s.leadIn()).arrivals(s.poisson(), s.seed() - 2);
        return sendAll(arrivals, start - s.leadIn().toNanos(), 0, batch);
    }

    /**
     * Sends every one of {@code arrivals}, each at {@code from} plus its time, counted in {@code step}, then launches
     * the batch left over; false if the campaign was stopped meanwhile.
     */
    private boolean sendAll(Schedule.Arrivals arrivals, long from, int step, List<long[]> batch) throws InterruptedException {
        boolean sent = true;
        for (long t; sent && (t = arrivals.next()) >= 0; ) sent = send(from + t, step, batch);
        flush(batch);
        return sent;
    }

    /** Waits until no request is in flight, {@code until} (System.nanoTime()) passes or the campaign stops. */
    private void awaitNoneInFlight(long until) throws InterruptedException {
        while (inFlightCount.get() > 0 && System.nanoTime() < until && !stop) Thread.sleep(20);
    }

    /** Tells {@code startedAt} the measured run's start, once. */
    private void announce(LongConsumer startedAt) {
        if (announced) return;
        announced = true;
        startedAt.accept(start);
    }

    /** Launches the requests {@code batch} holds, if any (a batch cut short by a step's or the schedule's end). */
    private void flush(List<long[]> batch) throws InterruptedException {
        if (batch.isEmpty()) return;
        launchBatch(List.copyOf(batch));
        batch.clear();
    }

    /**
     * Sends one request at its intended time, counted in {@code step} (a batch: once {@code batch} is full); false if
     * the campaign was stopped meanwhile.
     */
    private boolean send(long intended, int step, List<long[]> batch) throws InterruptedException {
        long wait;
        while ((wait = intended - System.nanoTime()) > 0 && !stop) LockSupport.parkNanos(Math.min(wait, 50_000_000L));
        if (stop) return false;
        rec.offered(intended - start, step);
        if (s.api() == LoadSettings.Api.BATCH) {
            batch.add(new long[] {index.getAndIncrement(), intended, step});
            if (batch.size() >= s.batchSize()) flush(batch);
        } else {
            long i = index.getAndIncrement();
            acquire(1);
            spawn(() -> single(i, intended, step));
        }
        return true;
    }

    /** Whether the capacity search's steps are over and its refinement is due: a step failed, and one before it held. */
    private boolean refining() { return s.refineSteps() > 0 && failedStep > 0; }

    /**
     * The capacity search's refinement: {@code refine.steps} more steps, each at the rate halfway between the highest
     * that held and the lowest that did not, so the capacity is placed within {@code step.rate / 2^refine.steps}
     * instead of {@code step.rate}. Before each, the farm drains the queue the failed rate left (every request ended, at
     * most {@code drain}), so a step is judged on its own rate; each is decided as the steps are, once its last
     * request is older than the SLO's limit.
     */
    private void refine(List<long[]> batch) throws InterruptedException {
        Slo slo = s.slos().getFirst();
        double held = s.schedule().stepRateOf(failedStep - 1), failed = s.schedule().stepRateOf(failedStep);
        long length = s.schedule().stepDuration().toNanos();
        for (int i = 0; i < s.refineSteps() && !stop; i++) {
            awaitNoneInFlight(System.nanoTime() + s.drain().toNanos());
            double rate = (held + failed) / 2;
            int step = s.schedule().steps() + i;
            long t0 = System.nanoTime();
            sendAll(Schedule.constant(rate, s.schedule().stepDuration()).arrivals(s.poisson(), s.seed() + 1 + i), t0, step, batch);
            long decided = t0 + length + slo.limit().toNanos();
            for (long wait; (wait = decided - System.nanoTime()) > 0 && !stop; ) LockSupport.parkNanos(Math.min(wait, 50_000_000L));
            if (stop) break;
            if (Report.stepHeld(rec.snapshot(), step, slo)) held = rate;
            else failed = rate;
            refined.add(rate);
        }
    }

    private void launchBatch(List<long[]> items) throws InterruptedException {
        acquire(items.size());
        spawn(() -> batch(items));
    }

    private void closedLoop(long warm, long base) throws InterruptedException {
        long end = start + s.schedule().duration().toNanos();
        int n = s.api() == LoadSettings.Api.BATCH ? s.batchSize() : 1;
        List<Thread> loops = new ArrayList<>();
        for (int c = 0; c < s.concurrency(); c++)
            loops.add(Thread.ofVirtual().name("ppfarm-load-loop-" + c).start(() -> {
                try {
                    for (long now; !stop && (now = System.nanoTime()) < end; ) {
                        List<long[]> items = new ArrayList<>();
                        for (int k = 0; k < n; k++) {
                            rec.offered(now - start, 0);
                            items.add(new long[] {index.getAndIncrement(), now, 0});
                        }
                        acquire(n);
                        if (n == 1) single(items.getFirst()[0], now, 0);
                        else batch(items);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        for (Thread t : loops) {
            t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000 + s.drain().toMillis() + 5000));
            t.interrupt();
        }
    }

    private void acquire(int n) throws InterruptedException {
        inFlight.acquire(n);
        inFlightCount.addAndGet(n);
    }

    private void release(int n) {
        inFlightCount.addAndGet(-n);
        inFlight.release(n);
    }

    private void spawn(Runnable r) {
        Thread t = Thread.ofVirtual().unstarted(() -> {
            try {
                r.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(t);
        t.start();
    }

    /** One request through Prove or Submit+Watch. */
    private void single(long i, long intended, int step) {
        try {
            RequestSource source = mix.pick(s.seed(), i);
            RequestSource.Generated g = source.generate(s.seed(), i);
            SubmitRequest request = shaped(g, i, intended);
            long sent = System.nanoTime();
            rec.sent(intended - start, sent - start, inFlightCount.get());
            Duration left = Duration.ofNanos(intended + s.timeout().toNanos() - sent);
            if (left.isNegative() || left.isZero()) {
                end(intended, sent, 0, step, "grpc:DEADLINE_EXCEEDED", null, source, g, i);
                return;
            }
            if (s.api() == LoadSettings.Api.PROVE) {
                try {
                    Job j = client.prove(request, left);
                    end(intended, sent, 0, step, null, j, source, g, i);
                } catch (FarmException e) {
                    end(intended, sent, 0, step, "grpc:" + e.code(), null, source, g, i);
                }
            } else {
                submitAndWatch(i, intended, sent, step, source, g, request, left);
            }
        } catch (RuntimeException e) {
            // a tool error (not the farm's answer): count it, never lose the request silently
            rec.ended(new Recorder.Ended(intended - start, intended - start, System.nanoTime() - start, 0, step,
                    "tool:" + e.getClass().getSimpleName(), null, null));
        } finally {
            release(1);
        }
    }

    private void submitAndWatch(long i, long intended, long sent, int step, RequestSource source, RequestSource.Generated g,
                                SubmitRequest request, Duration left) {
        String jobId;
        long acceptedAt;
        try {
            jobId = client.submit(request, left).getJobId();
            acceptedAt = System.nanoTime();
        } catch (FarmException e) {
            end(intended, sent, 0, step, "grpc:" + e.code(), null, source, g, i);
            return;
        }
        noteJobId(jobId, i);
        accepted.put(i, new Accepted(jobId, intended, sent, acceptedAt, step, g, i));
        Job terminal = null;
        int terminals = 0;
        try (Stream<Job> states = client.watch(jobId)) {
            var canceller = java.util.concurrent.CompletableFuture.delayedExecutor(
                    Math.max(1, intended + s.timeout().toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
            var timer = java.util.concurrent.CompletableFuture.runAsync(() -> { }, canceller).thenRun(states::close);
            try {
                for (var it = states.iterator(); it.hasNext(); ) {
                    Job j = it.next();
                    if (terminal(j.getStatus())) {
                        if (terminal == null) terminal = j;
                        else if (!j.equals(terminal)) terminals++;
                    }
                }
            } finally {
                timer.cancel(false);
            }
        } catch (FarmException e) {
            // the watch broke for good or was closed at the request's deadline: the final reckoning decides
        }
        if (terminals > 0) rec.duplicated();
        if (terminal != null && accepted.remove(i) != null) end(intended, sent, acceptedAt, step, null, terminal, source, g, i);
    }

    /** One SubmitBatch call waiting for its jobs' results. */
    private void batch(List<long[]> items) {
        long sent = System.nanoTime();
        List<SubmitRequest> reqs = new ArrayList<>();
        List<RequestSource> sources = new ArrayList<>();
        List<RequestSource.Generated> gens = new ArrayList<>();
        try {
            for (long[] it : items) {
                RequestSource src = mix.pick(s.seed(), it[0]);
                RequestSource.Generated g = src.generate(s.seed(), it[0]);
                sources.add(src);
                gens.add(g);
                reqs.add(shaped(g, it[0], it[1]));
                rec.sent(it[1] - start, System.nanoTime() - start, inFlightCount.get());
            }
            sent = System.nanoTime();
            Duration left = Duration.ofNanos(Math.max(1_000_000, items.getFirst()[1] + s.timeout().toNanos() - sent));
            List<SubmitBatchResult> results;
            try {
                results = client.submitBatch(reqs, true, left).getResultsList();
            } catch (FarmException e) {
                for (int k = 0; k < items.size(); k++)
                    end(items.get(k)[1], sent, 0, (int) items.get(k)[2], "grpc:" + e.code(), null, sources.get(k), gens.get(k), items.get(k)[0]);
                return;
            }
            for (int k = 0; k < items.size(); k++) {
                long[] it = items.get(k);
                SubmitBatchResult r = k < results.size() ? results.get(k) : null;
                if (r == null) end(it[1], sent, 0, (int) it[2], "grpc:INTERNAL", null, sources.get(k), gens.get(k), it[0]);
                else if (r.hasError()) end(it[1], sent, 0, (int) it[2], "refused:" + Status.fromCodeValue(r.getError().getCode()).getCode(),
                        null, sources.get(k), gens.get(k), it[0]);
                else {
                    noteJobId(r.getSubmitted().getJobId(), it[0]);
                    end(it[1], sent, 0, (int) it[2], null, r.getJob(), sources.get(k), gens.get(k), it[0]);
                }
            }
        } catch (RuntimeException e) {
            for (long[] it : items)
                rec.ended(new Recorder.Ended(it[1] - start, sent - start, System.nanoTime() - start, 0, (int) it[2],
                        "tool:" + e.getClass().getSimpleName(), null, null));
        } finally {
            release(items.size());
        }
    }

    /**
     * The request as sent: the source's, with request {@code i}'s priority from the priority mix (salted apart from
     * the circuit mix) and, when {@code deadline} is set, the job's deadline that long after its intended send time.
     */
    private SubmitRequest shaped(RequestSource.Generated g, long i, long intended) {
        SubmitRequest.Builder b = g.request().toBuilder().setPriority(priorities.pick(~s.seed(), i));
        if (!s.deadline().isZero()) {
            Instant at = Instant.now().plusNanos(intended + s.deadline().toNanos() - System.nanoTime());
            b.setDeadline(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
        }
        return b.build();
    }

    private void noteJobId(String jobId, long i) {
        Long prev = jobIds.putIfAbsent(jobId, i);
        if (prev != null && prev != i) rec.duplicated();
    }

    private static boolean terminal(JobStatus st) {
        return st == JobStatus.JOB_STATUS_SUCCEEDED || st == JobStatus.JOB_STATUS_FAILED
                || st == JobStatus.JOB_STATUS_CANCELLED || st == JobStatus.JOB_STATUS_EXPIRED;
    }

    /** Records request {@code i}'s end: the given outcome, or its job's, verifying the proof when sampled. */
    private void end(long intended, long sent, long acceptedAt, int step, String outcome, Job job,
                     RequestSource source, RequestSource.Generated g, long i) {
        long end = System.nanoTime();
        Boolean valid = null;
        if (outcome == null) {
            outcome = switch (job.getStatus()) {
                case JOB_STATUS_SUCCEEDED -> Recorder.SUCCEEDED;
                case JOB_STATUS_FAILED -> "failed:" + Status.fromCodeValue(job.getError().getCode()).getCode();
                case JOB_STATUS_CANCELLED -> "cancelled";
                case JOB_STATUS_EXPIRED -> "expired";
                default -> Recorder.UNFINISHED;
            };
            if (outcome.equals(Recorder.SUCCEEDED) && sampled(i)) {
                valid = verify(job, source, g.expectedPublic());
                if (!valid) outcome = Recorder.INVALID;
            }
        }
        if (outcome.equals(Recorder.SUCCEEDED)) lastProgress.accumulateAndGet(end, Math::max);
        rec.ended(new Recorder.Ended(intended - start, sent - start, end - start, acceptedAt == 0 ? 0 : acceptedAt - start,
                step, outcome, job == null || !job.hasResult() ? null : job.getResult().getTimings(), valid));
    }

    private boolean sampled(long i) {
        double f = s.verifySample();
        return f >= 1 || (f > 0 && (WeightedMix.mix(i ^ 0x5DEECE66DL) >>> 11) * 0x1.0p-53 < f);
    }

    private boolean verify(Job job, RequestSource source, List<BigInteger> expected) {
        if (!job.hasResult()) return false;
        verifiers.acquireUninterruptibly();
        try {
            Proof proof = Proof.parseJson(job.getResult().getProofJson(), "proof");
            PublicSignals pub = PublicSignals.parseJson(job.getResult().getPublicJson(), "public");
            if (expected != null) {
                if (pub.size() != expected.size()) return false;
                for (int k = 0; k < expected.size(); k++) if (!pub.get(k).equals(expected.get(k))) return false;
            }
            return Verifier.verify(source.verifyingKey(), pub, proof);
        } catch (RuntimeException e) {
            return false; // a proof that does not even parse is invalid
        } finally {
            verifiers.release();
        }
    }

    /** Waits for requests in flight until {@code scheduleEnd + drain}, then settles submit-watch jobs and cancels the rest. */
    private void drain(long scheduleEnd) throws InterruptedException {
        long until = Math.max(scheduleEnd, System.nanoTime()) + s.drain().toNanos();
        while (inFlightCount.get() > 0 && System.nanoTime() < until && abortReason == null) Thread.sleep(20);
        // jobs the farm accepted whose watch ended without a terminal state: ask once more, then they are lost; but
        // when the campaign stopped early (abort), a job the farm still holds unfinished is not lost: the tool gave up
        long settleUntil = System.nanoTime() + 10 * SECOND;
        for (Accepted a : List.copyOf(accepted.values())) {
            if (accepted.remove(a.index()) == null) continue;
            Job j = null;
            if (System.nanoTime() < settleUntil) {
                try {
                    j = client.get(a.jobId());
                } catch (FarmException e) {
                    // unknown to the farm or unreachable: lost
                }
            }
            RequestSource src = mix.pick(s.seed(), a.index());
            if (j != null && terminal(j.getStatus())) end(a.intended(), a.sent(), a.acceptedAt(), a.step(), null, j, src, a.generated(), a.index());
            else {
                String outcome = j != null && abortReason != null ? Recorder.UNFINISHED : Recorder.LOST;
                end(a.intended(), a.sent(), a.acceptedAt(), a.step(), outcome, null, src, a.generated(), a.index());
                if (System.nanoTime() < settleUntil) {
                    try {
                        client.cancel(a.jobId()); // leave no load behind
                    } catch (FarmException ignored) {
                        // best effort: the farm is unreachable or has forgotten it
                    }
                }
            }
        }
        for (Thread t : List.copyOf(threads)) t.interrupt();
        for (Thread t : List.copyOf(threads)) t.join(2000);
    }

    /** Every second: the progress line; and the abort rule: nothing succeeded for abort.after while requests were out. */
    private void monitor(PrintWriter progress) {
        long last = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(200);
                long now = System.nanoTime();
                if (now - lastProgress.get() > s.abortAfter().toNanos() && (inFlightCount.get() > 0 || rec.snapshot().completed() > 0)
                        && abortReason == null && !settling) {
                    abortReason = "nothing succeeded for " + s.abortAfter().toSeconds() + " s (" + inFlightCount.get()
                            + " requests in flight): the farm is unreachable or failing";
                    stop = true;
                }
                if (s.stopOnSlo()) searchCapacity(now);
                if (now - last >= SECOND && progress != null) {
                    last = now;
                    progress.println(progressLine(now));
                    progress.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Capacity search: once a step has ended and its last request is older than the SLO's limit, each of its requests
     * has either ended under the limit or is known to be over it: the step held if enough ended under it. The first
     * step that did not hold ends the steps: the run stops, or refines ({@link #refine}) when a step before held.
     */
    private void searchCapacity(long now) {
        Slo slo = s.slos().getFirst();
        long step = s.schedule().stepDuration().toNanos();
        while (failedStep < 0 && decidedSteps < s.schedule().steps() && now >= start + (decidedSteps + 1) * step + slo.limit().toNanos()) {
            Recorder.Snapshot snap = rec.snapshot();
            if (!Report.stepHeld(snap, decidedSteps, slo)) {
                failedStep = decidedSteps;
                if (!refining()) stop = true;
            }
            decidedSteps++;
        }
    }

    private String progressLine(long now) {
        Recorder.Snapshot snap = rec.snapshot();
        double t = Math.max(1e-9, (now - start) / 1e9);
        var e2e = snap.stages().get("end_to_end");
        return String.format(java.util.Locale.ROOT, "ppfarm load: %5.0f s  offered %.1f/s  achieved %.1f/s  in flight %d  p50 %s  p99 %s  errors %d",
                t, snap.offered() / t, snap.succeeded() / t, inFlightCount.get(),
                e2e.getTotalCount() == 0 ? "-" : Report.ms(e2e.getValueAtPercentile(50)),
                e2e.getTotalCount() == 0 ? "-" : Report.ms(e2e.getValueAtPercentile(99)), snap.completed() - snap.succeeded());
    }

    /** The index of the next request: how many were started. */
    public long started() { return index.get(); }
}
