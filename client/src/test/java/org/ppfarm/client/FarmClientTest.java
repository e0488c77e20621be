package org.ppfarm.client;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.ClientSealedInput;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.GetSealingKeyRequest;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.SealedInput;
import org.ppfarm.proto.v1.SealedInputKind;
import org.ppfarm.proto.v1.SealingKey;
import org.ppfarm.proto.v1.SubmitBatchRequest;
import org.ppfarm.proto.v1.SubmitBatchResponse;
import org.ppfarm.proto.v1.SubmitBatchResult;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.WatchJobRequest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's transport behaviour against an in-process Prover server that fails the first calls as told and
 * records what it received: retries, idempotency keys, deadlines, resumed watches, cancellation. (The farm's own
 * behaviour — one job per key — is tested against a real coordinator in embedded's FarmClientEndToEndTest.)
 */
class FarmClientTest {
    static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20), 2, Set.of(Status.Code.UNAVAILABLE));

    /** Fails the first {@code failures} calls of each method with {@code failWith}; then answers as a farm would. */
    static final class FlakyProver extends ProverGrpc.ProverImplBase {
        volatile int failures;
        volatile Status failWith = Status.UNAVAILABLE.withDescription("coordinator restarting");
        final Map<String, AtomicInteger> calls = new HashMap<>();
        final List<String> keys = new CopyOnWriteArrayList<>();
        final List<List<String>> batchKeys = new CopyOnWriteArrayList<>();
        final Map<String, String> jobsByKey = new HashMap<>();
        final CountDownLatch proveCancelled = new CountDownLatch(1);
        final List<SubmitRequest> submitted = new CopyOnWriteArrayList<>();
        final InputSeal.KeyPair sealKeys = InputSeal.KeyPair.generate();

        private synchronized boolean fail(String method, StreamObserver<?> o) {
            int n = calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            if (n > failures) return false;
            o.onError(failWith.asRuntimeException());
            return true;
        }

        synchronized int calls(String method) { return calls.getOrDefault(method, new AtomicInteger()).get(); }

        private synchronized SubmitResponse job(SubmitRequest r) {
            String key = r.getIdempotencyKey();
            if (key.isEmpty()) return SubmitResponse.newBuilder().setJobId("job-" + jobsByKey.size() + "-unkeyed").build();
            boolean existing = jobsByKey.containsKey(key);
            String id = jobsByKey.computeIfAbsent(key, k -> "job-" + jobsByKey.size());
            return SubmitResponse.newBuilder().setJobId(id).setExisting(existing).build();
        }

        @Override public void submit(SubmitRequest r, StreamObserver<SubmitResponse> o) {
            keys.add(r.getIdempotencyKey());
            submitted.add(r);
            if (fail("submit", o)) return;
            o.onNext(job(r));
            o.onCompleted();
        }

        @Override public void prove(SubmitRequest r, StreamObserver<Job> o) {
            keys.add(r.getIdempotencyKey());
            if (fail("prove", o)) return;
            if (r.getCircuit().getName().equals("hang")) {
                ((ServerCallStreamObserver<Job>) o).setOnCancelHandler(proveCancelled::countDown);
                return;
            }
            o.onNext(Job.newBuilder().setJobId(job(r).getJobId()).setStatus(JobStatus.JOB_STATUS_SUCCEEDED).build());
            o.onCompleted();
        }

        @Override public void submitBatch(SubmitBatchRequest r, StreamObserver<SubmitBatchResponse> o) {
            batchKeys.add(r.getJobsList().stream().map(SubmitRequest::getIdempotencyKey).toList());
            if (fail("submitBatch", o)) return;
            SubmitBatchResponse.Builder b = SubmitBatchResponse.newBuilder();
            for (SubmitRequest j : r.getJobsList()) b.addResults(SubmitBatchResult.newBuilder().setSubmitted(job(j)));
            o.onNext(b.build());
            o.onCompleted();
        }

        @Override public void getSealingKey(GetSealingKeyRequest r, StreamObserver<SealingKey> o) {
            byte[] pk = sealKeys.publicKey();
            o.onNext(SealingKey.newBuilder().setPublicKey(ByteString.copyFrom(pk)).setFingerprint(InputSeal.fingerprint(pk)).setKeyId(InputSeal.keyId(pk)).build());
            o.onCompleted();
        }

        @Override public void getJob(GetJobRequest r, StreamObserver<Job> o) {
            if (fail("getJob", o)) return;
            o.onNext(Job.newBuilder().setJobId(r.getJobId()).setStatus(JobStatus.JOB_STATUS_QUEUED).build());
            o.onCompleted();
        }

        /** Sends QUEUED; the first stream then breaks, a reopened one sends QUEUED again, RUNNING, SUCCEEDED. */
        @Override public void watchJob(WatchJobRequest r, StreamObserver<Job> o) {
            int n;
            synchronized (this) { n = calls.computeIfAbsent("watchJob", m -> new AtomicInteger()).incrementAndGet(); }
            Job.Builder j = Job.newBuilder().setJobId(r.getJobId());
            o.onNext(j.setStatus(JobStatus.JOB_STATUS_QUEUED).build());
            if (n <= failures) { o.onError(failWith.asRuntimeException()); return; }
            o.onNext(j.setStatus(JobStatus.JOB_STATUS_RUNNING).build());
            o.onNext(j.setStatus(JobStatus.JOB_STATUS_SUCCEEDED).build());
            o.onCompleted();
        }
    }

    FlakyProver prover;
    Server server;
    ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        prover = new FlakyProver();
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(prover).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    FarmClient client(RetryPolicy retry) {
        return FarmClient.builder(channel).retry(retry).deadline(Duration.ofSeconds(10)).build();
    }

    static SubmitRequest request() {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment")).setInputJson("{}").build();
    }

    @Test
    void aSubmitRetriedAfterUnavailableCarriesOneGeneratedKeyAndMakesOneJob() {
        prover.failures = 2;
        SubmitResponse r = client(QUICK).submit(request());
        assertEquals(3, prover.calls("submit"));
        assertEquals(3, prover.keys.size());
        assertEquals(1, new HashSet<>(prover.keys).size(), "every attempt carries the same key: " + prover.keys);
        assertTrue(prover.keys.getFirst().matches("ppfarm-[0-9a-f]{32}"), prover.keys.getFirst());
        assertEquals("job-0", r.getJobId());
        assertEquals(1, prover.jobsByKey.size());
    }

    @Test
    void eachLogicalSubmissionGetsItsOwnKeyAndTheCallersKeyIsKept() {
        FarmClient c = client(QUICK);
        c.submit(request());
        c.submit(request());
        c.submit(request().toBuilder().setIdempotencyKey("relayer-tx-17").build());
        assertEquals(3, new HashSet<>(prover.keys).size(), prover.keys.toString());
        assertEquals("relayer-tx-17", prover.keys.getLast());
        SubmitResponse again = c.submit(request().toBuilder().setIdempotencyKey("relayer-tx-17").build());
        assertTrue(again.getExisting());
    }

    @Test
    void aProveRetriedAfterUnavailableKeepsItsKey() {
        prover.failures = 1;
        Job j = client(QUICK).prove(request(), Duration.ofSeconds(10));
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, j.getStatus());
        assertEquals(2, prover.keys.size());
        assertEquals(prover.keys.get(0), prover.keys.get(1));
    }

    @Test
    void aRetriedBatchResendsTheSameKeyForEachJobAndGivesEachJobItsOwn() {
        prover.failures = 1;
        List<SubmitRequest> jobs = List.of(request(), request().toBuilder().setIdempotencyKey("mine").build(), request());
        SubmitBatchResponse r = client(QUICK).submitBatch(jobs, false, Duration.ofSeconds(10));
        assertEquals(2, prover.batchKeys.size());
        assertEquals(prover.batchKeys.get(0), prover.batchKeys.get(1));
        List<String> keys = prover.batchKeys.getFirst();
        assertEquals("mine", keys.get(1));
        assertEquals(3, new HashSet<>(keys).size(), keys.toString());
        assertEquals(3, r.getResultsCount());
        assertEquals(3, prover.jobsByKey.size());
    }

    /**
     * A sealing client sends the input sealed to the pinned key for a job id it draws, and its retries the very same
     * id and bytes (the farm's idempotency check then knows them for one request); pinned to another key, it sends nothing.
     */
    @Test
    void aSealingClientSendsTheSameSealedBytesOnEveryAttemptAndNothingToAnotherKey() throws Exception {
        prover.failures = 2;
        FarmClient c = FarmClient.builder(channel).retry(QUICK).deadline(Duration.ofSeconds(10))
                .sealInputs(InputSeal.fingerprint(prover.sealKeys.publicKey()).toUpperCase()).build();
        c.submit(request().toBuilder().setInputJson("{\"secret\":\"918273645546372819\"}").build());
        assertEquals(3, prover.submitted.size());
        SubmitRequest sent = prover.submitted.getFirst();
        for (SubmitRequest r : prover.submitted) assertEquals(sent, r, "every attempt sends the same sealed request");
        assertEquals(SubmitRequest.InputCase.SEALED_INPUT, sent.getInputCase());
        assertEquals(SealedInputKind.SEALED_INPUT_KIND_JSON, sent.getSealedInput().getKind());
        assertEquals(4, java.util.UUID.fromString(sent.getJobId()).version());
        assertFalse(sent.toString().contains("918273645546372819"));
        ClientSealedInput in = sent.getSealedInput();
        SealedInput asRecorded = SealedInput.newBuilder().setKeyId(in.getKeyId()).setEnc(in.getEnc()).setCiphertext(in.getCiphertext()).setNonce(in.getNonce()).build();
        assertEquals("{\"secret\":\"918273645546372819\"}", new String(new InputSeal.Opener(prover.sealKeys).open(sent.getJobId(), asRecorded), StandardCharsets.UTF_8));

        FarmClient elsewhere = FarmClient.builder(channel).retry(QUICK).sealInputs(InputSeal.fingerprint(InputSeal.KeyPair.generate().publicKey())).build();
        FarmException e = assertThrows(FarmException.class, () -> elsewhere.submit(request()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
        assertTrue(e.status().getDescription().endsWith("; nothing was sent"), e.getMessage());
        assertEquals(3, prover.submitted.size());
        assertThrows(IllegalArgumentException.class, () -> FarmClient.builder(channel).sealInputs("abc"));
    }

    @Test
    void withoutRetriesNothingIsRetriedAndNoKeyIsAdded() {
        prover.failures = 1;
        FarmException e = assertThrows(FarmException.class, () -> client(RetryPolicy.NONE).submit(request()));
        assertEquals(Status.Code.UNAVAILABLE, e.code());
        assertEquals("UNAVAILABLE: coordinator restarting", e.getMessage());
        assertEquals(1, prover.calls("submit"));
        assertEquals(List.of(""), prover.keys);
    }

    @Test
    void aRefusalIsNotRetried() {
        prover.failures = 1;
        prover.failWith = Status.INVALID_ARGUMENT.withDescription("signal 'nullifier' is not a field element");
        FarmException e = assertThrows(FarmException.class, () -> client(QUICK).get("job-1"));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.refused());
        assertEquals(1, prover.calls("getJob"));
    }

    @Test
    void retriesStopAfterMaxAttemptsWithTheLastStatus() {
        prover.failures = 100;
        FarmException e = assertThrows(FarmException.class, () -> client(QUICK).get("job-1"));
        assertEquals(Status.Code.UNAVAILABLE, e.code());
        assertTrue(!e.refused());
        assertEquals(QUICK.maxAttempts(), prover.calls("getJob"));
    }

    @Test
    void retriesNeverOutliveTheCallsDeadline() {
        prover.failures = 1000;
        RetryPolicy slow = new RetryPolicy(1000, Duration.ofMillis(100), Duration.ofMillis(100), 1, Set.of(Status.Code.UNAVAILABLE));
        FarmClient c = FarmClient.builder(channel).retry(slow).deadline(Duration.ofMillis(500)).build();
        long t0 = System.nanoTime();
        assertThrows(FarmException.class, () -> c.get("job-1"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, ms + " ms");
        int calls = prover.calls("getJob");
        assertTrue(calls >= 2 && calls <= 10, calls + " attempts in a 500 ms deadline with 50-100 ms pauses");
    }

    @Test
    void aBrokenWatchIsReopenedAndTheRepeatedStateSkipped() {
        prover.failures = 1;
        try (var states = client(QUICK).watch("job-9")) {
            assertEquals(List.of(JobStatus.JOB_STATUS_QUEUED, JobStatus.JOB_STATUS_RUNNING, JobStatus.JOB_STATUS_SUCCEEDED),
                    states.map(Job::getStatus).toList());
        }
        assertEquals(2, prover.calls("watchJob"));
    }

    @Test
    void aWatchFailsWithTheStatusOnceRetriesAreSpent() {
        prover.failures = 100;
        try (var states = client(QUICK).watch("job-9")) {
            var it = states.iterator();
            assertEquals(JobStatus.JOB_STATUS_QUEUED, it.next().getStatus());
            FarmException e = assertThrows(FarmException.class, it::hasNext);
            assertEquals(Status.Code.UNAVAILABLE, e.code());
        }
        assertEquals(QUICK.maxAttempts(), prover.calls("watchJob"));
    }

    @Test
    void cancellingAnAsyncProveCancelsTheCallOnTheServer() throws Exception {
        CompletableFuture<Job> f = client(QUICK).proveAsync(SubmitRequest.newBuilder()
                .setCircuit(CircuitRef.newBuilder().setName("hang")).setInputJson("{}").build(), Duration.ofMinutes(1));
        while (prover.calls("prove") == 0) Thread.sleep(5);
        f.cancel(true);
        assertTrue(prover.proveCancelled.await(5, TimeUnit.SECONDS), "the server saw the call cancelled");
    }

    @Test
    void argumentsAreCheckedBeforeAnythingIsSent() {
        FarmClient c = client(QUICK);
        assertThrows(IllegalArgumentException.class, () -> c.get(""));
        assertThrows(IllegalArgumentException.class, () -> c.cancel(null));
        assertThrows(IllegalArgumentException.class, () -> c.watch(" "));
        assertThrows(NullPointerException.class, () -> c.submit(null));
        assertThrows(IllegalArgumentException.class, () -> c.prove(request(), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> FarmClient.builder("localhost:1").deadline(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> FarmClient.builder("localhost:1").maxInboundMessageBytes(0));
        assertThrows(IllegalStateException.class, () -> FarmClient.builder(channel).directExecutor().build());
        assertEquals(0, prover.calls.size(), "nothing reached the server");
    }
}
