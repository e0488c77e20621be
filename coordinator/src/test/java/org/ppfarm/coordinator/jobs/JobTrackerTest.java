package org.ppfarm.coordinator.jobs;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ProofResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracker on its own, with real timers: deadlines expire in order and are published once, finished jobs are
 * forgotten after the retention unless still needed, worker events are merged and reported once per batch, a result
 * notice answers listeners at once and leaves its state owed to the events topic's follower, and an idempotency key
 * is freed with the job that held it.
 */
class JobTrackerTest {
    private static final ActorTestKit kit = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(5);

    @AfterAll
    static void shutdown() { kit.shutdownTestKit(); }

    private static Job queued(String id, long deadlineMillis, String key) {
        Job.Builder b = Job.newBuilder().setJobId(id).setStatus(JobStatus.JOB_STATUS_QUEUED)
                .setSubmittedAt(Timestamps.fromMillis(System.currentTimeMillis())).setIdempotencyKey(key);
        if (deadlineMillis > 0) b.setDeadline(Timestamps.fromMillis(deadlineMillis));
        return b.build();
    }

    private static JobEvent started(String id) {
        return JobEvent.newBuilder().setJobId(id).setWorkerId("w1").setStarted(JobEvent.Started.getDefaultInstance())
                .setAt(Timestamps.fromMillis(System.currentTimeMillis())).build();
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

    private static Optional<Job> get(ActorRef<JobTracker.Command> tracker, String id) {
        TestProbe<Optional<Job>> r = kit.createTestProbe();
        tracker.tell(new JobTracker.Get(id, r.ref()));
        return r.expectMessageClass(Optional.class, WAIT);
    }

    private static List<String> enqueue(ActorRef<JobTracker.Command> tracker, Job job, JobListener watcher) {
        TestProbe<List<String>> r = kit.createTestProbe();
        tracker.tell(new JobTracker.Enqueue(List.of(job), Collections.singletonList(watcher), r.ref()));
        return r.expectMessageClass(List.class, WAIT);
    }

    @Test
    void deadlinesExpireInOrderAndArePublishedOnce() {
        List<Job> published = Collections.synchronizedList(new ArrayList<>());
        TestProbe<Job> publishedProbe = kit.createTestProbe();
        ActorRef<JobTracker.Command> tracker = kit.spawn(JobTracker.create(j -> {
            published.add(j);
            publishedProbe.ref().tell(j);
        }, Duration.ofMinutes(10)));
        long now = System.currentTimeMillis();
        // the later deadline first, so the one timer has to be re-armed for the earlier one
        tracker.tell(new JobTracker.Enqueue(List.of(queued("late", now + 300, ""), queued("done-in-time", now + 200, ""),
                queued("early", now + 150, "")), null, null));
        assertEquals(1, apply(tracker, succeeded("done-in-time", now)).size());

        Job first = publishedProbe.expectMessageClass(Job.class, WAIT);
        Job second = publishedProbe.expectMessageClass(Job.class, WAIT);
        publishedProbe.expectNoMessage(Duration.ofMillis(400));
        assertEquals(List.of("early", "late"), List.of(first.getJobId(), second.getJobId()));
        assertEquals(List.of(first, second), published);
        assertTrue(Timestamps.toMillis(first.getFinishedAt()) < Timestamps.toMillis(second.getDeadline()),
                "the earlier deadline waited for the later one");
        for (Job j : published) {
            assertEquals(JobStatus.JOB_STATUS_EXPIRED, j.getStatus());
            assertEquals(Status.Code.DEADLINE_EXCEEDED.value(), j.getError().getCode());
            assertTrue(j.getError().getMessage().contains("deadline"), j.getError().getMessage());
            assertTrue(Timestamps.toMillis(j.getFinishedAt()) >= Timestamps.toMillis(j.getDeadline()),
                    j.getJobId() + " expired before its deadline");
            assertEquals(Optional.of(j), get(tracker, j.getJobId()));
        }
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, get(tracker, "done-in-time").orElseThrow().getStatus());
    }

