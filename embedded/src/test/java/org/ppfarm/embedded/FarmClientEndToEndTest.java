package org.ppfarm.embedded;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.client.RetryPolicy;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitBatchResponse;
import org.ppfarm.proto.v1.SubmitBatchResult;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.testkit.Artifacts;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client library ({@link FarmClient}) against a real farm — coordinator, real broker, worker, real proofs: the
 * calls of its README (submit, get, watch, cancel, prove, batch) and the guarantee its retries rest on, that a
 * submission whose answer was lost and is then retried makes one job, not two.
 */
class FarmClientEndToEndTest {
    static OneWorkerFarm live;

    @BeforeAll
    static void start() throws Exception {
        live = OneWorkerFarm.start(false);
    }

    @AfterAll
    static void stop() throws Exception { live.close(); }

    static SubmitRequest commitment(long i) {
        return FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(5000 + i));
    }

    /**
     * Lets the request of the first {@code n} calls reach the coordinator and answer, then loses the answer: the
     * call fails UNAVAILABLE as when a connection drops after the request was sent — the case a retried submission
     * must not turn into a second job.
     */
    static final class LoseAnswers implements ClientInterceptor {
        final AtomicInteger toLose;
        final List<String> calls = new CopyOnWriteArrayList<>();

        LoseAnswers(int n) { toLose = new AtomicInteger(n); }

        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            boolean lose = toLose.getAndDecrement() > 0;
            calls.add(method.getBareMethodName());
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<A> listener, Metadata headers) {
                    super.start(!lose ? listener : new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override public void onMessage(A message) { /* lost on the way back */ }

                        @Override public void onClose(Status status, Metadata trailers) {
                            super.onClose(Status.UNAVAILABLE.withDescription("connection lost after the request was sent (test)"), trailers);
                        }
                    }, headers);
                }
            };
        }
    }

    /** A client whose first {@code n} calls lose their answers. */
    static FarmClient losing(ManagedChannel ch, LoseAnswers lose) {
        return FarmClient.builder(ClientInterceptors.intercept(ch, lose)).build();
    }

    static ManagedChannel channel() {
        return NettyChannelBuilder.forTarget("127.0.0.1:" + live.coordinator.port()).usePlaintext().build();
    }

    @Test
    void submitGetAndWatchFollowAJobToItsProof() throws Exception {
        SubmitResponse s = live.client.submit(commitment(1));
        assertFalse(s.getExisting());
        List<Job> states;
        try (var watch = live.client.watch(s.getJobId())) {
            states = watch.toList();
        }
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, states.getLast().getStatus(), states.toString());
        assertEquals(states.size(), states.stream().distinct().count(), "no state twice: " + states);
        Job job = live.client.get(s.getJobId());
        FarmEndToEndTest.assertVerifiesWithSnarkjs(job, Artifacts.commitmentVkey());
        assertTrue(job.getIdempotencyKey().startsWith("ppfarm-"), "the client keyed the submission: " + job.getIdempotencyKey());
        assertEquals(job, live.client.cancel(s.getJobId()), "cancelling a finished job returns it unchanged");
    }

    @Test
    void proveReturnsTheVerifiedProof() throws Exception {
        Job job = live.client.prove(commitment(2), Duration.ofMinutes(2));
        FarmEndToEndTest.assertVerifiesWithSnarkjs(job, Artifacts.commitmentVkey());
    }

    @Test
    void aBatchIsAnsweredJobByJobWithTheirResults() throws Exception {
        SubmitRequest unknown = SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("nosuch")).setInputJson("{}").build();
        SubmitBatchResponse r = live.client.submitBatch(List.of(commitment(3), unknown, commitment(4)), true, Duration.ofMinutes(2));
        assertEquals(3, r.getResultsCount());
        assertEquals(Status.Code.NOT_FOUND.value(), r.getResults(1).getError().getCode());
        for (int i : new int[] {0, 2}) FarmEndToEndTest.assertVerifiesWithSnarkjs(r.getResults(i).getJob(), Artifacts.commitmentVkey());
    }

    @Test
    void aRefusalIsAFarmExceptionWithTheStatus() {
        SubmitRequest unknown = SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("nosuch")).setInputJson("{}").build();
        FarmException e = assertThrows(FarmException.class, () -> live.client.submit(unknown));
        assertEquals(Status.Code.NOT_FOUND, e.code());
        assertTrue(e.refused() && e.getMessage().startsWith("NOT_FOUND: ") && e.getMessage().contains("nosuch"), e.getMessage());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(FarmException.class, () -> live.client.get("no-such-job")).code());
    }

    @Test
    void aSubmitWhoseAnswerWasLostIsRetriedIntoTheSameJob() throws Exception {
        LoseAnswers lose = new LoseAnswers(2);
        ManagedChannel ch = channel();
        try (FarmClient c = losing(ch, lose)) {
            SubmitResponse s = c.submit(commitment(6));
            assertEquals(List.of("Submit", "Submit", "Submit"), lose.calls);
            assertTrue(s.getExisting(), "the retry found the job the first attempt made");
            Job job = live.client.get(s.getJobId());
            assertEquals(s, live.client.submit(commitment(6).toBuilder().setIdempotencyKey(job.getIdempotencyKey()).build()),
                    "the key names this one job");
            try (var watch = live.client.watch(s.getJobId())) {
                assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, watch.toList().getLast().getStatus());
            }
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProveAndABatchWhoseAnswersWereLostAreRetriedOntoTheirJobs() throws Exception {
        ManagedChannel ch = channel();
        try {
            LoseAnswers lose = new LoseAnswers(1);
            try (FarmClient c = losing(ch, lose)) {
                Job job = c.prove(commitment(7), Duration.ofMinutes(2));
                assertEquals(List.of("Prove", "Prove"), lose.calls);
                FarmEndToEndTest.assertVerifiesWithSnarkjs(job, Artifacts.commitmentVkey());
                assertTrue(live.client.submit(commitment(7).toBuilder().setIdempotencyKey(job.getIdempotencyKey()).build()).getExisting());
            }
            lose = new LoseAnswers(1);
            try (FarmClient c = losing(ch, lose)) {
                SubmitBatchResponse r = c.submitBatch(List.of(commitment(8), commitment(9)), false, Duration.ofMinutes(1));
                assertEquals(List.of("SubmitBatch", "SubmitBatch"), lose.calls);
                for (SubmitBatchResult x : r.getResultsList()) assertTrue(x.getSubmitted().getExisting(), r.toString());
                assertEquals(2, Set.of(r.getResults(0).getSubmitted().getJobId(), r.getResults(1).getSubmitted().getJobId()).size());
            }
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutRetriesALostAnswerIsTheCallersToHandle() throws Exception {
        ManagedChannel ch = channel();
        LoseAnswers lose = new LoseAnswers(1);
        try (FarmClient c = FarmClient.builder(ClientInterceptors.intercept(ch, lose)).retry(RetryPolicy.NONE).build()) {
            assertEquals(Status.Code.UNAVAILABLE, assertThrows(FarmException.class, () -> c.submit(commitment(10))).code());
            assertEquals(1, lose.calls.size());
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aQueuedJobIsCancelled() throws Exception {
        // a second farm (its own topics) with no worker: its jobs stay queued until cancelled
        try (FarmFixture idle = new FarmFixture(live.broker)) {
            Coordinator c = idle.startCoordinator(Map.of());
            try (FarmClient fc = FarmFixture.client(c)) {
                fc.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
                String id = fc.submit(commitment(11)).getJobId();
                assertEquals(JobStatus.JOB_STATUS_QUEUED, fc.get(id).getStatus());
                Job cancelled = fc.cancel(id);
                assertEquals(JobStatus.JOB_STATUS_CANCELLED, cancelled.getStatus());
                try (var watch = fc.watch(id)) {
                    assertEquals(List.of(cancelled), watch.toList(), "a finished job's watch is its final state");
                }
            } finally {
                c.close();
            }
        }
    }
}
