package org.ppfarm.coordinator.jobs;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.metrics.FarmMetrics;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.ProofResult;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracker on its own, on manual time: its clock and the actor system's scheduler move together when a test says
 * so, so deadlines and retention are checked to the millisecond without waiting for them. Deadlines expire in order
 * and are published once, finished jobs are forgotten after the retention (unfinished ones, watched or not, never),
 * worker events are merged and reported once per batch, a result notice answers listeners at once and leaves its state
 * owed to the events topic's follower, and an idempotency key is freed with the job that held it.
 */
class JobTrackerTest {
    private static final ActorTestKit kit = ActorTestKit.create(ManualTime.config());
    private static final ManualTime scheduler = ManualTime.get(kit.system());
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(100);

    /** The tracker's "now", moved only by {@link #advance}. */
    private final TestClock clock = new TestClock(1_750_000_000_000L);

    @AfterAll
    static void shutdown() { kit.shutdownTestKit(); }

    /** Moves the tracker's clock and the scheduler its timers run on by {@code d}, firing the timers now due. */
    private void advance(Duration d) {
        clock.advance(d);
        scheduler.timePasses(d);
    }

    private ActorRef<JobTracker.Command> tracker(Consumer<Job> publisher, Duration retain) {
        return kit.spawn(JobTracker.create(publisher, retain, clock, new QueuedJobs(), new UnfinishedJobs(), new UsageLedger()));
    }

    private Job queued(String id, long deadlineMillis, String key) {
        Job.Builder b = Job.newBuilder().setJobId(id).setStatus(JobStatus.JOB_STATUS_QUEUED)
                .setSubmittedAt(Timestamps.fromMillis(clock.millis())).setIdempotencyKey(key);
        if (deadlineMillis > 0) b.setDeadline(Timestamps.fromMillis(deadlineMillis));
        return b.build();
    }

    private JobEvent started(String id) {
        return JobEvent.newBuilder().setJobId(id).setWorkerId("w1").setStarted(JobEvent.Started.getDefaultInstance())
                .setAt(Timestamps.fromMillis(clock.millis())).build();
    }

    private static JobEvent succeeded(String id, long at) {
        return JobEvent.newBuilder().setJobId(id).setWorkerId("w1")
                .setSucceeded(ProofResult.newBuilder().setProofJson("{\"job\":\"" + id + "\"}")).setAt(Timestamps.fromMillis(at)).build();
    }

    private static List<Job> apply(ActorRef<JobTracker.Command> tracker, JobEvent... events) {
        TestProbe<List<Job>> r = kit.createTestProbe();
        tracker.tell(new JobTracker.ApplyEvents(List.of(events), r.ref()));
        return r.expectMessageClass(List.class, WAIT);
    }

    /** Asks for a job; as an ask, it also waits until the tracker has handled every message sent to it before. */
    private static Optional<Job> get(ActorRef<JobTracker.Command> tracker, String id) {
        TestProbe<Optional<Job>> r = kit.createTestProbe();
        tracker.tell(new JobTracker.Get(id, null, r.ref()));
        return r.expectMessageClass(Optional.class, WAIT);
    }

    private static List<JobTracker.Held> enqueue(ActorRef<JobTracker.Command> tracker, Job job, JobListener watcher) {
        TestProbe<List<JobTracker.Held>> r = kit.createTestProbe();
        tracker.tell(new JobTracker.Enqueue(List.of(job), Collections.singletonList(watcher), r.ref()));
        return r.expectMessageClass(List.class, WAIT);
    }

    /** The holder a job's key names when both were submitted with the same request. */
    private static JobTracker.Held held(String jobId) { return new JobTracker.Held(jobId, false, false); }

