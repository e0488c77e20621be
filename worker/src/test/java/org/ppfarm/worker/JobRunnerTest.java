package org.ppfarm.worker;

import org.ppfarm.farm.Sha256;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.worker.pipeline.ProvingPipeline;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The worker's per-job decisions that must never reach a prover: late, finished and unreadable jobs. */
class JobRunnerTest {
    final InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
    final List<JobEvent> events = new ArrayList<>();
    final Set<String> finished = ConcurrentHashMap.newKeySet();

    JobRunner runner(Path cache) throws Exception {
        ProvingPipeline.Factory neverLoads = new ProvingPipeline.Factory() {
            @Override public ProvingPipeline load(ProvingPipeline.CircuitFiles f) { throw new AssertionError("no circuit may be loaded"); }
            @Override public String backend() { return "none"; }
        };
        return runner(cache, neverLoads, 50);
    }

    /** A runner whose events are recorded in {@link #events} as Kafka acknowledges them (at once). */
    JobRunner runner(Path cache, ProvingPipeline.Factory pipelines, long runningReportDelayMillis) throws Exception {
        return runner(cache, pipelines, runningReportDelayMillis, List.of());
    }

    /** As above, fetching artifacts from {@code coordinators}. */
    JobRunner runner(Path cache, ProvingPipeline.Factory pipelines, long runningReportDelayMillis, List<String> coordinators) throws Exception {
        var circuits = new ResidentCircuits(pipelines, new ArtifactFetcher(coordinators, cache));
        JobRunner.Publisher kafka = e -> { events.add(e); return CompletableFuture.completedFuture(null); };
        return new JobRunner("w", new JobRunner.Collaborators(circuits, keys, kafka, ResultNotices.NONE, finished, new OfferedJobs(),
                new WorkerMetrics(new PrometheusRegistry())), runningReportDelayMillis);
    }

    ConsumerRecord<String, byte[]> record(String jobId, long deadlineMillis) {
        JobRecord.Builder b = JobRecord.newBuilder().setJobId(jobId)
                .setCircuit(Circuit.newBuilder().setName("c@1").setZkeySha256("aa".repeat(32)).setWasmSha256("bb".repeat(32)))
                .setInputKind(InputKind.INPUT_KIND_JSON)
                .setInput(InputSeal.seal(keys.publicKey(), jobId, "{\"a\":\"1\"}".getBytes(StandardCharsets.UTF_8)))
                .setSubmittedAt(Timestamps.fromMillis(System.currentTimeMillis() - 1000));
        if (deadlineMillis > 0) b.setDeadline(Timestamps.fromMillis(deadlineMillis));
        return new ConsumerRecord<>("p.jobs.normal", 0, 0, jobId, b.build().toByteArray());
    }

    /**
     * A circuit whose artifacts are already in the worker's cache under their true SHA-256 (so nothing is fetched),
     * and a runner whose pipeline loads but must never prove: each job below fails before proving.
     */
    JobRunner loadingRunner(Path cache, long runningReportDelayMillis) throws Exception {
        ProvingPipeline.Factory loads = new ProvingPipeline.Factory() {
            @Override public ProvingPipeline load(ProvingPipeline.CircuitFiles f) {
                return (kind, input) -> { throw new AssertionError("nothing may be proved from an input that did not open"); };
            }
            @Override public String backend() { return "none"; }
        };
        return runner(cache, loads, runningReportDelayMillis);
    }

    static String cached(Path cache, String content) throws Exception {
        Path tmp = java.nio.file.Files.writeString(cache.resolve("tmp"), content);
        String sha = Sha256.of(tmp);
        java.nio.file.Files.move(tmp, cache.resolve(sha));
        return sha;
    }

