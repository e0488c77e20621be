package org.ppfarm.farm.jobs;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import org.junit.jupiter.api.Test;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobError;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.ProofResult;
import org.ppfarm.proto.v1.WebhookDelivery;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

class JobStatesTest {
    static final JobRecord RECORD = JobRecord.newBuilder().setJobId("j1")
            .setCircuit(Circuit.newBuilder().setName("commitment@1").setZkeySha256("aa".repeat(32)))
            .setPriority(Priority.PRIORITY_HIGH).setSubmittedAt(Timestamps.fromMillis(1_000))
            .setDeadline(Timestamps.fromMillis(9_000)).setIdempotencyKey("k1").setRequestDigest(ByteString.copyFromUtf8("d1")).build();

    static JobEvent started() {
        return started("w");
    }

    static JobEvent started(String worker) {
        return JobEvent.newBuilder().setJobId("j1").setWorkerId(worker).setStarted(JobEvent.Started.getDefaultInstance()).build();
    }

    static JobEvent succeeded(String worker, boolean withSubmission) {
        JobEvent.Builder b = JobEvent.newBuilder().setJobId("j1").setWorkerId(worker).setAt(Timestamps.fromMillis(2_000))
                .setSucceeded(ProofResult.newBuilder().setWorkerId(worker).setProofJson("{}"));
        if (withSubmission) b.setSubmission(JobStates.queued(RECORD));
        return b.build();
    }

    static Job apply(Job current, JobEvent e) {
        Job applied = JobStates.apply(current, e);
        assertEquals(JobStates.merge(current, JobStates.fromEvent(current, e)), applied, "apply is merge(fromEvent)");
        return applied;
    }

    @Test
    void queuedStateCarriesTheRecordsSubmissionFactsButNotItsInput() {
        Job q = JobStates.queued(RECORD);
        assertEquals(JobStatus.JOB_STATUS_QUEUED, q.getStatus());
        assertEquals("commitment@1", q.getCircuit().getName());
        assertEquals(Priority.PRIORITY_HIGH, q.getPriority());
        assertEquals(RECORD.getSubmittedAt(), q.getSubmittedAt());
        assertEquals(RECORD.getDeadline(), q.getDeadline());
        assertEquals("k1", q.getIdempotencyKey());
        assertEquals(RECORD.getRequestDigest(), q.getRequestDigest());
        assertFalse(q.hasResult());
    }

