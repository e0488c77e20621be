package org.ppfarm.coordinator.grpc;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.proto.v1.CancelJobRequest;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ListCircuitsRequest;
import org.ppfarm.proto.v1.RegisterCircuitHeader;
import org.ppfarm.proto.v1.SubmitBatchRequest;
import org.ppfarm.proto.v1.SubmitBatchResult;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.WatchJobRequest;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator's API against a real broker, with no worker running: validation and its status codes, the circuit
 * registry, job lifecycle without proving (queued, cancelled, expired), idempotency, and state recovery by a
 * restarted coordinator.
 */
class CoordinatorApiTest {
    static final String R = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
    static TestBroker broker;
    static FarmFixture farm;
    static Coordinator coordinator;
    static FarmClient client;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        farm = new FarmFixture(broker);
        coordinator = farm.startCoordinator(Map.of(CoordinatorConfig.GRPC_MAX_MESSAGE_BYTES, "100000"));
        client = FarmFixture.client(coordinator);
        Circuit c = client.register("commitment", "1", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
        assertEquals("commitment@1", c.getName());
        assertEquals(Artifacts.SHA256.get("commitment.zkey"), c.getZkeySha256());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        coordinator.close();
        farm.close();
        broker.close();
    }

    static SubmitRequest.Builder commitment(String json) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment")).setInputJson(json);
    }

    static final String VALID = "{\"value\":\"1000\",\"label\":\"77\",\"nullifier\":\"123\",\"secret\":\"0x1c8\"}";

    /** The status a call failed with: a stub's StatusRuntimeException, or the client library's FarmException. */
    static StatusRuntimeException status(Status.Code code, Executable call) {
        RuntimeException thrown = assertThrows(RuntimeException.class, call);
        StatusRuntimeException e = thrown instanceof FarmException f ? f.status().asRuntimeException()
                : assertInstanceOf(StatusRuntimeException.class, thrown);
        if (code != null) assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        return e;
    }

    @Test
    void unknownCircuitIsNotFound() {
        var e = status(Status.Code.NOT_FOUND, () -> client.blocking().submit(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setName("nope@1")).setInputJson(VALID).build()));
        assertEquals("circuit 'nope@1' is not registered", e.getStatus().getDescription());
        status(Status.Code.NOT_FOUND, () -> client.blocking().submit(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setZkeySha256("00".repeat(32))).setInputJson(VALID).build()));
    }

    @Test
    void malformedAndOutOfRangeInputsAreInvalidArgumentNamingTheSignal() {
        var e = status(Status.Code.INVALID_ARGUMENT, () -> client.blocking().submit(commitment("{\"value\": 1,").build()));
        assertTrue(e.getStatus().getDescription().startsWith("input: malformed JSON at line 1"), e.getStatus().getDescription());
        e = status(Status.Code.INVALID_ARGUMENT, () -> client.blocking().submit(commitment(
                "{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"secret\":\"" + R + "\"}").build()));
        assertEquals("input signal 'secret': value ≥ r (the BN254 scalar field modulus); refused, not reduced", e.getStatus().getDescription());
        e = status(Status.Code.INVALID_ARGUMENT, () -> client.blocking().submit(commitment(
                "{\"value\":\"1\",\"label\":[\"2\",\"-5\"],\"nullifier\":\"3\",\"secret\":\"4\"}").build()));
        assertEquals("input signal 'label[1]': negative value; field elements are 0 ≤ x < r", e.getStatus().getDescription());
        e = status(Status.Code.INVALID_ARGUMENT, () -> client.blocking().submit(commitment(
                "{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"zz\",\"secret\":\"4\"}").build()));
        assertEquals("input signal 'nullifier': not a decimal or 0x-hex integer", e.getStatus().getDescription());
        e = status(Status.Code.INVALID_ARGUMENT, () -> client.blocking().submit(commitment("[1,2]").build()));
        assertEquals("input: expected a JSON object of signals", e.getStatus().getDescription());
        e = status(Status.Code.INVALID_ARGUMENT, () -> client.blocking().submit(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setName("commitment")).setWtns(com.google.protobuf.ByteString.copyFromUtf8("nope")).build()));
        assertEquals("wtns: header: file is 4 bytes, too short for a wtns file", e.getStatus().getDescription());
    }

    @Test
    void oversizedMessageIsResourceExhaustedWithTheLimit() {
        String big = "{\"value\":\"" + "1".repeat(150_000) + "\"}";
        var e = status(Status.Code.RESOURCE_EXHAUSTED, () -> client.blocking().submit(commitment(big).build()));
        assertTrue(e.getStatus().getDescription().contains("maximum size 100000"), e.getStatus().getDescription());
    }

    @Test
    void passedDeadlineIsDeadlineExceededAndNothingIsEnqueued() {
        var e = status(Status.Code.DEADLINE_EXCEEDED, () -> client.blocking().submit(commitment(VALID)
                .setDeadline(Timestamps.fromMillis(System.currentTimeMillis() - 1000)).build()));
        assertTrue(e.getStatus().getDescription().endsWith("has already passed; job dropped, not proved"), e.getStatus().getDescription());
    }

    @Test
    void uploadWithAWrongHashRegistersNothing() {
        RegisterCircuitHeader h = RegisterCircuitHeader.newBuilder().setName("bad").setVersion("1")
                .setZkeySha256(Artifacts.SHA256.get("commitment.zkey")).setWasmSha256("ab".repeat(32)).build();
        var e = status(Status.Code.INVALID_ARGUMENT, () -> client.register(h, Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), null));
        assertEquals("ARTIFACT_KIND_WASM: SHA-256 of the uploaded bytes is " + Artifacts.SHA256.get("commitment.wasm")
                + ", declared " + "ab".repeat(32) + "; nothing registered", e.getStatus().getDescription());
        assertFalse(client.blocking().listCircuits(ListCircuitsRequest.getDefaultInstance()).getCircuitsList().stream()
                .anyMatch(c -> c.getName().startsWith("bad@")));
        status(Status.Code.NOT_FOUND, () -> client.blocking().submit(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setName("bad@1")).setInputJson(VALID).build()));
    }

    @Test
    void submitGetCancelWatch() {
        SubmitResponse s = client.blocking().submit(commitment(VALID).build());
        Job j = client.blocking().getJob(GetJobRequest.newBuilder().setJobId(s.getJobId()).build());
        assertEquals(JobStatus.JOB_STATUS_QUEUED, j.getStatus());
        assertEquals("commitment@1", j.getCircuit().getName());
        Job c = client.blocking().cancelJob(CancelJobRequest.newBuilder().setJobId(s.getJobId()).build());
        assertEquals(JobStatus.JOB_STATUS_CANCELLED, c.getStatus());
        assertEquals(Status.Code.CANCELLED.value(), c.getError().getCode());
        List<Job> seen = new ArrayList<>();
        client.blocking().watchJob(WatchJobRequest.newBuilder().setJobId(s.getJobId()).build()).forEachRemaining(seen::add);
        assertEquals(List.of(JobStatus.JOB_STATUS_CANCELLED), seen.stream().map(Job::getStatus).toList());
        status(Status.Code.NOT_FOUND, () -> client.blocking().getJob(GetJobRequest.newBuilder().setJobId("no-such-job").build()));
    }

    @Test
    void idempotencyKeyReturnsTheSameJob() {
        SubmitResponse a = client.blocking().submit(commitment(VALID).setIdempotencyKey("k-1").build());
        SubmitResponse b = client.blocking().submit(commitment(VALID).setIdempotencyKey("k-1").build());
        assertEquals(a.getJobId(), b.getJobId());
        assertFalse(a.getExisting());
        assertTrue(b.getExisting());
    }

    @Test
    void batchAnswersEachJobInOrderAsSubmitWould() throws Exception {
        SubmitResponse earlier = client.blocking().submit(commitment(VALID).setIdempotencyKey("b-earlier").build());
        String outOfRange = "{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"secret\":\"" + R + "\"}";
        List<SubmitRequest> batch = List.of(
                commitment(VALID).build(),
                commitment(outOfRange).build(),
                commitment(VALID).setIdempotencyKey("b-1").build(),
                SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("nope@1")).setInputJson(VALID).build(),
                commitment(VALID).setIdempotencyKey("b-1").build(),   // replay of index 2, in the same batch
                commitment(VALID).setIdempotencyKey("b-earlier").build(),
                commitment(VALID).setDeadline(Timestamps.fromMillis(System.currentTimeMillis() - 1000)).build());
        var r = client.submitBatchAsync(batch, false, java.time.Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS).getResultsList();
        assertEquals(batch.size(), r.size());
        // each refused job carries the status and message Submit gives it alone
        for (int i : new int[]{1, 3, 6}) {
            int k = i;
            var alone = status(null, () -> client.blocking().submit(batch.get(k)));
            assertEquals(SubmitBatchResult.OutcomeCase.ERROR, r.get(i).getOutcomeCase(), "job " + i);
            assertEquals(alone.getStatus().getCode().value(), r.get(i).getError().getCode(), "job " + i);
            assertEquals(alone.getStatus().getDescription(), r.get(i).getError().getMessage(), "job " + i);
        }
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), r.get(1).getError().getCode());
        assertEquals("input signal 'secret': value ≥ r (the BN254 scalar field modulus); refused, not reduced", r.get(1).getError().getMessage());
        assertEquals(Status.Code.NOT_FOUND.value(), r.get(3).getError().getCode());
        assertEquals(Status.Code.DEADLINE_EXCEEDED.value(), r.get(6).getError().getCode());
        // accepted jobs: new ones queued, replays name the job their key already holds
        for (int i : new int[]{0, 2}) {
            assertFalse(r.get(i).getSubmitted().getExisting(), "job " + i);
            Job j = client.blocking().getJob(GetJobRequest.newBuilder().setJobId(r.get(i).getSubmitted().getJobId()).build());
            assertEquals(JobStatus.JOB_STATUS_QUEUED, j.getStatus());
        }
        assertTrue(r.get(4).getSubmitted().getExisting());
        assertEquals(r.get(2).getSubmitted().getJobId(), r.get(4).getSubmitted().getJobId());
        assertTrue(r.get(5).getSubmitted().getExisting());
        assertEquals(earlier.getJobId(), r.get(5).getSubmitted().getJobId());
        assertEquals(3, java.util.stream.Stream.of(0, 2, 5).map(i -> r.get(i).getSubmitted().getJobId()).distinct().count());
    }

    @Test
    void batchLimitsAreEnforcedNamingTheLimit() {
        List<SubmitRequest> tooMany = java.util.Collections.nCopies(ProverService.MAX_BATCH_JOBS + 1, commitment("{}").build());
        var e = status(Status.Code.RESOURCE_EXHAUSTED, () -> client.blocking().submitBatch(SubmitBatchRequest.newBuilder().addAllJobs(tooMany).build()));
        assertEquals("jobs: 1001 jobs in one SubmitBatch exceeds the limit of 1000 per batch", e.getStatus().getDescription());
        e = status(Status.Code.INVALID_ARGUMENT, () -> client.blocking().submitBatch(SubmitBatchRequest.getDefaultInstance()));
        assertEquals("jobs: empty batch; send 1 to 1000 jobs", e.getStatus().getDescription());
        // the message as a whole stays within grpc.max.message.bytes (100000 here), like every call
        List<SubmitRequest> big = java.util.Collections.nCopies(20, commitment("{\"value\":\"" + "1".repeat(6_000) + "\"}").build());
        e = status(Status.Code.RESOURCE_EXHAUSTED, () -> client.blocking().submitBatch(SubmitBatchRequest.newBuilder().addAllJobs(big).build()));
        assertTrue(e.getStatus().getDescription().contains("maximum size 100000"), e.getStatus().getDescription());
    }

    @Test
    void queuedJobExpiresAtItsDeadline() {
        SubmitResponse s = client.blocking().submit(commitment(VALID)
                .setDeadline(Timestamps.fromMillis(System.currentTimeMillis() + 1500)).build());
        List<JobStatus> seen = new ArrayList<>();
        client.blocking().withDeadlineAfter(30, TimeUnit.SECONDS).watchJob(WatchJobRequest.newBuilder().setJobId(s.getJobId()).build())
                .forEachRemaining(j -> seen.add(j.getStatus()));
        assertEquals(List.of(JobStatus.JOB_STATUS_QUEUED, JobStatus.JOB_STATUS_EXPIRED), seen);
    }

    @Test
    void restartedCoordinatorAnswersForJobsItNeverSaw() throws Exception {
        // queued jobs are not on the state topic: the new coordinator re-learns them from the jobs topics, idempotency
        // key included
        String key = "restart-" + System.nanoTime();
        SubmitResponse s = client.blocking().submit(commitment(VALID).setIdempotencyKey(key).build());
        SubmitResponse cancelled = client.blocking().submit(commitment(VALID).build());
        client.blocking().cancelJob(CancelJobRequest.newBuilder().setJobId(cancelled.getJobId()).build());
        try (Coordinator other = farm.startCoordinator(Map.of(CoordinatorConfig.COORDINATOR_ID, "second"));
             FarmClient c2 = FarmFixture.client(other)) {
            Job j = c2.blocking().getJob(GetJobRequest.newBuilder().setJobId(s.getJobId()).build());
            assertEquals(JobStatus.JOB_STATUS_QUEUED, j.getStatus());
            assertEquals("commitment@1", j.getCircuit().getName());
            assertEquals(key, j.getIdempotencyKey());
            SubmitResponse replay = c2.blocking().submit(commitment(VALID).setIdempotencyKey(key).build());
            assertTrue(replay.getExisting());
            assertEquals(s.getJobId(), replay.getJobId());
            assertEquals(JobStatus.JOB_STATUS_CANCELLED,
                    c2.blocking().getJob(GetJobRequest.newBuilder().setJobId(cancelled.getJobId()).build()).getStatus());
            Eventually.await("the coordinator's single-node Pekko cluster to be Up", Duration.ofSeconds(10), other::clusterUp);
        }
    }
}
