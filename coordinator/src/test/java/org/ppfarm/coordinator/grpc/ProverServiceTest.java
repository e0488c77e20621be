package org.ppfarm.coordinator.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.ppfarm.coordinator.jobs.InMemoryJobLog;
import org.ppfarm.coordinator.jobs.JobSubmitter;
import org.ppfarm.coordinator.jobs.SubmitterFixture;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.proto.v1.CancelJobRequest;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobError;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ProofResult;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.SubmitBatchRequest;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.WatchJobRequest;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gRPC edge in-process: the real {@link ProverService}, {@link JobSubmitter}, job tracker and circuit
 * registry ({@link SubmitterFixture}) (the 0xbow commitment circuit) on grpc-java's in-process transport, writing to an {@link InMemoryJobLog}
 * instead of Kafka. What needs no broker is checked here — status codes and messages, idempotency, what the job
 * record carries, the job lifecycle the tracker answers for; the same edge on a real broker is CoordinatorApiTest.
 */
class ProverServiceTest {
    static final String R = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
    static final String VALID = "{\"value\":\"1000\",\"label\":\"77\",\"nullifier\":\"123\",\"secret\":\"0x1c8\"}";

    static final InMemoryJobLog log = new InMemoryJobLog("inproc", true);
    static SubmitterFixture core;
    static JobSubmitter submitter;
    static InputSeal.KeyPair keys;
    static InProcessProver prover;
    static ManagedChannel channel;
    static ProverGrpc.ProverBlockingStub stub;

    static final org.ppfarm.coordinator.tenants.TenantDirectory tenants = new org.ppfarm.coordinator.tenants.TenantDirectory();

    @BeforeAll
    static void start() throws Exception {
        // no privacy-pool inputs and no job offers: requests for them are refused, jobs only go to the log
        core = new SubmitterFixture(log, null);
        submitter = core.submitter;
        keys = core.keys;
        prover = new InProcessProver(core, tenants);
        channel = prover.channel;
        stub = prover.stub;
    }

    @AfterAll
    static void stop() throws Exception {
        prover.close();
    }

    @BeforeEach
    void writesSucceed() { log.failWrites(null); log.failJobWrites(null); }