    /**
     * The state topic's records, in its order: another coordinator's are learnt (their idempotency keys too), and a
     * QUEUED record that lands after the job's terminal record — a retried write — makes the tracker write the
     * terminal state again, so compaction keeps the terminal one; in the usual order nothing is written.
     */
    @Test
    void stateRecordsAreLearntAndAQueuedRecordAfterTheTerminalOneIsRepaired() {
        TestProbe<Job> publishedProbe = kit.createTestProbe();
        ActorRef<JobTracker.Command> tracker = tracker(publishedProbe.ref()::tell, Duration.ofMinutes(10));
        Job other = queued("from-b", 0, "key-b");
        tracker.tell(new JobTracker.Recorded("from-b", JobStatus.JOB_STATUS_QUEUED, other));
        assertEquals(Optional.of(other), get(tracker, "from-b"));
        assertEquals(List.of(new JobTracker.Held("from-b", false, false)), enqueue(tracker, queued("retry-here", 0, "key-b"), null),
                "a key another coordinator gave out holds here");

        // the usual order: QUEUED (this coordinator's own write), then the terminal state
        tracker.tell(new JobTracker.Enqueue(List.of(queued("ordered", 0, ""), queued("inverted", 0, "")), null, null));
        tracker.tell(new JobTracker.Recorded("ordered", JobStatus.JOB_STATUS_QUEUED, null));
        List<Job> done = apply(tracker, succeeded("ordered", clock.millis()), succeeded("inverted", clock.millis()));
        assertEquals(2, done.size());
        tracker.tell(new JobTracker.Recorded("ordered", JobStatus.JOB_STATUS_SUCCEEDED, null));
        publishedProbe.expectNoMessage(QUIET);

        // the terminal record first, then the job's QUEUED record (its write was retried)
        tracker.tell(new JobTracker.Recorded("inverted", JobStatus.JOB_STATUS_SUCCEEDED, null));
        tracker.tell(new JobTracker.Recorded("inverted", JobStatus.JOB_STATUS_QUEUED, null));
        Job rewritten = publishedProbe.expectMessageClass(Job.class, WAIT);
        assertEquals("inverted", rewritten.getJobId());
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, rewritten.getStatus());
        assertEquals(get(tracker, "inverted").orElseThrow(), rewritten);
        publishedProbe.expectNoMessage(QUIET);
    }

    /** A cancel says whether a worker was proving the job; that worker's later result changes nothing. */
    @Test
    void cancelTellsWhetherTheJobWasProvingAndItsLateResultIsDiscarded() {
        ActorRef<JobTracker.Command> tracker = tracker(j -> { }, Duration.ofMinutes(10));
        tracker.tell(new JobTracker.Enqueue(List.of(queued("waiting", 0, ""), queued("proving", 0, "")), null, null));
        apply(tracker, started("proving"));
        for (String id : List.of("waiting", "proving")) {
            TestProbe<Optional<JobTracker.CancelOutcome>> r = kit.createTestProbe();
            tracker.tell(new JobTracker.Cancel(id, null, r.ref()));
            @SuppressWarnings("unchecked")
            Optional<JobTracker.CancelOutcome> reply = r.expectMessageClass(Optional.class, WAIT);
            JobTracker.CancelOutcome o = reply.orElseThrow();
            assertTrue(o.changed());
            assertEquals(JobStatus.JOB_STATUS_CANCELLED, o.job().getStatus());
            assertEquals(id.equals("waiting") ? "job waiting was cancelled before a worker started it"
                    : "job proving was cancelled while a worker proved it; its result is discarded", o.job().getError().getMessage());
        }
        assertTrue(apply(tracker, succeeded("proving", clock.millis())).isEmpty(), "the proving worker's result changes nothing");
        assertEquals(JobStatus.JOB_STATUS_CANCELLED, get(tracker, "proving").orElseThrow().getStatus());
    }

    @Test
    void deadlinesExpireInOrderAtTheirTimeAndArePublishedOnce() {
        List<Job> published = Collections.synchronizedList(new ArrayList<>());
        TestProbe<Job> publishedProbe = kit.createTestProbe();
        ActorRef<JobTracker.Command> tracker = tracker(j -> {
            published.add(j);
            publishedProbe.ref().tell(j);
        }, Duration.ofMinutes(10));
        long now = clock.millis();
        // the later deadline first, so the one timer has to be re-armed for the earlier one
        tracker.tell(new JobTracker.Enqueue(List.of(queued("late", now + 300, ""), queued("done-in-time", now + 200, ""),
                queued("early", now + 150, "")), null, null));
        assertEquals(1, apply(tracker, succeeded("done-in-time", now)).size());

        advance(Duration.ofMillis(149));
        publishedProbe.expectNoMessage(QUIET);
        advance(Duration.ofMillis(1));
        Job first = publishedProbe.expectMessageClass(Job.class, WAIT);
        assertEquals("early", first.getJobId());
        assertEquals(now + 150, Timestamps.toMillis(first.getFinishedAt()), "expired at its deadline, not before or after");

        advance(Duration.ofMillis(149));
        publishedProbe.expectNoMessage(QUIET);
        advance(Duration.ofMillis(1));
        Job second = publishedProbe.expectMessageClass(Job.class, WAIT);
        assertEquals("late", second.getJobId());
        assertEquals(now + 300, Timestamps.toMillis(second.getFinishedAt()));

        advance(Duration.ofMinutes(1));
        publishedProbe.expectNoMessage(QUIET);
        assertEquals(List.of(first, second), published);
        for (Job j : published) {
            assertEquals(JobStatus.JOB_STATUS_EXPIRED, j.getStatus());
            assertEquals(Status.Code.DEADLINE_EXCEEDED.value(), j.getError().getCode());
            assertTrue(j.getError().getMessage().contains("deadline"), j.getError().getMessage());
            assertEquals(Optional.of(j), get(tracker, j.getJobId()));
        }
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, get(tracker, "done-in-time").orElseThrow().getStatus());
    }

    /**
     * Retention counts from a job's finish: a finished job is forgotten once retainFinished has passed, and not a
     * millisecond before; an unfinished one is kept however long it waits, watched or not. A finished job's watcher
     * does not keep it: it was told the final state and dropped.
     */
    @Test
    void finishedJobsAreForgottenAfterRetentionAndUnfinishedOnesAreKept() {
        Duration retain = Duration.ofSeconds(30);
        ActorRef<JobTracker.Command> tracker = tracker(j -> {}, retain);
        TestProbe<Job> updates = kit.createTestProbe();
        tracker.tell(new JobTracker.Learn(queued("done", 0, ""), null));
        tracker.tell(new JobTracker.Learn(queued("watched", 0, ""), updates.ref()::tell, null));
        assertEquals(JobStatus.JOB_STATUS_QUEUED, updates.expectMessageClass(Job.class, WAIT).getStatus());

        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, apply(tracker, succeeded("done", clock.millis())).getFirst().getStatus());
        advance(retain.minusMillis(1));
        assertTrue(get(tracker, "done").isPresent(), "forgotten before retainFinished had passed");
        advance(Duration.ofSeconds(1)); // the sweep runs at most a second after the retention ends
        assertEquals(Optional.empty(), get(tracker, "done"), "kept past retainFinished");

        // unfinished and watched, ten retentions after it was learnt: kept, and its watcher heard nothing new
        advance(retain.multipliedBy(10));
        assertEquals(JobStatus.JOB_STATUS_QUEUED, get(tracker, "watched").orElseThrow().getStatus());
        updates.expectNoMessage(QUIET);

        long finishedAt = clock.millis();
        apply(tracker, succeeded("watched", finishedAt));
        Job told = updates.expectMessageClass(Job.class, WAIT);
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, told.getStatus());
        TestProbe<Job> late = kit.createTestProbe();
        tracker.tell(new JobTracker.Watch("watched", null, late.ref()::tell, kit.<Boolean>createTestProbe().ref()));
        assertEquals(told, late.expectMessageClass(Job.class, WAIT), "a watch of a finished job is answered with its final state");
        advance(retain.minusMillis(1));
        assertEquals(Optional.of(told), get(tracker, "watched"));
        advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), get(tracker, "watched"), "its watchers, told the final state, do not keep it");
        updates.expectNoMessage(QUIET);
        late.expectNoMessage(QUIET);
    }

    @Test
    void applyEventsRepliesOnceWithExactlyTheChangedStates() {
        ActorRef<JobTracker.Command> tracker = tracker(j -> {}, Duration.ofMinutes(10));
        TestProbe<Job> updates = kit.createTestProbe();
        tracker.tell(new JobTracker.Learn(queued("j", 0, ""), updates.ref()::tell, null));
        Job queued = updates.expectMessageClass(Job.class, WAIT);

        long at = clock.millis();
        List<Job> changed = apply(tracker, started("j"), succeeded("j", at), succeeded("j", at));
        assertEquals(2, changed.size(), changed.toString());
        assertEquals(JobStatus.JOB_STATUS_RUNNING, changed.get(0).getStatus());
        assertEquals(1, changed.get(0).getAttempts());
        assertEquals(queued.getSubmittedAt(), changed.get(0).getSubmittedAt());
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, changed.get(1).getStatus());
        assertEquals("{\"job\":\"j\"}", changed.get(1).getResult().getProofJson());
        assertEquals(at, Timestamps.toMillis(changed.get(1).getFinishedAt()));

        // the listener heard each change once, the last one final; then nothing more
        assertEquals(changed.get(0), updates.expectMessageClass(Job.class, WAIT));
        assertEquals(changed.get(1), updates.expectMessageClass(Job.class, WAIT));
        assertEquals(List.of(), apply(tracker, succeeded("j", at)));
        updates.expectNoMessage(QUIET);
    }

    @Test
    void noticeAnswersListenersAtOnceAndItsStateIsOwedToTheFollowerOnce() {
        ActorRef<JobTracker.Command> tracker = tracker(j -> {}, Duration.ofMinutes(10));
        TestProbe<Job> updates = kit.createTestProbe();
        tracker.tell(new JobTracker.Learn(queued("n", 0, ""), updates.ref()::tell, null));
        updates.expectMessageClass(Job.class, WAIT);

        long at = clock.millis();
        tracker.tell(new JobTracker.Notice(succeeded("n", at)));
        Job told = updates.expectMessageClass(Job.class, WAIT);
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, told.getStatus());
        assertEquals(1, told.getAttempts());

        // the worker's RUNNING report, still on its way through Kafka, changes nothing but carries the owed state
        assertEquals(List.of(told), apply(tracker, started("n")));
        // owed once: the terminal event's own Kafka copy then merges to nothing, as does a second notice
        assertEquals(List.of(), apply(tracker, succeeded("n", at)));
        tracker.tell(new JobTracker.Notice(succeeded("n", at + 5)));
        assertEquals(List.of(), apply(tracker, succeeded("n", at + 5)));
        assertEquals(told, get(tracker, "n").orElseThrow());
        updates.expectNoMessage(QUIET);
    }

    @Test
    void noticeOfAJobAlreadyFinishedThroughKafkaOwesNothing() {
        ActorRef<JobTracker.Command> tracker = tracker(j -> {}, Duration.ofMinutes(10));
        tracker.tell(new JobTracker.Learn(queued("k", 0, ""), null));
        long at = clock.millis();
        Job done = apply(tracker, succeeded("k", at)).getFirst();
        tracker.tell(new JobTracker.Notice(succeeded("k", at + 1)));
        assertEquals(List.of(), apply(tracker, succeeded("k", at + 1)));
        assertEquals(done, get(tracker, "k").orElseThrow());
    }

    @Test
    void idempotencyKeyIsReleasedWhenItsHolderIsForgotten() {
        Duration retain = Duration.ofMillis(100);
        ActorRef<JobTracker.Command> tracker = tracker(j -> {}, retain);
        assertEquals(List.of(held("first")), enqueue(tracker, queued("first", 0, "key-A"), null));

        // a replay is not recorded; its watcher is registered with the holder and told its state
        TestProbe<Job> replayWatcher = kit.createTestProbe();
        assertEquals(List.of(held("first")), enqueue(tracker, queued("replay", 0, "key-A"), replayWatcher.ref()::tell));
        assertEquals("first", replayWatcher.expectMessageClass(Job.class, WAIT).getJobId());
        assertEquals(Optional.empty(), get(tracker, "replay"));

        apply(tracker, succeeded("first", clock.millis()));
        Job done = replayWatcher.expectMessageClass(Job.class, WAIT);
        assertEquals(List.of("first", JobStatus.JOB_STATUS_SUCCEEDED), List.of(done.getJobId(), done.getStatus()));
        assertEquals(List.of(held("first")), enqueue(tracker, queued("too-soon", 0, "key-A"), null), "the finished holder keeps its key");

        advance(retain);
        assertEquals(Optional.empty(), get(tracker, "first"));
        assertEquals(List.of(held("second")), enqueue(tracker, queued("second", 0, "key-A"), null));
        assertEquals(List.of(held("second")), enqueue(tracker, queued("second-replay", 0, "key-A"), null));
    }

    private Job keyed(String id, String key, String request, long deadlineMillis) {
        return queued(id, deadlineMillis, key).toBuilder().setRequestDigest(ByteString.copyFromUtf8(request)).build();
    }

    /** A key held by a job submitted with another request is not a replay: the job is not recorded, nor its watcher. */
    @Test
    void keyReusedForAnotherRequestIsRefusedNotReplayed() {
        ActorRef<JobTracker.Command> tracker = tracker(j -> {}, Duration.ofMinutes(10));
        assertEquals(List.of(held("first")), enqueue(tracker, keyed("first", "key-B", "request-A", 0), null));
        TestProbe<Job> watcher = kit.createTestProbe();
        assertEquals(List.of(new JobTracker.Held("first", true, false)), enqueue(tracker, keyed("other", "key-B", "request-B", 0), watcher.ref()::tell));
        watcher.expectNoMessage(QUIET);
        assertEquals(Optional.empty(), get(tracker, "other"));
        assertEquals(List.of(held("first")), enqueue(tracker, keyed("replay", "key-B", "request-A", 0), null));
    }

    /**
     * A client-drawn job id (SubmitRequest.job_id, with a sealed input) that already names a job: the same tenant's
     * retry of the same keyed request finds it; any other submission under it — another request, another tenant, no
     * key — is refused and changes nothing. An id whose first write failed (forgotten) may be submitted again.
     */
    @Test
    void aClientDrawnIdThatNamesAJobIsAReplayOrRefused() {
        ActorRef<JobTracker.Command> tracker = tracker(j -> {}, Duration.ofMinutes(10));
        Job first = keyed("client-id", "key-D", "request", 0);
        assertEquals(List.of(held("client-id")), enqueue(tracker, first, null));
        assertEquals(List.of(new JobTracker.Held("client-id", false, true)), enqueue(tracker, first, null), "a retry");
        assertEquals(List.of(new JobTracker.Held("client-id", true, true)), enqueue(tracker, keyed("client-id", "key-D", "other", 0), null));
        assertEquals(List.of(new JobTracker.Held("client-id", true, true)), enqueue(tracker, keyed("client-id", "key-E", "request", 0), null));
        assertEquals(List.of(new JobTracker.Held("client-id", true, true)), enqueue(tracker, first.toBuilder().setTenant("mallory").build(), null));
        assertEquals(List.of(new JobTracker.Held("client-id", true, true)), enqueue(tracker, queued("client-id", 0, ""), null));
        assertEquals(Optional.of(first), get(tracker, "client-id"));

        tracker.tell(new JobTracker.Forget("client-id"));
        assertEquals(Optional.empty(), get(tracker, "client-id"));
        assertEquals(List.of(held("client-id")), enqueue(tracker, first, null), "submitted again after its write failed");
        assertEquals(Optional.of(first), get(tracker, "client-id"));
    }

    /**
     * A job the log never took is forgotten whole: its state, its deadline and its key (a retry under the key is a new
     * job); a worker's late report of it (it was offered) is dropped, not made into a job again.
     */
    @Test
    void aForgottenJobLeavesNoTrace() {
        List<Job> published = Collections.synchronizedList(new ArrayList<>());
        ActorRef<JobTracker.Command> tracker = tracker(published::add, Duration.ofMinutes(10));
        TestProbe<Job> watcher = kit.createTestProbe();
        assertEquals(List.of(held("lost")), enqueue(tracker, keyed("lost", "key-C", "request", clock.millis() + 100), watcher.ref()::tell));
        assertEquals("lost", watcher.expectMessageClass(Job.class, WAIT).getJobId());
        tracker.tell(new JobTracker.Forget("lost"));
        assertEquals(Optional.empty(), get(tracker, "lost"));

        tracker.tell(new JobTracker.Notice(succeeded("lost", clock.millis())));
        assertEquals(List.of(), apply(tracker, succeeded("lost", clock.millis())), "a late report of a forgotten job wrote a state");
        assertEquals(Optional.empty(), get(tracker, "lost"));
        watcher.expectNoMessage(QUIET);
        advance(Duration.ofMillis(200));
        assertEquals(Optional.empty(), get(tracker, "lost"));
        assertEquals(List.of(), published, "the forgotten job's deadline still fired");

        assertEquals(List.of(held("retry")), enqueue(tracker, keyed("retry", "key-C", "request", 0), null));
    }

    /**
     * The queue gauges as a scrape reads them follow each job: counted and aged from its submission while QUEUED, per
     * priority (UNSPECIFIED as normal), out of the queue once a worker starts it, cancelled, or forgotten; the age is
     * the oldest queued job's, and 0 when none is queued.
     */
    @Test
    void queueGaugesFollowSubmitStartAndFinish() {
        QueuedJobs queued = new QueuedJobs();
        PrometheusRegistry registry = new PrometheusRegistry();
        new FarmMetrics(registry).watch(queued, clock);
        ActorRef<JobTracker.Command> tracker = kit.spawn(JobTracker.create(j -> { }, Duration.ofMinutes(10), clock, queued, new UnfinishedJobs(), new UsageLedger()));
        assertEquals(Map.of("low", 0.0, "normal", 0.0, "high", 0.0), gauge(registry, "ppfarm_jobs_queued"));
        assertEquals(Map.of("low", 0.0, "normal", 0.0, "high", 0.0), gauge(registry, "ppfarm_jobs_oldest_queued_age_seconds"));

        enqueue(tracker, prioritised("h1", Priority.PRIORITY_HIGH), null);
        advance(Duration.ofSeconds(10));
        enqueue(tracker, prioritised("h2", Priority.PRIORITY_HIGH), null);
        enqueue(tracker, prioritised("n1", Priority.PRIORITY_UNSPECIFIED), null);
        advance(Duration.ofSeconds(5));
        assertEquals(Map.of("low", 0.0, "normal", 1.0, "high", 2.0), gauge(registry, "ppfarm_jobs_queued"));
        assertEquals(Map.of("low", 0.0, "normal", 5.0, "high", 15.0), gauge(registry, "ppfarm_jobs_oldest_queued_age_seconds"));

        // the oldest high job starts: the next one is the oldest now
        apply(tracker, started("h1"));
        assertEquals(Map.of("low", 0.0, "normal", 1.0, "high", 1.0), gauge(registry, "ppfarm_jobs_queued"));
        assertEquals(Map.of("low", 0.0, "normal", 5.0, "high", 5.0), gauge(registry, "ppfarm_jobs_oldest_queued_age_seconds"));

        // finished straight from the queue (a result notice before its RUNNING event), cancelled, forgotten
        apply(tracker, succeeded("h1", clock.millis()), succeeded("h2", clock.millis()));
        TestProbe<Optional<JobTracker.CancelOutcome>> cancelled = kit.createTestProbe();
        tracker.tell(new JobTracker.Cancel("n1", null, cancelled.ref()));
        cancelled.expectMessageClass(Optional.class, WAIT);
        enqueue(tracker, prioritised("l1", Priority.PRIORITY_LOW), null);
        advance(Duration.ofSeconds(2));
        assertEquals(Map.of("low", 1.0, "normal", 0.0, "high", 0.0), gauge(registry, "ppfarm_jobs_queued"));
        assertEquals(Map.of("low", 2.0, "normal", 0.0, "high", 0.0), gauge(registry, "ppfarm_jobs_oldest_queued_age_seconds"));
        tracker.tell(new JobTracker.Forget("l1"));
        get(tracker, "l1");
        assertEquals(Map.of("low", 0.0, "normal", 0.0, "high", 0.0), gauge(registry, "ppfarm_jobs_queued"));
        assertEquals(Map.of("low", 0.0, "normal", 0.0, "high", 0.0), gauge(registry, "ppfarm_jobs_oldest_queued_age_seconds"));
    }

    /**
     * The max_in_flight count follows each tenant's jobs from whichever source the tracker learns them — a submission
     * here, another coordinator's record from the state topic, a worker's event — down again at a terminal state, a
     * cancel and a forget.
     */
    @Test
    void unfinishedJobsAreCountedPerTenantUntilTheyFinish() {
        UnfinishedJobs unfinished = new UnfinishedJobs();
        ActorRef<JobTracker.Command> tracker = kit.spawn(JobTracker.create(j -> { }, Duration.ofMinutes(10), clock, new QueuedJobs(), unfinished, new UsageLedger()));
        enqueue(tracker, queued("a1", 0, "").toBuilder().setTenant("a").build(), null);
        enqueue(tracker, queued("a2", 0, "").toBuilder().setTenant("a").build(), null);
        tracker.tell(new JobTracker.Recorded("b1", JobStatus.JOB_STATUS_QUEUED, queued("b1", 0, "").toBuilder().setTenant("b").build()));
        // places an admission reserved are given back once the tracker counts the jobs themselves: counted once
        UnfinishedJobs.Reservation places = unfinished.reserve("a", 1, 3);
        assertEquals(3, unfinished.count("a"));
        tracker.tell(new JobTracker.Enqueue(List.of(queued("a3", 0, "").toBuilder().setTenant("a").build()), null, null, places));
        get(tracker, "a3");
        assertEquals(3, unfinished.count("a"));
        tracker.tell(new JobTracker.Cancel("a3", "a", kit.<Optional<JobTracker.CancelOutcome>>createTestProbe().ref()));
        get(tracker, "a3");
        apply(tracker, started("a1"));
        assertEquals(2, unfinished.count("a"));
        assertEquals(1, unfinished.count("b"));
        apply(tracker, succeeded("a1", clock.millis()));
        assertEquals(1, unfinished.count("a"));
        TestProbe<Optional<JobTracker.CancelOutcome>> cancelled = kit.createTestProbe();
        tracker.tell(new JobTracker.Cancel("a2", "a", cancelled.ref()));
        cancelled.expectMessageClass(Optional.class, WAIT);
        assertEquals(0, unfinished.count("a"));
        tracker.tell(new JobTracker.Forget("b1"));
        get(tracker, "b1");
        assertEquals(0, unfinished.count("b"));
    }

    /**
     * Usage is counted once per job as it first becomes terminal, from any source (a worker's event here, another
     * coordinator's record), by tenant, circuit and backend; cancelled jobs and repeated terminal states add nothing.
     * CPU seconds are the workers' measured CPU (more than the wall clock on several cores), GPU seconds a CUDA
     * backend's prove wall time, and the wall-clock seconds stay beside them.
     */
    @Test
    void usageCountsEachFinishedJobOncePerTenantCircuitAndBackend() {
        UsageLedger usage = new UsageLedger();
        ActorRef<JobTracker.Command> tracker = kit.spawn(JobTracker.create(j -> { }, Duration.ofMinutes(10), clock, new QueuedJobs(),
                new UnfinishedJobs(), usage));
        org.ppfarm.proto.v1.Circuit c = org.ppfarm.proto.v1.Circuit.newBuilder().setName("c@1").build();
        for (String id : List.of("u1", "u2", "u3", "u4"))
            enqueue(tracker, queued(id, 0, "").toBuilder().setTenant(id.equals("u4") ? "b" : "a").setCircuit(c).build(), null);
        JobEvent gpu = succeeded("u1", clock.millis()).toBuilder().setSucceeded(ProofResult.newBuilder().setBackend("cuda:0")
                .setTimings(org.ppfarm.proto.v1.StageTimings.newBuilder().setWitnessMicros(250_000).setProveMicros(1_500_000)
                        .setWitnessCpuMicros(200_000).setProveCpuMicros(300_000))).build();
        JobEvent failed = JobEvent.newBuilder().setJobId("u2").setWorkerId("w1").setAt(Timestamps.fromMillis(clock.millis()))
                .setFailed(org.ppfarm.proto.v1.JobError.newBuilder().setCode(Status.Code.INVALID_ARGUMENT.value())).build();
        apply(tracker, gpu, failed, gpu); // the repeated event adds nothing
        TestProbe<Optional<JobTracker.CancelOutcome>> cancelled = kit.createTestProbe();
        tracker.tell(new JobTracker.Cancel("u3", null, cancelled.ref()));
        cancelled.expectMessageClass(Optional.class, WAIT);
        Job doneElsewhere = queued("u4", 0, "").toBuilder().setTenant("b").setCircuit(c).setStatus(JobStatus.JOB_STATUS_SUCCEEDED)
                .setResult(ProofResult.newBuilder().setBackend("cpu").setTimings(org.ppfarm.proto.v1.StageTimings.newBuilder()
                        .setWitnessMicros(100_000).setProveMicros(2_000_000).setWitnessCpuMicros(90_000).setProveCpuMicros(3_500_000))).build();
        tracker.tell(new JobTracker.Recorded("u4", JobStatus.JOB_STATUS_SUCCEEDED, doneElsewhere));
        tracker.tell(new JobTracker.Recorded("u4", JobStatus.JOB_STATUS_SUCCEEDED, doneElsewhere));
        get(tracker, "u4");
        assertEquals(List.of(
                org.ppfarm.proto.v1.UsageRow.newBuilder().setTenant("a").setCircuit("c@1").setFailed(1).build(),
                org.ppfarm.proto.v1.UsageRow.newBuilder().setTenant("a").setCircuit("c@1").setBackend("cuda:0").setSucceeded(1)
                        .setWitnessSeconds(0.2).setProveCpuSeconds(0.3).setGpuSeconds(1.5).setWitnessWallSeconds(0.25).setProveWallSeconds(1.5).build(),
                org.ppfarm.proto.v1.UsageRow.newBuilder().setTenant("b").setCircuit("c@1").setBackend("cpu").setSucceeded(1)
                        .setWitnessSeconds(0.09).setProveCpuSeconds(3.5).setWitnessWallSeconds(0.1).setProveWallSeconds(2).build()), usage.rows(null));
        assertEquals(1, usage.rows("b").size());
        assertEquals(clock.millis(), usage.since());
    }

    private Job prioritised(String id, Priority priority) {
        return queued(id, 0, "").toBuilder().setPriority(priority).build();
    }

    /** A gauge's values by priority, as a scrape reads them. */
    private static Map<String, Double> gauge(PrometheusRegistry registry, String name) {
        GaugeSnapshot g = (GaugeSnapshot) registry.scrape(name::equals).stream().findFirst().orElseThrow();
        return g.getDataPoints().stream().collect(Collectors.toMap(d -> d.getLabels().get("priority"), GaugeSnapshot.GaugeDataPointSnapshot::getValue));
    }
}
