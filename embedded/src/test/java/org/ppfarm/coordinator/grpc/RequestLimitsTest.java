package org.ppfarm.coordinator.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.client.FarmClient;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.proto.v1.CancelJobRequest;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.SubmitBatchRequest;
import org.ppfarm.proto.v1.SubmitBatchResult;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.WatchJobRequest;
import org.ppfarm.testkit.Artifacts;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile client found at the edge (issue 13, findings 2, 3, 5, 6), against a running coordinator — Netty
 * server, real broker with Kafka's default message.max.bytes, grpc.max.message.bytes at its 16 MiB default, no
 * worker: a job too large for the jobs topic is refused before anything of it is kept; identifiers over the limit are
 * refused at once, never repeated in full; an invalid deadline or unknown priority is the client's error; an
 * idempotency key reused for another request is refused, before and after a coordinator restart.
 */
class RequestLimitsTest {
    static final String VALID = CoordinatorApiTest.VALID;
    static final String OTHER = "{\"value\":\"1000\",\"label\":\"77\",\"nullifier\":\"124\",\"secret\":\"0x1c8\"}";
    static TestBroker broker;
    static FarmFixture farm;
    static Coordinator coordinator;
    static FarmClient client;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        farm = new FarmFixture(broker);
        coordinator = farm.startCoordinator(Map.of());
        client = FarmFixture.client(coordinator);
        client.register("commitment", "1", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
    }

