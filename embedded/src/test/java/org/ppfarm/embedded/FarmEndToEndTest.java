package org.ppfarm.embedded;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.grpc.ClientMessages;
import org.ppfarm.client.FarmClient;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.StageTimings;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.WatchJobRequest;
import org.ppfarm.testkit.Artifacts;
import java.nio.file.Files;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.Eventually;
import org.ppfarm.testkit.Node;
import org.ppfarm.testkit.ZeroXBowInputs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.grpc.stub.StreamObserver;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC → coordinator → Kafka (real broker) → worker → Kafka → coordinator → gRPC, with real proofs checked by snarkjs.
 */
class FarmEndToEndTest {
    static OneWorkerFarm live;

    @BeforeAll
    static void start() throws Exception {
        live = OneWorkerFarm.start(true);
    }

    @AfterAll
    static void stop() throws Exception { live.close(); }

    static String commitmentInput(long i) {
        return "{\"value\":\"" + (1000 + i) + "\",\"label\":\"" + (77 + i) + "\",\"nullifier\":\"" + (123456789 + i)
                + "\",\"secret\":\"" + (987654321 + i) + "\"}";
    }

    static SubmitRequest commitment(String json) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment@1.0.2")).setInputJson(json).build();
    }

    /** The proof verifies with snarkjs and its calldata is what snarkjs prints for it. */
    static void assertVerifiesWithSnarkjs(Job job, Path vkey) throws Exception {
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, job.getStatus());
        Path proof = WorkerFixture.tempFile("proof.json", job.getResult().getProofJson());
        Path pub = WorkerFixture.tempFile("public.json", job.getResult().getPublicJson());
        var r = Node.snarkjsResult("groth16", "verify", vkey.toString(), pub.toString(), proof.toString());
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("OK!"), r.stdout());
        assertEquals(Node.snarkjs("zkey", "export", "soliditycalldata", pub.toString(), proof.toString()).strip(),
                job.getResult().getSolidityCalldata().strip());
        assertEquals(8, job.getResult().getProofElementsCount());
    }

    @Test
    void proveReturnsAProofSnarkjsAccepts() throws Exception {
        Job job = live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS).prove(commitment(commitmentInput(0)));
        assertVerifiesWithSnarkjs(job, Artifacts.commitmentVkey());
        assertEquals("w1", job.getResult().getWorkerId());
        // cpu-kernels is on the worker's class path and its library is built here: the native CPU kernels
        assertEquals("cpu-native", job.getResult().getBackend());
        assertTrue(job.getResult().getTimings().getProveMicros() > 0);
        assertEquals(1, job.getAttempts());
        assertEquals(job, live.client.blocking().getJob(GetJobRequest.newBuilder().setJobId(job.getJobId()).build()));
    }

    /**
     * The worker tells the result to the coordinator's inbox over Artery as well as writing it to Kafka; the client is
     * answered from the notice, and the state the coordinator then makes durable is the one the client was told: a
     * second coordinator, which only knows what Kafka holds, answers with the same proof.
     */
    @Test
    void resultNoticedOverTheClusterIsTheOneMadeDurable() throws Exception {
        long before = live.coordinator.resultNotices();
        Job job = live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS).prove(commitment(commitmentInput(300)));
        // the notice is sent before the Kafka write, but may still arrive after the client was answered through
        // Kafka (a busy machine delays either hop): wait for it rather than depend on which came first
        Eventually.await("the result to be told to the coordinator's inbox", Duration.ofSeconds(30), () -> live.coordinator.resultNotices() > before);
        assertVerifiesWithSnarkjs(job, Artifacts.commitmentVkey());
        try (Coordinator second = live.farm.startCoordinator(Map.of(org.ppfarm.coordinator.config.CoordinatorConfig.COORDINATOR_ID, "second"));
             FarmClient other = FarmFixture.client(second)) {
            Job durable = Eventually.await("the second coordinator to learn the job's result from Kafka", Duration.ofSeconds(30), () -> {
                try {
                    return other.blocking().getJob(GetJobRequest.newBuilder().setJobId(job.getJobId()).build());
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.NOT_FOUND) throw e;
                    return null; // its state is not on the topic yet
                }
            }, j -> j != null && j.getStatus() == JobStatus.JOB_STATUS_SUCCEEDED);
            assertEquals(job.getResult().getProofJson(), durable.getResult().getProofJson());
            assertEquals(job.getResult().getPublicSignalsList(), durable.getResult().getPublicSignalsList());
        }
    }

    /**
     * A job offered straight to the idle worker over the cluster is proved exactly once, and its record is settled
     * (the workers' group commits past it). Whether the worker proves an offered job from the offer or from the
     * record's Kafka copy is a race the farm allows (whichever comes first runs; the other is settled without a
     * proof): this test asserts the guarantee, not the winner. Which worker an offer goes to and which partition its
     * record is written to are tested deterministically in the coordinator's JobOfferTest.
     */
    @Test
    void jobOfferedToAnIdleWorkerIsProvedOnceAndItsRecordIsSettled() throws Exception {
        Eventually.await("the worker to tell the coordinator its state", Duration.ofSeconds(30), () -> live.coordinator.knownWorkers() == 1);
        awaitRecordsSettled(); // earlier tests' jobs are all done: the worker is idle
        long offers = live.coordinator.jobOffers(), taken = live.worker.offersTaken(), proofs = live.worker.proofsMade();
        List<Job> jobs = new ArrayList<>();
        // a job may find the worker's idle state not yet told (it is sent on change and every 5 s): prove one job
        // after another until one was offered
        Eventually.await("a job to be offered to the idle worker", Duration.ofSeconds(120), () -> {
            Job job = live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS).prove(commitment(commitmentInput(400 + jobs.size())));
            jobs.add(job);
            return live.coordinator.jobOffers() > offers;
        });
        assertEquals(offers + 1, live.coordinator.jobOffers(), "one job offered: the worker is claimed until it tells a newer state");
        assertTrue(live.worker.offersTaken() - taken <= 1, "the worker took at most the one offer made");
        for (Job job : jobs) {
            assertVerifiesWithSnarkjs(job, Artifacts.commitmentVkey());
            assertEquals(List.of("w1", 1), List.of(job.getResult().getWorkerId(), job.getAttempts()), job.getJobId());
        }
        awaitRecordsSettled();
        assertEquals(jobs.size(), live.worker.proofsMade() - proofs, "each job proved exactly once, the offered one included");
    }

    /** Waits until the workers' group has committed every job record (so every job's Kafka copy is settled). */
    static void awaitRecordsSettled() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", live.broker.bootstrapServers()))) {
            List<String> topics = new FarmTopics(live.farm.prefix).jobTopics();
            Eventually.await("the workers' group to commit every job record (records not yet committed)", Duration.ofSeconds(30), () -> {
                var committed = admin.listConsumerGroupOffsets(live.farm.prefix + ".workers").partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (var t : admin.describeTopics(topics).allTopicNames().get().values())
                    for (var p : t.partitions()) latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest());
                long lag = 0;
                for (var e : admin.listOffsets(latest).all().get().entrySet()) {
                    var c = committed.get(e.getKey());
                    lag += e.getValue().offset() - (c == null ? 0 : c.offset());
                }
                return lag;
            }, lag -> lag == 0);
        }
    }

    @Test
    void watchSeesTheJobsStatesInOrderEndingSucceeded() {
        SubmitResponse s = live.client.blocking().submit(commitment(commitmentInput(1)));
        List<JobStatus> seen = new ArrayList<>();
        live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS).watchJob(WatchJobRequest.newBuilder().setJobId(s.getJobId()).build())
                .forEachRemaining(j -> { if (seen.isEmpty() || seen.getLast() != j.getStatus()) seen.add(j.getStatus()); });
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, seen.getLast());
        // in order, each at most once; RUNNING may be missing: a job done within worker.running.report.delay.ms sends
        // no RUNNING report, and a result notice can overtake the report, which travels through Kafka
        assertTrue(seen.equals(List.of(JobStatus.JOB_STATUS_QUEUED, JobStatus.JOB_STATUS_RUNNING, JobStatus.JOB_STATUS_SUCCEEDED))
                || seen.equals(List.of(JobStatus.JOB_STATUS_QUEUED, JobStatus.JOB_STATUS_SUCCEEDED))
                || seen.equals(List.of(JobStatus.JOB_STATUS_RUNNING, JobStatus.JOB_STATUS_SUCCEEDED))
                || seen.equals(List.of(JobStatus.JOB_STATUS_SUCCEEDED)), seen.toString());
    }

    @Test
    void inputTheCircuitRejectsFailsOnceAndTheWorkerGoesOn() throws Exception {
        // well-formed field elements, but the circuit has no signal 'amount' and lacks 'secret'
        var e = assertThrows(StatusRuntimeException.class, () -> live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS)
                .prove(commitment("{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"amount\":\"4\"}")));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().startsWith("witness: "), e.getStatus().getDescription());
        // the same worker proves the next job
        assertVerifiesWithSnarkjs(live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS).prove(commitment(commitmentInput(2))),
                Artifacts.commitmentVkey());
    }

    /**
     * Issue 13, finding 7: a job the circuit rejects comes back naming the circuit and the signal. Before, the
     * witness calculator was named by its file, so every such message began with the worker's cache path
     * ({@code /tmp/.../worker-cache/<sha>: input: ...}), and a missing input was not named (a worker has no .sym file).
     */
    @Test
    void jobErrorsNameTheCircuitAndTheSignalNeverTheWorkersFiles() {
        Map<String, String[]> cases = Map.of(
                "{\"value\":\"1\",\"nullifier\":\"3\",\"secret\":\"4\"}", new String[] {"label", "missing"},
                "{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"secret\":\"4\",\"bogus\":\"5\"}", new String[] {"bogus", "not an input"},
                "{\"value\":\"1\",\"label\":[\"2\",\"3\"],\"nullifier\":\"3\",\"secret\":\"4\"}", new String[] {"label", "expects 1"});
        for (var c : cases.entrySet()) {
            var e = assertThrows(StatusRuntimeException.class, () -> live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS)
                    .prove(commitment(c.getKey())));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
            ClientMessages.assertClean(e.getStatus().getDescription(), c.getValue());
            assertTrue(e.getStatus().getDescription().contains("commitment@1.0.2"), e.getStatus().getDescription());
        }
    }

    @Test
    void twoHundredConcurrentSubmissionsAllCompleteWithValidProofs() throws Exception {
        int n = 200;
        List<CompletableFuture<Job>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<Job> f = new CompletableFuture<>();
            live.client.async().withDeadlineAfter(10, TimeUnit.MINUTES).prove(commitment(commitmentInput(1000 + i)), new StreamObserver<>() {
                @Override public void onNext(Job j) { f.complete(j); }
                @Override public void onError(Throwable t) { f.completeExceptionally(t); }
                @Override public void onCompleted() { }
            });
            results.add(f);
        }
        VerificationKey vk = VerificationKey.readJson(Artifacts.commitmentVkey());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Job j = results.get(i).get(10, TimeUnit.MINUTES);
            assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, j.getStatus());
            assertTrue(ids.add(j.getJobId()));
            PublicSignals pub = PublicSignals.parseJson(j.getResult().getPublicJson(), "public");
            assertTrue(Verifier.verify(vk, pub, Proof.parseJson(j.getResult().getProofJson(), "proof")), "job " + i + " proof verifies");
            // the commitment circuit's first output is Poseidon(value, label, Poseidon(nullifier, secret)): distinct per input
            assertEquals(4, pub.size());
        }
        assertEquals(n, results.stream().map(f -> f.join().getResult().getPublicJson()).distinct().count());
        assertVerifiesWithSnarkjs(results.get(n - 1).join(), Artifacts.commitmentVkey());
    }

    @Test
    void batchWithValidAndInvalidJobsProvesTheValidOnes() throws Exception {
        List<SubmitRequest> batch = List.of(
                commitment(commitmentInput(3000)),
                commitment("{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"secret\":\"-4\"}"),
                SubmitRequest.newBuilder(commitment(commitmentInput(3001))).setIdempotencyKey("e2e-batch").build(),
                SubmitRequest.newBuilder(commitment(commitmentInput(3001))).setIdempotencyKey("e2e-batch").build(), // a replay
                // well-formed, but the circuit has no signal 'amount': refused by the worker, a terminal FAILED result
                commitment("{\"value\":\"1\",\"label\":\"2\",\"nullifier\":\"3\",\"amount\":\"4\"}"));
        var r = live.client.submitBatchAsync(batch, true, java.time.Duration.ofSeconds(300)).get(300, TimeUnit.SECONDS).getResultsList();
        assertEquals(5, r.size());
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), r.get(1).getError().getCode());
        assertEquals("input signal 'secret': negative value; field elements are 0 ≤ x < r", r.get(1).getError().getMessage());
        assertTrue(r.get(3).getSubmitted().getExisting());
        assertEquals(r.get(2).getSubmitted().getJobId(), r.get(3).getSubmitted().getJobId());
        assertEquals(r.get(2).getJob(), r.get(3).getJob());
        for (int i : new int[]{0, 2}) {
            assertEquals(r.get(i).getSubmitted().getJobId(), r.get(i).getJob().getJobId());
            assertVerifiesWithSnarkjs(r.get(i).getJob(), Artifacts.commitmentVkey());
        }
        assertEquals(JobStatus.JOB_STATUS_FAILED, r.get(4).getJob().getStatus());
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), r.get(4).getJob().getError().getCode());
        assertTrue(r.get(4).getJob().getError().getMessage().startsWith("witness: "), r.get(4).getJob().getError().getMessage());
    }

    /**
     * Also usage's CPU figures (docs/security.md, "Usage metering"): measured by the worker's OS for the witness and
     * for the proof over all its threads, positive, within wall time × cores, and a withdraw (a circuit ~100× the
     * commitment's) costs more CPU in both stages than a commitment.
     */
    @Test
    void withdrawRequestIsBuiltCheckedProvedAndVerified() throws Exception {
        ZeroXBowInputs.Case c = ZeroXBowInputs.withdrawCases(500, 1, 7, 4, false).getFirst();
        Job job = live.client.blocking().withDeadlineAfter(300, TimeUnit.SECONDS).prove(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setName("withdraw")).setWithdrawRequestJson(c.request()).build());
        assertVerifiesWithSnarkjs(job, Artifacts.withdrawVkey());
        assertEquals(c.publicSignals(), PublicSignals.parseJson(job.getResult().getPublicJson(), "public").toJson().lines()
                .map(String::strip).filter(l -> l.startsWith("\"")).map(l -> l.replaceAll("[\",]", "")).toList());

        StageTimings heavy = job.getResult().getTimings();
        StageTimings light = live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS).prove(commitment(commitmentInput(40)))
                .getResult().getTimings();
        int cores = Runtime.getRuntime().availableProcessors(); // the worker runs in this JVM
        for (StageTimings t : List.of(heavy, light)) {
            assertTrue(t.getWitnessCpuMicros() > 0 && t.getProveCpuMicros() > 0, t::toString);
            assertTrue(t.getWitnessCpuMicros() <= t.getWitnessMicros() * cores, t::toString);
            // the prove's CPU includes its verification's
            assertTrue(t.getProveCpuMicros() <= (t.getProveMicros() + t.getVerifyMicros()) * cores, t::toString);
        }
        assertTrue(heavy.getWitnessCpuMicros() > light.getWitnessCpuMicros(), heavy + " vs " + light);
        assertTrue(heavy.getProveCpuMicros() > light.getProveCpuMicros(), heavy + " vs " + light);
    }

    /**
     * A withdraw witness made by snarkjs (.wtns, ~1.2 MB: over Kafka's default record limit of ~1 MB, which refused it
     * before) is proved through the farm: the farm creates its jobs topics with 8 MiB records.
     */
    @Test
    void withdrawWitnessOverAMegabyteIsProved(@TempDir Path dir) throws Exception {
        ZeroXBowInputs.Case c = ZeroXBowInputs.withdrawCases(700, 1, 5, 3, false).getFirst();
        Path wtns = dir.resolve("withdraw.wtns");
        Snarkjs.wtnsCalculate(Artifacts.withdrawWasm(), Files.writeString(dir.resolve("input.json"), c.input()), wtns);
        byte[] bytes = Files.readAllBytes(wtns);
        assertTrue(bytes.length > 1_048_588, "a withdraw .wtns is larger than Kafka's default max.message.bytes: " + bytes.length);
        Job job = live.client.blocking().withDeadlineAfter(300, TimeUnit.SECONDS).prove(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setName("withdraw")).setWtns(com.google.protobuf.ByteString.copyFrom(bytes)).build());
        assertVerifiesWithSnarkjs(job, Artifacts.withdrawVkey());
    }

    @Test
    void impossibleWithdrawalIsRefusedBeforeEnqueueNamingTheField() {
        ZeroXBowInputs.Case c = ZeroXBowInputs.withdrawCases(600, 1, 3, 2, false).getFirst();
        String tooMuch = c.request().replaceFirst("\"withdrawnValue\"\\s*:\\s*\"[0-9]+\"", "\"withdrawnValue\":\"" + "9".repeat(30) + "\"");
        var e = assertThrows(StatusRuntimeException.class, () -> live.client.blocking().submit(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setName("withdraw")).setWithdrawRequestJson(tooMuch).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("withdraw request: ") && e.getStatus().getDescription().contains("withdrawnValue"),
                e.getStatus().getDescription());
    }
}