    ConsumerRecord<String, byte[]> sealedForAnotherJob(Path cache, String jobId) throws Exception {
        Circuit c = Circuit.newBuilder().setName("c@1").setZkeySha256(cached(cache, "zkey " + jobId)).setWasmSha256(cached(cache, "wasm " + jobId)).build();
        JobRecord r = JobRecord.newBuilder().setJobId(jobId).setCircuit(c).setInputKind(InputKind.INPUT_KIND_JSON)
                .setInput(InputSeal.seal(keys.publicKey(), "another-job", "{\"a\":\"1\"}".getBytes(StandardCharsets.UTF_8)))
                .setSubmittedAt(Timestamps.fromMillis(System.currentTimeMillis() - 1000)).setIdempotencyKey("key-" + jobId).build();
        return new ConsumerRecord<>("p.jobs.normal", 0, 0, jobId, r.toByteArray());
    }

    /**
     * A withdraw request a client sealed is opened and built into the circuit's input on the worker: the pipeline gets
     * circuit-input JSON; an impossible request fails the job with the coordinator's own message for it in plaintext.
     */
    @Test
    void aSealedWithdrawRequestIsBuiltOnTheWorkerOrFailsWithItsNamedError(@TempDir Path cache) throws Exception {
        List<String> proved = new ArrayList<>();
        ProvingPipeline.Factory captures = new ProvingPipeline.Factory() {
            @Override public ProvingPipeline load(ProvingPipeline.CircuitFiles f) {
                return (kind, input) -> {
                    proved.add(kind + " " + new String(input, StandardCharsets.UTF_8));
                    throw new ProvingPipeline.JobInputException("captured");
                };
            }
            @Override public String backend() { return "none"; }
        };
        JobRunner r = runner(cache, captures, 60_000);
        org.ppfarm.testkit.ZeroXBowInputs.Case c = org.ppfarm.testkit.ZeroXBowInputs.withdrawCases(300, 1, 3, 2, false).getFirst();
        String tooMuch = c.request().replaceFirst("\"withdrawnValue\"\\s*:\\s*\"[0-9]+\"", "\"withdrawnValue\":\"" + "9".repeat(30) + "\"");
        assertTrue(r.run(sealedRequest(cache, "w1", c.request())).toCompletableFuture().get());
        assertTrue(r.run(sealedRequest(cache, "w2", tooMuch)).toCompletableFuture().get());
        assertEquals(1, proved.size());
        String existingSecret = new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.input()).get("existingSecret").asText();
        assertTrue(proved.getFirst().startsWith("INPUT_KIND_JSON {") && proved.getFirst().contains(existingSecret), "the circuit input was proved");
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), events.get(1).getFailed().getCode());
        String why = events.get(1).getFailed().getMessage();
        assertTrue(why.startsWith("withdraw request: ") && why.contains("withdrawnValue"), why);
    }

    ConsumerRecord<String, byte[]> sealedRequest(Path cache, String jobId, String request) throws Exception {
        Circuit c = Circuit.newBuilder().setName("withdraw@1").setZkeySha256(cached(cache, "zkey " + jobId)).setWasmSha256(cached(cache, "wasm " + jobId)).build();
        JobRecord rec = JobRecord.newBuilder().setJobId(jobId).setCircuit(c).setInputKind(InputKind.INPUT_KIND_WITHDRAW_REQUEST)
                .setInput(new InputSeal.Sealer(keys.publicKey()).seal(jobId, request.getBytes(StandardCharsets.UTF_8)))
                .setSubmittedAt(Timestamps.fromMillis(System.currentTimeMillis() - 1000)).build();
        return new ConsumerRecord<>("p.jobs.normal", 0, 0, jobId, rec.toByteArray());
    }

    @Test
    void aJobWhoseArtifactsNoCoordinatorCanSendIsHandedBackNotFailed(@TempDir Path cache) throws Exception {
        String dead;
        try (ServerSocket s = new ServerSocket(0)) { dead = "127.0.0.1:" + s.getLocalPort(); }
        ProvingPipeline.Factory neverLoads = new ProvingPipeline.Factory() {
            @Override public ProvingPipeline load(ProvingPipeline.CircuitFiles f) { throw new AssertionError("no circuit may be loaded"); }
            @Override public String backend() { return "none"; }
        };
        JobRunner r = runner(cache, neverLoads, 50, List.of(dead));
        for (int i = 1; i <= JobRunner.UNKNOWN_ATTEMPTS + 1; i++) {
            long t0 = System.nanoTime();
            assertEquals(false, r.run(record("j" + i, 0)).toCompletableFuture().get(), "handed back, however often");
            assertTrue(System.nanoTime() - t0 >= 900_000_000L, "after a pause");
        }
        assertEquals(List.of(), events, "no terminal event: the job is not failed");
    }

    @Test
    void runningIsReportedBeforeTheTerminalEventOnlyForJobsStillRunningAfterTheDelay(@TempDir Path cache) throws Exception {
        // delay 0: every job is reported RUNNING, and its started event is handed over before its terminal event
        assertTrue(loadingRunner(cache, 0).run(sealedForAnotherJob(cache, "j5")).toCompletableFuture().get());
        assertEquals(List.of(JobEvent.EventCase.STARTED, JobEvent.EventCase.FAILED), events.stream().map(JobEvent::getEventCase).toList());
        assertEquals(Status.Code.FAILED_PRECONDITION.value(), events.get(1).getFailed().getCode());
        // the terminal event carries the job as submitted, for a coordinator that never saw it
        assertEquals("key-j5", events.get(1).getSubmission().getIdempotencyKey());
        assertEquals("c@1", events.get(1).getSubmission().getCircuit().getName());
        // a job that ends well within the delay goes straight to its terminal event
        events.clear();
        assertTrue(loadingRunner(cache, 60_000).run(sealedForAnotherJob(cache, "j6")).toCompletableFuture().get());
        assertEquals(List.of(JobEvent.EventCase.FAILED), events.stream().map(JobEvent::getEventCase).toList());
    }

    /**
     * A job whose terminal event Kafka acknowledged counts as finished on this worker at once (so a late offer of it is
     * not taken: {@link Offers#offer}); an offered run's event is only held, and an event Kafka did not take leaves the
     * job to be tried again, so neither does.
     */
    @Test
    void aJobIsFinishedHereOnceKafkaHasItsTerminalEvent(@TempDir Path cache) throws Exception {
        assertTrue(runner(cache).run(record("j7", System.currentTimeMillis() - 1)).toCompletableFuture().get());
        assertTrue(finished.contains("j7"), "finished once its event is durable");
        CompletableFuture<Boolean> offer = new OfferedJobs().take("j8");
        runner(cache).run(record("j8", System.currentTimeMillis() - 1), offer);
        assertTrue(!finished.contains("j8"), "an offered run's event is held for the job's Kafka copy");
        JobRunner.Publisher refusing = e -> CompletableFuture.failedFuture(new IllegalStateException("broker down"));
        JobRunner r = new JobRunner("w", new JobRunner.Collaborators(new ResidentCircuits(null, new ArtifactFetcher(List.of(), cache)), keys,
                refusing, ResultNotices.NONE, finished, new OfferedJobs(), new WorkerMetrics(new PrometheusRegistry())), 50);
        assertEquals(false, r.run(record("j9", System.currentTimeMillis() - 1)).toCompletableFuture().get());
        assertTrue(!finished.contains("j9"), "an event Kafka did not take: the job is tried again");
    }

    @Test
    void jobPastItsDeadlineIsDroppedNotProved(@TempDir Path cache) throws Exception {
        assertTrue(runner(cache).run(record("j1", System.currentTimeMillis() - 1)).toCompletableFuture().get());
        assertEquals(1, events.size());
        assertEquals(Status.Code.DEADLINE_EXCEEDED.value(), events.getFirst().getFailed().getCode());
        assertTrue(events.getFirst().getFailed().getMessage().endsWith("passed before a worker started it; dropped, not proved"));
    }

    @Test
    void finishedOrCancelledJobIsSkippedSilently(@TempDir Path cache) throws Exception {
        finished.add("j2");
        assertTrue(runner(cache).run(record("j2", 0)).toCompletableFuture().get());
        assertEquals(List.of(), events);
    }

    @Test
    void unreadableRecordFailsItsJobWithoutPoisoningThePartition(@TempDir Path cache) throws Exception {
        assertTrue(runner(cache).run(new ConsumerRecord<>("p.jobs.normal", 0, 7, "j3", new byte[]{(byte) 0xff, 1, 2})).toCompletableFuture().get());
        assertEquals(1, events.size());
        assertEquals("j3", events.getFirst().getJobId());
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), events.getFirst().getFailed().getCode());
    }

    @Test
    void inputSealedForAnotherJobDoesNotOpen() {
        var sealed = InputSeal.seal(keys.publicKey(), "job-a", new byte[]{1, 2, 3});
        var e = org.junit.jupiter.api.Assertions.assertThrows(InputSeal.SealException.class, () -> InputSeal.open(keys, "job-b", sealed));
        assertTrue(e.getMessage().startsWith("job job-b: sealed input does not open"), e.getMessage());
        var other = InputSeal.KeyPair.generate();
        e = org.junit.jupiter.api.Assertions.assertThrows(InputSeal.SealException.class, () -> InputSeal.open(other, "job-a", sealed));
        assertTrue(e.getMessage().contains("sealed to key"), e.getMessage());
    }

    @Test
    void sessionSealedInputsOpenOnlyForTheirJobAndKey() throws Exception {
        var sealer = new InputSeal.Sealer(keys.publicKey());
        var opener = new InputSeal.Opener(keys);
        var a = sealer.seal("job-a", new byte[]{1, 2, 3});
        var b = sealer.seal("job-b", new byte[]{4, 5});
        assertEquals(a.getEnc(), b.getEnc(), "one encapsulation serves the session");
        assertNotEquals(a.getNonce(), b.getNonce(), "every job has its own nonce");
        assertArrayEquals(new byte[]{1, 2, 3}, opener.open("job-a", a));
        assertArrayEquals(new byte[]{4, 5}, opener.open("job-b", b));
        var e = org.junit.jupiter.api.Assertions.assertThrows(InputSeal.SealException.class, () -> opener.open("job-b", a));
        assertTrue(e.getMessage().startsWith("job job-b: sealed input does not open"), e.getMessage());
        byte[] ct = a.getCiphertext().toByteArray();
        ct[0] ^= 1;
        var tampered = a.toBuilder().setCiphertext(com.google.protobuf.ByteString.copyFrom(ct)).build();
        org.junit.jupiter.api.Assertions.assertThrows(InputSeal.SealException.class, () -> opener.open("job-a", tampered));
        var other = InputSeal.KeyPair.generate();
        e = org.junit.jupiter.api.Assertions.assertThrows(InputSeal.SealException.class, () -> new InputSeal.Opener(other).open("job-a", a));
        assertTrue(e.getMessage().contains("sealed to key"), e.getMessage());
        // a different key pair with the same key id cannot exist, but a forged enc must still fail, not open. The
        // lowest bit of the first byte always changes the X25519 u-coordinate (zeroing the last byte, as this test
        // once did, left it unchanged whenever that byte was 0x00 or 0x80: X25519 ignores its top bit)
        byte[] enc = a.getEnc().toByteArray();
        enc[0] ^= 1;
        var forged = a.toBuilder().setEnc(com.google.protobuf.ByteString.copyFrom(enc)).build();
        org.junit.jupiter.api.Assertions.assertThrows(InputSeal.SealException.class, () -> new InputSeal.Opener(keys).open("job-a", forged));
    }
}