    /** A stub for calls that must be answered at once: a hang is a failure, not a slow pass. */
    static ProverGrpc.ProverBlockingStub prompt() { return client.blocking().withDeadlineAfter(10, TimeUnit.SECONDS); }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        coordinator.close();
        farm.close();
        broker.close();
    }

    static SubmitRequest.Builder commitment(String json) { return CoordinatorApiTest.commitment(json); }

    /** The description of the status a call failed with, checked to be {@code code}. */
    static String refused(Status.Code code, Executable call) {
        return CoordinatorApiTest.status(code, call).getStatus().getDescription();
    }

    /**
     * Finding 2: a 9 MB input passes the gRPC limit (16 MiB) but not the jobs topic's (8 MiB as the farm creates it). It was tracked (and could be offered)
     * before Kafka refused it, answered UNAVAILABLE, and its key then named a job stuck QUEUED. Now it is refused
     * before anything is kept, naming the limit, and the key stays free.
     */
    @Test
    void inputTooLargeForTheJobsTopicIsResourceExhaustedAndLeavesNoTrace() {
        StringBuilder big = new StringBuilder(9_100_000).append("{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"secret\":\"4\",\"pad\":[\"1\"");
        while (big.length() < 9_000_000) big.append(",\"1\"");
        SubmitRequest tooLarge = commitment(big.append("]}").toString()).setIdempotencyKey("big-1").build();
        String limit = Integer.toString(FarmTopics.JOB_RECORD_MAX_BYTES - 256); // the jobs topics' max.message.bytes less Kafka's framing
        for (int attempt = 0; attempt < 2; attempt++) { // a retry is refused the same way, not answered with a ghost
            String m = refused(Status.Code.RESOURCE_EXHAUSTED, () -> prompt().submit(tooLarge));
            assertTrue(m.startsWith("input_json: ") && m.contains(limit + " bytes") && m.contains("max.message.bytes"), m);
        }
        // the key was never taken: a new request under it is a new job
        SubmitResponse s = prompt().submit(commitment(VALID).setIdempotencyKey("big-1").build());
        assertFalse(s.getExisting(), "the refused job kept its idempotency key");
        assertEquals(JobStatus.JOB_STATUS_QUEUED, prompt().getJob(GetJobRequest.newBuilder().setJobId(s.getJobId()).build()).getStatus());
    }

    /**
     * Finding 3: ids were repeated in full in status messages (trailers): at 64 KB a client got no answer before its
     * deadline, at 10 KB the CLI's stream broke. Every identifier is bounded (256 bytes) and refused above that at once.
     */
    @Test
    void identifiersOverTheLimitAreInvalidArgumentAtOnce() {
        String huge = "j".repeat(64 << 10);
        String m = "job_id: longer than the limit of 256 bytes";
        assertEquals(m, refused(Status.Code.INVALID_ARGUMENT, () -> prompt().getJob(GetJobRequest.newBuilder().setJobId(huge).build())));
        assertEquals(m, refused(Status.Code.INVALID_ARGUMENT, () -> prompt().watchJob(WatchJobRequest.newBuilder().setJobId(huge).build()).next()));
        assertEquals(m, refused(Status.Code.INVALID_ARGUMENT, () -> prompt().cancelJob(CancelJobRequest.newBuilder().setJobId(huge).build())));
        // the client library, as `ppfarm status|cancel|watch` call it
        String tenK = "x".repeat(10 << 10);
        assertEquals(m, refused(Status.Code.INVALID_ARGUMENT, () -> client.get(tenK)));
        assertEquals(m, refused(Status.Code.INVALID_ARGUMENT, () -> client.cancel(tenK)));
        assertEquals(m, refused(Status.Code.INVALID_ARGUMENT, () -> client.watch(tenK).findFirst()));

        assertEquals("circuit.name: longer than the limit of 256 bytes", refused(Status.Code.INVALID_ARGUMENT, () -> prompt().submit(
                SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName(huge)).setInputJson(VALID).build())));
        assertEquals("idempotency_key: longer than the limit of 256 bytes", refused(Status.Code.INVALID_ARGUMENT,
                () -> prompt().submit(commitment(VALID).setIdempotencyKey("k".repeat(1 << 20)).build())));
        // under the limit, a message quotes a short prefix only
        assertEquals("job '" + "y".repeat(64) + "…' is not known to this farm",
                refused(Status.Code.NOT_FOUND, () -> prompt().getJob(GetJobRequest.newBuilder().setJobId("y".repeat(256)).build())));
    }

    /** Finding 5: an invalid deadline was INTERNAL (also per job in SubmitBatch); an unknown priority was accepted. */
    @Test
    void invalidDeadlineAndUnknownPriorityAreInvalidArgumentNamingTheField() throws Exception {
        List<Timestamp> bad = List.of(Timestamp.newBuilder().setSeconds(2_000_000_000L).setNanos(-1).build(),
                Timestamp.newBuilder().setSeconds(2_000_000_000L).setNanos(2_000_000_000).build(),
                Timestamp.newBuilder().setSeconds(1L << 62).build(), Timestamp.newBuilder().setSeconds(-(1L << 62)).build());
        for (Timestamp t : bad) {
            SubmitRequest r = commitment(VALID).setDeadline(t).build();
            String m = refused(Status.Code.INVALID_ARGUMENT, () -> prompt().submit(r));
            assertTrue(m.startsWith("deadline: not a valid timestamp (seconds " + t.getSeconds() + ", nanos " + t.getNanos() + ")"), m);
            assertEquals(m, refused(Status.Code.INVALID_ARGUMENT, () -> prompt().prove(r)));
            SubmitBatchResult b = prompt().submitBatch(SubmitBatchRequest.newBuilder().addJobs(r).build()).getResults(0);
            assertEquals(List.of(Status.Code.INVALID_ARGUMENT.value(), m), List.of(b.getError().getCode(), b.getError().getMessage()));
        }
        SubmitRequest r = commitment(VALID).setPriorityValue(99).build();
        String m = "priority: unknown value 99; PRIORITY_LOW, PRIORITY_NORMAL or PRIORITY_HIGH (unset: normal)";
        assertEquals(m, refused(Status.Code.INVALID_ARGUMENT, () -> prompt().submit(r)));
        assertEquals(m, refused(Status.Code.INVALID_ARGUMENT, () -> prompt().prove(r)));
        SubmitBatchResult b = prompt().submitBatch(SubmitBatchRequest.newBuilder().addJobs(r).build()).getResults(0);
        assertEquals(List.of(Status.Code.INVALID_ARGUMENT.value(), m), List.of(b.getError().getCode(), b.getError().getMessage()));
    }

    /**
     * Finding 6: the same key with another input returned the first job (and so its proof). Now it is refused, with
     * Prove too; the same request is still the same job; and a restarted coordinator, which re-learns keys from the
     * jobs topics (queued jobs) and the state topic (finished ones), refuses the same way.
     */
    @Test
    void keyReusedForAnotherRequestIsAlreadyExistsAlsoAfterARestart() throws Exception {
        String key = "reuse-" + System.nanoTime(), done = "reuse-done-" + System.nanoTime();
        SubmitResponse a = prompt().submit(commitment(VALID).setIdempotencyKey(key).build());
        String m = "idempotency_key '" + key + "': already used for a different request (circuit, input or priority differ); "
                + "use a new key for a new job";
        assertEquals(m, refused(Status.Code.ALREADY_EXISTS, () -> prompt().submit(commitment(OTHER).setIdempotencyKey(key).build())));
        assertEquals(m, refused(Status.Code.ALREADY_EXISTS, () -> prompt().prove(commitment(OTHER).setIdempotencyKey(key).build())));
        refused(Status.Code.ALREADY_EXISTS, () -> prompt().submit(commitment(VALID).setIdempotencyKey(key).setPriorityValue(3).build()));
        SubmitResponse again = prompt().submit(commitment(VALID).setIdempotencyKey(key).build());
        assertEquals(List.of(a.getJobId(), true), List.of(again.getJobId(), again.getExisting()));

        SubmitResponse cancelled = prompt().submit(commitment(VALID).setIdempotencyKey(done).build());
        prompt().cancelJob(CancelJobRequest.newBuilder().setJobId(cancelled.getJobId()).build());
        try (Coordinator other = farm.startCoordinator(Map.of(CoordinatorConfig.COORDINATOR_ID, "restarted"));
             FarmClient c2 = FarmFixture.client(other)) {
            for (String k : List.of(key, done))
                refused(Status.Code.ALREADY_EXISTS, () -> c2.blocking().withDeadlineAfter(10, TimeUnit.SECONDS)
                        .submit(commitment(OTHER).setIdempotencyKey(k).build()));
            assertEquals(a.getJobId(), c2.submit(commitment(VALID).setIdempotencyKey(key).build()).getJobId());
            assertEquals(cancelled.getJobId(), c2.submit(commitment(VALID).setIdempotencyKey(done).build()).getJobId());
        }
    }
}
