package org.ppfarm.coordinator.cluster;

import com.google.protobuf.util.Timestamps;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.jobs.InMemoryJobLog;
import org.ppfarm.coordinator.jobs.JobSubmitter;
import org.ppfarm.coordinator.jobs.SubmitterFixture;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobOffer;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.ProofResult;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.TopicPartitionRef;
import org.ppfarm.proto.v1.WorkerState;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator's side of a job offer, deterministically (no broker, no race with the record's Kafka copy): a new
 * job finds an idle worker in the {@link WorkerDirectory}, its record is written to a partition that worker owns, and
 * the worker's inbox gets exactly one {@link JobOffer} naming that topic and partition and carrying that record. A
 * claimed worker gets no second offer until it tells a newer idle state; with jobs pinned by circuit there are none.
 * (The worker's side — taking the offer and settling the record's Kafka copy — is the worker module's to test.)
 */
class JobOfferTest {
    private static final ActorTestKit kit = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String TOPIC = "offers.jobs.normal";

    @AfterAll
    static void shutdown() { kit.shutdownTestKit(); }

    private static WorkerState idle(long seq, int... partitions) {
        WorkerState.Builder b = WorkerState.newBuilder().setWorkerId("w1").setOfferInbox("inbox-w1").setSeq(seq).setIdle(true);
        for (int p : partitions) b.addPartitions(TopicPartitionRef.newBuilder().setTopic(TOPIC).setPartition(p));
        return b.build();
    }

    private static String submit(JobSubmitter submitter, long i) throws Exception {
        return submitter.submit("", SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment"))
                .setInputJson("{\"value\":\"" + i + "\",\"label\":\"77\",\"nullifier\":\"123\",\"secret\":\"456\"}").build())
                .toCompletableFuture().get(10, TimeUnit.SECONDS).jobId();
    }

    @Test
    void anIdleWorkerGetsOneOfferNamingThePartitionItsRecordWasWrittenTo() throws Exception {
        TestProbe<JobOffer> inbox = kit.createTestProbe();
        WorkerDirectory directory = new WorkerDirectory(name -> {
            assertEquals("inbox-w1", name);
            return inbox.ref();
        });
        InMemoryJobLog log = new InMemoryJobLog("offers", true);
        try (SubmitterFixture core = new SubmitterFixture(log, directory)) {
            directory.update(idle(1, 5, 6), System.currentTimeMillis());

            String offered = submit(core.submitter, 1);
            InMemoryJobLog.Written w = log.jobs().getFirst();
            assertEquals(offered, w.record().getJobId());
            assertEquals(TOPIC, w.topic());
            assertTrue(w.partition() == 5 || w.partition() == 6, "written to partition " + w.partition() + ", not one the worker owns");
            JobOffer offer = inbox.expectMessageClass(JobOffer.class, WAIT);
            assertEquals(TOPIC, offer.getTopic());
            assertEquals(w.partition(), offer.getPartition());
            assertEquals(w.record(), JobRecord.parseFrom(offer.getRecord()));

            // claimed: busy until it tells a newer state, so the next job goes to the log's partitioner, unoffered
            String unoffered = submit(core.submitter, 2);
            assertEquals(unoffered, log.jobs().get(1).record().getJobId());
            assertEquals(InMemoryJobLog.ANY_PARTITION, log.jobs().get(1).partition());
            inbox.expectNoMessage(Duration.ofMillis(100));

            directory.update(idle(2, 6), System.currentTimeMillis());
            submit(core.submitter, 3);
            assertEquals(6, log.jobs().get(2).partition());
            assertEquals(6, inbox.expectMessageClass(JobOffer.class, WAIT).getPartition());
            inbox.expectNoMessage(Duration.ofMillis(100));
            assertEquals(3, log.jobs().size(), "one record per job");
        }
    }

    @Test
    void jobsPinnedByCircuitAreNeverOffered() throws Exception {
        TestProbe<JobOffer> inbox = kit.createTestProbe();
        WorkerDirectory directory = new WorkerDirectory(name -> inbox.ref());
        InMemoryJobLog log = new InMemoryJobLog("offers", false);
        try (SubmitterFixture core = new SubmitterFixture(log, directory)) {
            directory.update(idle(1, 0), System.currentTimeMillis());
            submit(core.submitter, 1);
            assertEquals(InMemoryJobLog.ANY_PARTITION, log.jobs().getFirst().partition());
            inbox.expectNoMessage(Duration.ofMillis(100));
        }
    }

    /**
     * An offered job whose record the log refused leaves no trace: the submission fails UNAVAILABLE, the job is
     * unknown, the offered worker's result for it is dropped rather than making it a job again, and its idempotency
     * key is free for the retry.
     */
    @Test
    void anOfferedJobWhoseRecordWasNotWrittenLeavesNoTrace() throws Exception {
        TestProbe<JobOffer> inbox = kit.createTestProbe();
        WorkerDirectory directory = new WorkerDirectory(name -> inbox.ref());
        InMemoryJobLog log = new InMemoryJobLog("offers", true);
        try (SubmitterFixture core = new SubmitterFixture(log, directory)) {
            directory.update(idle(1, 5), System.currentTimeMillis());
            log.failWrites("broker down");
            SubmitRequest req = SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment"))
                    .setInputJson("{\"value\":\"1\",\"label\":\"77\",\"nullifier\":\"123\",\"secret\":\"456\"}")
                    .setIdempotencyKey("offered-1").build();
            var failed = assertThrows(ExecutionException.class, () -> core.submitter.submit("", req).toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertInstanceOf(JobSubmitter.NotAvailableException.class, failed.getCause());
            String jobId = JobRecord.parseFrom(inbox.expectMessageClass(JobOffer.class, WAIT).getRecord()).getJobId();
            assertEquals(Optional.empty(), core.submitter.get("", jobId).toCompletableFuture().get(10, TimeUnit.SECONDS));

            // the worker proved it anyway and reports it: nothing to write, nothing to answer
            JobEvent result = JobEvent.newBuilder().setJobId(jobId).setWorkerId("w1").setAt(Timestamps.now())
                    .setSucceeded(ProofResult.newBuilder().setProofJson("{}")).build();
            assertEquals(List.of(), core.submitter.applyEvents(List.of(result)).toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertEquals(Optional.empty(), core.submitter.get("", jobId).toCompletableFuture().get(10, TimeUnit.SECONDS));

            log.failWrites(null);
            JobSubmitter.Submitted retry = core.submitter.submit("", req).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertFalse(retry.existing(), "the failed submission kept its idempotency key");
            assertEquals(List.of(retry.jobId()), log.jobs().stream().map(w -> w.record().getJobId()).toList());
        }
    }
}