    @Test
    void aJobThatFinishesWithoutAStartedEventCountsOneAttempt() {
        Job done = apply(JobStates.queued(RECORD), succeeded("w", true));
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, done.getStatus());
        assertEquals(1, done.getAttempts());
        // with a started event first, the attempt is counted once, not twice
        Job running = apply(JobStates.queued(RECORD), started());
        assertEquals(1, running.getAttempts());
        assertEquals(1, apply(running, succeeded("w", true)).getAttempts());
    }

    @Test
    void attemptsCountTheDistinctWorkersThatStartedTheJob() {
        Job a = apply(JobStates.queued(RECORD), started("A"));
        assertEquals(a, apply(a, started("A")), "a redelivered started event of the same worker counts nothing");
        // A died; B took the job and finished it before reporting it running: B started it too
        Job done = apply(a, succeeded("B", true));
        assertEquals(List.of(2, List.of("A", "B")), List.of(done.getAttempts(), done.getStartedByList()));
        // B reported running, then its result: still two
        Job b = apply(apply(a, started("B")), succeeded("B", true));
        assertEquals(List.of(2, List.of("A", "B")), List.of(b.getAttempts(), b.getStartedByList()));
        // one worker, its started event, its result by notice and again through Kafka: one
        Job once = apply(apply(apply(JobStates.queued(RECORD), started("A")), succeeded("A", true)), succeeded("A", true));
        assertEquals(List.of(1, List.of("A")), List.of(once.getAttempts(), once.getStartedByList()));
    }

    @Test
    void coordinatorsThatLearntDifferentWorkersMergeTheirCounts() {
        Job seenHere = apply(JobStates.queued(RECORD), started("A")), seenThere = apply(JobStates.queued(RECORD), started("B"));
        Job merged = JobStates.merge(seenHere, seenThere);
        assertEquals(2, merged.getAttempts());
        assertEquals(java.util.Set.of("A", "B"), java.util.Set.copyOf(merged.getStartedByList()));
        assertEquals(merged, JobStates.merge(merged, seenThere), "merging what is known already changes nothing");
        // a state written before workers were recorded keeps its count
        Job legacy = JobStates.queued(RECORD).toBuilder().setStatus(JobStatus.JOB_STATUS_RUNNING).setAttempts(1).build();
        assertEquals(1, apply(legacy, succeeded("A", true)).getAttempts());
        // an event naming no worker (none is written today) counts nothing
        Job anonymous = apply(JobStates.queued(RECORD), JobEvent.newBuilder().setJobId("j1")
                .setStarted(JobEvent.Started.getDefaultInstance()).build());
        assertEquals(0, anonymous.getAttempts());
    }

    @Test
    void aRunningReportArrivingAfterTheResultChangesNothing() {
        Job done = apply(JobStates.queued(RECORD), succeeded("w", true));
        assertEquals(done, apply(done, started()));
    }

    @Test
    void anEventOnAFinalStateCopiesNothingButTheSubmissionFactsItLacks() {
        Job done = apply(JobStates.queued(RECORD), succeeded("w", true));
        assertSame(done, JobStates.apply(done, succeeded("other", true)), "a duplicate result: the same state, not a copy");
        Job bare = apply(null, succeeded("w", false));
        Job filled = apply(bare, succeeded("other", true));
        assertEquals("w", filled.getResult().getWorkerId(), "the first result stays");
        assertEquals("commitment@1", filled.getCircuit().getName(), "the facts it lacked are learnt");
    }

    @Test
    void aDuplicateResultChangesNothing() {
        Job done = apply(JobStates.queued(RECORD), succeeded("w", true));
        assertEquals(done, apply(done, succeeded("other", true)));
        Job failed = apply(done, JobEvent.newBuilder().setJobId("j1").setFailed(JobError.newBuilder().setCode(13)).build());
        assertEquals(done, failed);
    }

    @Test
    void aCoordinatorThatNeverSawTheJobRecordsItWholeFromTheTerminalEvent() {
        Job done = apply(null, succeeded("w", true));
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, done.getStatus());
        assertEquals("commitment@1", done.getCircuit().getName());
        assertEquals("k1", done.getIdempotencyKey());
        assertEquals(RECORD.getRequestDigest(), done.getRequestDigest());
        assertEquals(RECORD.getSubmittedAt(), done.getSubmittedAt());
        assertEquals(Priority.PRIORITY_HIGH, done.getPriority());
        assertEquals("w", done.getResult().getWorkerId());
        // an older worker's event without the facts still gives the result
        Job bare = apply(null, succeeded("w", false));
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, bare.getStatus());
        assertFalse(bare.hasCircuit());
    }

    @Test
    void aTerminalStateOutranksAQueuedRecordReplayedAfterIt() {
        Job done = apply(JobStates.queued(RECORD), succeeded("w", true));
        Job merged = JobStates.merge(done, JobStates.queued(RECORD));
        assertEquals(done, merged);
        assertSame(JobStatus.JOB_STATUS_SUCCEEDED, merged.getStatus());
    }

    /** A webhook's delivery is recorded after the job's final state: the further delivery wins, whichever arrives first. */
    @Test
    void aWebhooksDeliveryMovesOnAfterTheFinalState() {
        WebhookDelivery pending = WebhookDelivery.newBuilder().setUrl("https://h/x").setState(WebhookDelivery.State.STATE_PENDING).build();
        Job queued = JobStates.queued(RECORD).toBuilder().setWebhook(pending).build();
        Job done = apply(queued, succeeded("w", true));
        assertEquals(pending, done.getWebhook(), "the worker's event keeps the submission's webhook");
        Job delivered = done.toBuilder().setWebhook(pending.toBuilder().setState(WebhookDelivery.State.STATE_DELIVERED).setAttempts(2)).build();
        assertEquals(delivered, JobStates.merge(done, delivered));
        assertEquals(delivered, JobStates.merge(delivered, done), "a replayed pending record does not undo the delivery");
        assertEquals(pending, JobStates.merge(JobStates.queued(RECORD), queued).getWebhook());
    }
}
