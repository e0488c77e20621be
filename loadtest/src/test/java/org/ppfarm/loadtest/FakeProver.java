package org.ppfarm.loadtest;

import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import org.ppfarm.client.FarmClient;
import org.ppfarm.loadtest.workload.RequestSource;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.CancelJobRequest;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ListCircuitsRequest;
import org.ppfarm.proto.v1.ListCircuitsResponse;
import org.ppfarm.proto.v1.ProofResult;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.StageTimings;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.WatchJobRequest;
import org.ppfarm.prover.groth16.PreparedVerifyingKey;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process stand-in for a farm's Prover service, for the tests of the tool itself (its schedule and its
 * latency correction), not of the farm: Prove answers at once with a SUCCEEDED job (no proof: these campaigns verify
 * none), except during a stall, {@code stallAfterMillis} after its first request for {@code stallMillis}, when every
 * answer waits for the stall's end. {@link #limitedTo} makes a farm of known capacity instead, with a sharp knee:
 * it answers at once while at most that many requests arrived in the last second, and after a second otherwise.
 */
final class FakeProver extends ProverGrpc.ProverImplBase implements AutoCloseable {
    private final long stallAfterNanos, stallNanos;
    /** With {@link #limitedTo}: the most requests a second answered at once (else 0), and the last second's arrivals. */
    private final int perSecond;
    private final java.util.ArrayDeque<Long> lastSecond = new java.util.ArrayDeque<>();
    private final AtomicLong first = new AtomicLong();
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private final Server server;
    private final ManagedChannel channel;
    final AtomicLong proves = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    /** Every Prove request as received, with the wall-clock time it came in (ms since the epoch). */
    final Queue<Received> received = new ConcurrentLinkedQueue<>();

    record Received(SubmitRequest request, long atMillis) {}

    FakeProver(long stallAfterMillis, long stallMillis) throws Exception { this(stallAfterMillis, stallMillis, 0); }

    /** A farm of capacity {@code perSecond} jobs/s: beyond it (over the last second) each answer takes a second. */
    static FakeProver limitedTo(int perSecond) throws Exception { return new FakeProver(0, 0, perSecond); }

    private FakeProver(long stallAfterMillis, long stallMillis, int perSecond) throws Exception {
        this.stallAfterNanos = stallAfterMillis * 1_000_000;
        this.stallNanos = stallMillis * 1_000_000;
        this.perSecond = perSecond;
        String name = InProcessServerBuilder.generateName();
        this.server = InProcessServerBuilder.forName(name).addService(this).build().start();
        this.channel = InProcessChannelBuilder.forName(name).build();
    }

    FarmClient client() { return FarmClient.builder(channel).build(); }

    @Override
    public void listCircuits(ListCircuitsRequest req, StreamObserver<ListCircuitsResponse> out) {
        out.onNext(ListCircuitsResponse.newBuilder().addCircuits(Circuit.newBuilder().setName("fake@1")).build());
        out.onCompleted();
    }

    @Override
    public void prove(SubmitRequest req, StreamObserver<Job> out) {
        long now = System.nanoTime();
        first.compareAndSet(0, now);
        proves.incrementAndGet();
        received.add(new Received(req, System.currentTimeMillis()));
        long stallStart = first.get() + stallAfterNanos, stallEnd = stallStart + stallNanos;
        Job j = Job.newBuilder().setJobId("job-" + proves.get()).setStatus(JobStatus.JOB_STATUS_SUCCEEDED)
                .setResult(ProofResult.newBuilder().setTimings(StageTimings.newBuilder().setQueuedMicros(10).setProveMicros(100))).build();
        Runnable answer = () -> {
            out.onNext(j);
            out.onCompleted();
        };
        if (perSecond > 0) {
            boolean over;
            synchronized (lastSecond) {
                while (!lastSecond.isEmpty() && lastSecond.peekFirst() <= now - 1_000_000_000L) lastSecond.pollFirst();
                lastSecond.addLast(now);
                over = lastSecond.size() > perSecond;
            }
            if (over) later.schedule(answer, 1, TimeUnit.SECONDS);
            else answer.run();
        } else if (stallNanos > 0 && now >= stallStart && now < stallEnd) later.schedule(answer, stallEnd - now, TimeUnit.NANOSECONDS);
        else answer.run();
    }

    /** Submit accepts every job, and the farm never finishes one: WatchJob and GetJob say QUEUED, CancelJob cancels. */
    @Override
    public void submit(SubmitRequest req, StreamObserver<SubmitResponse> out) {
        out.onNext(SubmitResponse.newBuilder().setJobId("held-" + proves.incrementAndGet()).build());
        out.onCompleted();
    }

    @Override
    public void watchJob(WatchJobRequest req, StreamObserver<Job> out) {
        out.onNext(Job.newBuilder().setJobId(req.getJobId()).setStatus(JobStatus.JOB_STATUS_QUEUED).build()); // and nothing more
    }

    @Override
    public void getJob(GetJobRequest req, StreamObserver<Job> out) {
        out.onNext(Job.newBuilder().setJobId(req.getJobId()).setStatus(JobStatus.JOB_STATUS_QUEUED).build());
        out.onCompleted();
    }

    @Override
    public void cancelJob(CancelJobRequest req, StreamObserver<Job> out) {
        cancelled.incrementAndGet();
        out.onNext(Job.newBuilder().setJobId(req.getJobId()).setStatus(JobStatus.JOB_STATUS_CANCELLED).build());
        out.onCompleted();
    }

    /** The fake's one circuit, with trivial requests (nothing to verify). */
    static RequestSource source() {
        return new RequestSource() {
            @Override public String circuit() { return "fake"; }

            @Override public Generated generate(long seed, long index) {
                return new Generated(SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("fake"))
                        .setInputJson("{\"i\":" + index + "}").build(), null);
            }

            @Override public PreparedVerifyingKey verifyingKey() { return null; }
        };
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        later.shutdownNow();
    }
}