    static SubmitRequest.Builder commitment(String json) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment")).setInputJson(json);
    }

    static StatusRuntimeException status(Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        return e;
    }

    /** Runs a call that must be refused with {@code code}, and checks it wrote nothing to the log. */
    static String refused(Status.Code code, Executable call) {
        return refused(log, code, call);
    }

    /** As {@link #refused(Status.Code, Executable)}, for a coordinator writing to {@code log}. */
    static String refused(InMemoryJobLog log, Status.Code code, Executable call) {
        int jobs = log.jobs().size(), states = log.states().size();
        String description = status(code, call).getStatus().getDescription();
        assertEquals(jobs, log.jobs().size(), "a refused request wrote a job record");
        assertEquals(states, log.states().size(), "a refused request wrote a state");
        return description;
    }

    static InMemoryJobLog.Written record(String jobId) {
        return record(log, jobId);
    }

    static InMemoryJobLog.Written record(InMemoryJobLog log, String jobId) {
        return log.jobs().stream().filter(w -> w.record().getJobId().equals(jobId)).reduce((a, b) -> {
            throw new AssertionError("job " + jobId + " written twice");
        }).orElseThrow(() -> new AssertionError("job " + jobId + " not written"));
    }

    /** Callback URLs: PERMISSION_DENIED unless the tenant has a webhook secret and the host is on its allowlist. */
    @Test
    void aCallbackUrlNeedsItsHostOnTheTenantsWebhookAllowlist() {
        SubmitRequest.Builder hooked = commitment(VALID).setCallbackUrl("https://hooks.example.org/ppfarm");
        assertTrue(refused(Status.Code.PERMISSION_DENIED, () -> stub.submit(hooked.build())).contains("not on the tenant's webhook allowlist"));
        tenants.learn("", org.ppfarm.proto.v1.TenantRecord.newBuilder().setWebhookSecret(com.google.protobuf.ByteString.copyFromUtf8("whsec_x"))
                .setWebhook(org.ppfarm.proto.v1.WebhookPolicy.newBuilder().addAllowedHosts("hooks.example.org")).build());
        try {
            SubmitResponse s = stub.submit(hooked.build());
            org.ppfarm.proto.v1.WebhookDelivery w = stub.getJob(GetJobRequest.newBuilder().setJobId(s.getJobId()).build()).getWebhook();
            assertEquals("https://hooks.example.org/ppfarm", w.getUrl());
            assertEquals(org.ppfarm.proto.v1.WebhookDelivery.State.STATE_PENDING, w.getState());
            refused(Status.Code.PERMISSION_DENIED, () -> stub.submit(hooked.setCallbackUrl("https://other.example.org/x").build()));
            assertTrue(refused(Status.Code.PERMISSION_DENIED, () -> stub.submit(hooked.setCallbackUrl("ftp://hooks.example.org/x").build()))
                    .contains("scheme"));
        } finally {
            tenants.learn("", null);
        }
    }

    @Test
    void unknownCircuitIsNotFound() {
        assertEquals("circuit 'nope@1' is not registered", refused(Status.Code.NOT_FOUND, () -> stub.submit(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setName("nope@1")).setInputJson(VALID).build())));
        refused(Status.Code.NOT_FOUND, () -> stub.submit(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setZkeySha256("00".repeat(32))).setInputJson(VALID).build()));
    }

    @Test
    void malformedInputIsInvalidArgumentNamingTheField() {
        assertTrue(refused(Status.Code.INVALID_ARGUMENT, () -> stub.submit(commitment("{\"value\": 1,").build()))
                .startsWith("input: malformed JSON at line 1"));
        assertEquals("input signal 'secret': value ≥ r (the BN254 scalar field modulus); refused, not reduced",
                refused(Status.Code.INVALID_ARGUMENT, () -> stub.submit(commitment(
                        "{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"secret\":\"" + R + "\"}").build())));
        assertEquals("input signal 'label[1]': negative value; field elements are 0 ≤ x < r",
                refused(Status.Code.INVALID_ARGUMENT, () -> stub.submit(commitment(
                        "{\"value\":\"1\",\"label\":[\"2\",\"-5\"],\"nullifier\":\"3\",\"secret\":\"4\"}").build())));
        assertEquals("wtns: header: file is 4 bytes, too short for a wtns file", refused(Status.Code.INVALID_ARGUMENT, () -> stub.submit(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setName("commitment")).setWtns(ByteString.copyFromUtf8("nope")).build())));
        assertEquals("no input: set input_json, wtns, withdraw_request_json, ragequit_request_json or sealed_input",
                refused(Status.Code.INVALID_ARGUMENT, () -> stub.submit(SubmitRequest.newBuilder()
                        .setCircuit(CircuitRef.newBuilder().setName("commitment")).build())));
    }

    @Test
    void privacyPoolRequestWithoutProtocolInputsIsUnimplemented() {
        assertEquals("privacy-pool requests are not available in this build; send input_json",
                refused(Status.Code.UNIMPLEMENTED, () -> stub.submit(SubmitRequest.newBuilder()
                        .setCircuit(CircuitRef.newBuilder().setName("commitment")).setWithdrawRequestJson("{}").build())));
    }

    @Test
    void passedDeadlineIsDeadlineExceededAndAJobsDeadlineIsOnlyTheRequests() {
        assertTrue(refused(Status.Code.DEADLINE_EXCEEDED, () -> stub.submit(commitment(VALID)
                .setDeadline(Timestamps.fromMillis(System.currentTimeMillis() - 1000)).build()))
                .endsWith("has already passed; job dropped, not proved"));
        // the call's deadline bounds the call, not the job: a job without its own deadline has none
        SubmitResponse s = stub.withDeadlineAfter(60, TimeUnit.SECONDS).submit(commitment(VALID).build());
        assertFalse(record(s.getJobId()).record().hasDeadline(), "the call's deadline became the job's");
        assertFalse(stub.getJob(GetJobRequest.newBuilder().setJobId(s.getJobId()).build()).hasDeadline());
        var own = Timestamps.fromMillis(System.currentTimeMillis() + 3_600_000);
        SubmitResponse t = stub.withDeadlineAfter(60, TimeUnit.SECONDS).submit(commitment(VALID).setDeadline(own).build());
        assertEquals(own, record(t.getJobId()).record().getDeadline(), "the request's own deadline, unchanged");
    }

    /** A Prove whose call deadline passes before the job is done ends the wait; the job goes on, found by its key. */
    @Test
    void proveCallDeadlineEndsTheWaitNotTheJob() {
        SubmitRequest req = commitment(VALID).setIdempotencyKey("prove-wait").build();
        status(Status.Code.DEADLINE_EXCEEDED, () -> stub.withDeadlineAfter(3, TimeUnit.SECONDS).prove(req));
        SubmitResponse again = stub.submit(req);
        assertTrue(again.getExisting(), "the job the Prove call made is still there");
        assertFalse(record(again.getJobId()).record().hasDeadline());
        assertEquals(JobStatus.JOB_STATUS_QUEUED, stub.getJob(GetJobRequest.newBuilder().setJobId(again.getJobId()).build()).getStatus());
    }

    /**
     * A batch over the job limit is refused whole. (The message-size limit, grpc.max.message.bytes, is the transport's:
     * the in-process transport does not serialize messages and so does not enforce it; CoordinatorApiTest checks it
     * on Netty.)
     */
    @Test
    void tooLargeBatchIsResourceExhaustedNamingTheLimit() {
        SubmitBatchRequest.Builder b = SubmitBatchRequest.newBuilder();
        for (int i = 0; i <= ProverService.MAX_BATCH_JOBS; i++) b.addJobs(commitment(VALID));
        assertEquals("jobs: 1001 jobs in one SubmitBatch exceeds the limit of 1000 per batch",
                refused(Status.Code.RESOURCE_EXHAUSTED, () -> stub.submitBatch(b.build())));
        assertEquals("jobs: empty batch; send 1 to 1000 jobs",
                refused(Status.Code.INVALID_ARGUMENT, () -> stub.submitBatch(SubmitBatchRequest.getDefaultInstance())));
    }

    /** A job the log did not take leaves nothing behind: its idempotency key is free for the retry, a new job. */
    @Test
    void logThatDoesNotTakeTheJobIsUnavailableAndLeavesNoTrace() {
        log.failWrites("broker down");
        assertEquals("job log (Kafka) unavailable: broker down", status(Status.Code.UNAVAILABLE,
                () -> stub.submit(commitment(VALID).setIdempotencyKey("down-1").build())).getStatus().getDescription());
        log.failWrites(null);
        SubmitResponse retry = stub.submit(commitment(VALID).setIdempotencyKey("down-1").build());
        assertFalse(retry.getExisting(), "the failed submission kept its idempotency key");
        assertEquals(JobStatus.JOB_STATUS_QUEUED, stub.getJob(GetJobRequest.newBuilder().setJobId(retry.getJobId()).build()).getStatus());
    }

    /**
     * Every coordinator knows a queued job: its QUEUED state is written with its record (what other coordinators
     * learn it from, idempotency key and request digest included); a job whose record the log did not take has that
     * state deleted again, so other coordinators forget it too.
     */
    @Test
    void queuedStateIsWrittenWithTheRecordAndDeletedWhenTheRecordIsNotTaken() {
        int states = log.states().size();
        SubmitResponse s = stub.submit(commitment(VALID).setIdempotencyKey("queued-1").build());
        List<Job> written = log.states().subList(states, log.states().size());
        assertEquals(1, written.size(), "one state written at submission");
        Job queued = written.get(0);
        assertEquals(s.getJobId(), queued.getJobId());
        assertEquals(JobStatus.JOB_STATUS_QUEUED, queued.getStatus());
        assertEquals("queued-1", queued.getIdempotencyKey());
        assertFalse(queued.getRequestDigest().isEmpty(), "other coordinators need the digest to tell a replay from a reuse");
        int forgotten = log.forgotten().size();

        log.failJobWrites("partition offline");
        status(Status.Code.UNAVAILABLE, () -> stub.submit(commitment(VALID).setIdempotencyKey("queued-2").build()));
        Job orphan = log.states().get(log.states().size() - 1);
        assertEquals("queued-2", orphan.getIdempotencyKey());
        assertEquals(List.of(orphan.getJobId()), log.forgotten().subList(forgotten, log.forgotten().size()),
                "the QUEUED state of the job the log did not take is deleted");
    }

    /** A job whose record would be over the log's limit is refused before anything is written or tracked. */
    @Test
    void jobTooLargeForTheLogIsResourceExhaustedNamingTheLimit() {
        StringBuilder big = new StringBuilder("{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"secret\":\"4\",\"pad\":[\"1\"");
        while (big.length() < 1_100_000) big.append(",\"1\"");
        String m = refused(Status.Code.RESOURCE_EXHAUSTED, () -> stub.submit(commitment(big.append("]}").toString()).setIdempotencyKey("big").build()));
        assertTrue(m.startsWith("input_json: the job's record, its input sealed, is ") && m.contains(", over the limit of "
                + log.maxJobRecordBytes() + " bytes per job (what the jobs topic's max.message.bytes leaves for it)"), m);
        assertFalse(stub.submit(commitment(VALID).setIdempotencyKey("big").build()).getExisting(), "the refused job kept its key");
    }

    /** A key names one request: reused for another input it is refused; the request digest is what the record carries. */
    @Test
    void keyReusedForAnotherRequestIsAlreadyExists() {
        SubmitResponse a = stub.submit(commitment(VALID).setIdempotencyKey("key-2").build());
        String other = "{\"value\":\"1001\",\"label\":\"77\",\"nullifier\":\"123\",\"secret\":\"0x1c8\"}";
        assertEquals("idempotency_key 'key-2': already used for a different request (circuit, input or priority differ); "
                + "use a new key for a new job", refused(Status.Code.ALREADY_EXISTS, () -> stub.submit(commitment(other).setIdempotencyKey("key-2").build())));
        assertEquals(a.getJobId(), stub.submit(commitment(VALID).setIdempotencyKey("key-2").build()).getJobId());
        assertEquals(32, record(a.getJobId()).record().getRequestDigest().size());
        assertTrue(stub.getJob(GetJobRequest.newBuilder().setJobId(a.getJobId()).build()).getRequestDigest().isEmpty(),
                "the digest stays inside the farm");
        assertEquals(0, record(stub.submit(commitment(VALID).build()).getJobId()).record().getRequestDigest().size(), "no key, no digest");
    }

    @Test
    void sameIdempotencyKeyIsTheSameJobWrittenOnce() {
        SubmitResponse a = stub.submit(commitment(VALID).setIdempotencyKey("key-1").build());
        SubmitResponse b = stub.submit(commitment(VALID).setIdempotencyKey("key-1").build());
        assertFalse(a.getExisting());
        assertTrue(b.getExisting());
        assertEquals(a.getJobId(), b.getJobId());
        assertEquals(1, log.jobs().stream().filter(w -> w.record().getIdempotencyKey().equals("key-1")).count());
        assertEquals("key-1", record(a.getJobId()).record().getIdempotencyKey());
    }

    /** The record written holds the input sealed to the workers' key, bound to its job id; the plaintext is nowhere in it. */
    @Test
    void recordCarriesTheInputSealedNotThePlaintext() throws Exception {
        String input = "{\"value\":\"1000\",\"label\":\"77\",\"nullifier\":\"918273645546372819\",\"secret\":\"123987456654789321\"}";
        SubmitResponse s = stub.submit(commitment(input).build());
        InMemoryJobLog.Written w = record(s.getJobId());
        JobRecord r = w.record();
        assertEquals("inproc.jobs.normal", w.topic());
        assertEquals(InMemoryJobLog.ANY_PARTITION, w.partition(), "no offer made: the log picks the partition");
        assertEquals(InputKind.INPUT_KIND_JSON, r.getInputKind());
        assertEquals(Artifacts.SHA256.get("commitment.zkey"), r.getCircuit().getZkeySha256());
        String bytes = new String(r.toByteArray(), StandardCharsets.ISO_8859_1);
        for (String secret : List.of("918273645546372819", "123987456654789321"))
            assertFalse(bytes.contains(secret), "the record holds the plaintext input");
        // as a worker opens it: with the workers' private key, for this job id only
        InputSeal.Opener opener = new InputSeal.Opener(keys);
        assertArrayEquals(input.getBytes(StandardCharsets.UTF_8), opener.open(s.getJobId(), r.getInput()));
        assertThrows(InputSeal.SealException.class, () -> opener.open("another-job", r.getInput()));
        assertThrows(InputSeal.SealException.class, () -> new InputSeal.Opener(InputSeal.KeyPair.generate()).open(s.getJobId(), r.getInput()));
    }

    @Test
    void getWatchAndCancelAJobTheTrackerKnows() {
        SubmitResponse s = stub.submit(commitment(VALID).build());
        Job queued = stub.getJob(GetJobRequest.newBuilder().setJobId(s.getJobId()).build());
        assertEquals(JobStatus.JOB_STATUS_QUEUED, queued.getStatus());
        assertEquals("commitment@1", queued.getCircuit().getName());

        Iterator<Job> watch = stub.withDeadlineAfter(30, TimeUnit.SECONDS).watchJob(WatchJobRequest.newBuilder().setJobId(s.getJobId()).build());
        assertEquals(queued, watch.next());
        int states = log.states().size();
        Job cancelled = stub.cancelJob(CancelJobRequest.newBuilder().setJobId(s.getJobId()).build());
        assertEquals(JobStatus.JOB_STATUS_CANCELLED, cancelled.getStatus());
        assertEquals(Status.Code.CANCELLED.value(), cancelled.getError().getCode());
        assertEquals(cancelled, watch.next());
        assertFalse(watch.hasNext(), "the watch ends with the final state");
        assertEquals(List.of(cancelled), log.states().subList(states, log.states().size()), "the cancelled state is written once");

        assertEquals(cancelled, stub.cancelJob(CancelJobRequest.newBuilder().setJobId(s.getJobId()).build()), "cancelling again changes nothing");
        assertEquals(states + 1, log.states().size());
        assertEquals(cancelled, stub.getJob(GetJobRequest.newBuilder().setJobId(s.getJobId()).build()));
        for (Executable call : List.<Executable>of(
                () -> stub.getJob(GetJobRequest.newBuilder().setJobId("no-such-job").build()),
                () -> stub.watchJob(WatchJobRequest.newBuilder().setJobId("no-such-job").build()).next(),
                () -> stub.cancelJob(CancelJobRequest.newBuilder().setJobId("no-such-job").build())))
            assertEquals("job 'no-such-job' is not known to this farm", status(Status.Code.NOT_FOUND, call).getStatus().getDescription());
    }

    /** Prove answers once the tracker merges the job's result: the proof when it succeeded, its error's status when not. */
    @Test
    void proveAnswersWithTheResultTheTrackerMerges() throws Exception {
        int written = log.jobs().size();
        var proved = ProverGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).prove(commitment(VALID).build());
        String jobId = awaitRecord(written, proved).getJobId();
        long at = System.currentTimeMillis();
        submitter.applyEvents(List.of(JobEvent.newBuilder().setJobId(jobId).setWorkerId("w1").setAt(Timestamps.fromMillis(at))
                .setSucceeded(ProofResult.newBuilder().setProofJson("{\"proof\":1}")).build())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Job job = proved.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(jobId, JobStatus.JOB_STATUS_SUCCEEDED, "{\"proof\":1}"),
                List.of(job.getJobId(), job.getStatus(), job.getResult().getProofJson()));

        written = log.jobs().size();
        var failed = ProverGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).prove(commitment(VALID).build());
        String failedId = awaitRecord(written, failed).getJobId();
        submitter.applyEvents(List.of(JobEvent.newBuilder().setJobId(failedId).setWorkerId("w1").setAt(Timestamps.fromMillis(at))
                .setFailed(JobError.newBuilder().setCode(Status.Code.INVALID_ARGUMENT.value())
                        .setMessage("witness: signal 'x' not found")).build())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        var e = assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
        Status st = Status.fromThrowable(e.getCause());
        assertEquals(List.of(Status.Code.INVALID_ARGUMENT, "witness: signal 'x' not found"), List.of(st.getCode(), st.getDescription()));
    }

    /** The record a pending Prove call wrote: the one written after the first {@code before} (tests run one at a time). */
    private static JobRecord awaitRecord(int before, Future<Job> call) {
        Eventually.await("the Prove call's job record", Duration.ofSeconds(10), () -> log.jobs().size() > before || call.isDone());
        assertFalse(call.isDone(), "Prove answered before the job had a result");
        assertEquals(before + 1, log.jobs().size());
        return log.jobs().getLast().record();
    }
}