    @Test
    void finishedJobIsForgottenAfterRetentionWhileWatchedOneIsKept() {
        Duration retain = Duration.ofMillis(1000);
        ActorRef<JobTracker.Command> tracker = kit.spawn(JobTracker.create(j -> {}, retain));
        TestProbe<Job> updates = kit.createTestProbe();
        tracker.tell(new JobTracker.Learn(queued("done", 0, ""), null));
        tracker.tell(new JobTracker.Learn(queued("watched", 0, ""), updates.ref()::tell, null));
        assertEquals(JobStatus.JOB_STATUS_QUEUED, updates.expectMessageClass(Job.class, WAIT).getStatus());

        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, apply(tracker, succeeded("done", System.currentTimeMillis())).getFirst().getStatus());
        long finished = System.nanoTime();
        assertTrue(get(tracker, "done").isPresent(), "a finished job is kept for a while");

        TestProbe<Object> poll = kit.createTestProbe();
        poll.awaitAssert(WAIT, Duration.ofMillis(50), () -> {
            assertEquals(Optional.empty(), get(tracker, "done"));
            return null;
        });
        assertTrue(System.nanoTime() - finished >= retain.toNanos(), "forgotten before retainFinished");
        assertEquals(JobStatus.JOB_STATUS_QUEUED, get(tracker, "watched").orElseThrow().getStatus());
        updates.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void applyEventsRepliesOnceWithExactlyTheChangedStates() {
        ActorRef<JobTracker.Command> tracker = kit.spawn(JobTracker.create(j -> {}, Duration.ofMinutes(10)));
        TestProbe<Job> updates = kit.createTestProbe();
        tracker.tell(new JobTracker.Learn(queued("j", 0, ""), updates.ref()::tell, null));
        Job queued = updates.expectMessageClass(Job.class, WAIT);

        long at = System.currentTimeMillis();
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
        updates.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void noticeAnswersListenersAtOnceAndItsStateIsOwedToTheFollowerOnce() {
        ActorRef<JobTracker.Command> tracker = kit.spawn(JobTracker.create(j -> {}, Duration.ofMinutes(10)));
        TestProbe<Job> updates = kit.createTestProbe();
        tracker.tell(new JobTracker.Learn(queued("n", 0, ""), updates.ref()::tell, null));
        updates.expectMessageClass(Job.class, WAIT);

        long at = System.currentTimeMillis();
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
        updates.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void noticeOfAJobAlreadyFinishedThroughKafkaOwesNothing() {
        ActorRef<JobTracker.Command> tracker = kit.spawn(JobTracker.create(j -> {}, Duration.ofMinutes(10)));
        tracker.tell(new JobTracker.Learn(queued("k", 0, ""), null));
        long at = System.currentTimeMillis();
        Job done = apply(tracker, succeeded("k", at)).getFirst();
        tracker.tell(new JobTracker.Notice(succeeded("k", at + 1)));
        assertEquals(List.of(), apply(tracker, succeeded("k", at + 1)));
        assertEquals(done, get(tracker, "k").orElseThrow());
    }

    @Test
    void idempotencyKeyIsReleasedWhenItsHolderIsForgotten() {
        ActorRef<JobTracker.Command> tracker = kit.spawn(JobTracker.create(j -> {}, Duration.ofMillis(100)));
        assertEquals(List.of("first"), enqueue(tracker, queued("first", 0, "key-A"), null));

        // a replay is not recorded; its watcher is registered with the holder and told its state
        TestProbe<Job> replayWatcher = kit.createTestProbe();
        assertEquals(List.of("first"), enqueue(tracker, queued("replay", 0, "key-A"), replayWatcher.ref()::tell));
        assertEquals("first", replayWatcher.expectMessageClass(Job.class, WAIT).getJobId());
        assertEquals(Optional.empty(), get(tracker, "replay"));

        apply(tracker, succeeded("first", System.currentTimeMillis()));
        Job done = replayWatcher.expectMessageClass(Job.class, WAIT);
        assertEquals(List.of("first", JobStatus.JOB_STATUS_SUCCEEDED), List.of(done.getJobId(), done.getStatus()));

        TestProbe<Object> poll = kit.createTestProbe();
        poll.awaitAssert(WAIT, Duration.ofMillis(50), () -> {
            assertEquals(Optional.empty(), get(tracker, "first"));
            return null;
        });
        assertEquals(List.of("second"), enqueue(tracker, queued("second", 0, "key-A"), null));
        assertEquals(List.of("second"), enqueue(tracker, queued("second-replay", 0, "key-A"), null));
    }
}
