package org.ppfarm.coordinator.grpc;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.ppfarm.coordinator.inputs.Identifiers;
import org.ppfarm.coordinator.jobs.JobListener;
import org.ppfarm.farm.jobs.JobStates;
import org.ppfarm.coordinator.jobs.JobSubmitter;
import org.ppfarm.coordinator.registry.CircuitRegistry;
import org.ppfarm.coordinator.tenants.Quotas;
import org.ppfarm.proto.v1.CancelJobRequest;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.GetSealingKeyRequest;
import org.ppfarm.proto.v1.SealingKey;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ListCircuitsRequest;
import org.ppfarm.proto.v1.ListCircuitsResponse;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.RegisterCircuitRequest;
import org.ppfarm.proto.v1.JobError;
import org.ppfarm.proto.v1.SubmitBatchRequest;
import org.ppfarm.proto.v1.SubmitBatchResponse;
import org.ppfarm.proto.v1.SubmitBatchResult;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.WatchJobRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gRPC edge of {@code ppfarm.v1.Prover}: maps requests onto the {@link JobSubmitter} and the circuit registry,
 * and the core's typed errors onto gRPC status codes (see {@link Statuses}). Holds no state of its own. Every job
 * call acts as the caller's tenant ({@link Authenticator#tenant()}, read on the calling thread): another tenant's job
 * is answered NOT_FOUND, exactly as a job that does not exist.
 */
public final class ProverService extends ProverGrpc.ProverImplBase {
    private static final Logger log = LoggerFactory.getLogger(ProverService.class);

    /** Most jobs one SubmitBatch may carry (the message as a whole is bounded by {@code grpc.max.message.bytes}). */
    public static final int MAX_BATCH_JOBS = 1000;

    private final JobSubmitter jobs;
    private final CircuitRegistry registry;
    private final Executor blocking;
    private final Quotas quotas;

    /**
     * The server calls this service on its transport threads (direct executor: one thread hop less per call). Every
     * call but RegisterCircuit only validates, seals and hands over to Kafka and actors without blocking;
     * RegisterCircuit writes to disk and runs on {@code blocking}, one message at a time.
     */
    public ProverService(JobSubmitter jobs, CircuitRegistry registry, Executor blocking, Quotas quotas) {
        this.quotas = quotas;
        this.jobs = jobs;
        this.registry = registry;
        this.blocking = blocking;
    }

    @Override
    public void submit(SubmitRequest request, StreamObserver<SubmitResponse> out) {
        if (!admitted(List.of(request), out)) return;
        jobs.submit(Authenticator.tenant().name(), request).whenComplete((s, e) -> {
            if (e != null) out.onError(Statuses.of(e));
            else {
                out.onNext(submitted(s));
                out.onCompleted();
            }
        });
    }

    private static SubmitResponse submitted(JobSubmitter.Submitted s) {
        return SubmitResponse.newBuilder().setJobId(s.jobId()).setExisting(s.existing()).build();
    }

    @Override
    public void submitBatch(SubmitBatchRequest request, StreamObserver<SubmitBatchResponse> out) {
        int n = request.getJobsCount();
        if (n == 0) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("jobs: empty batch; send 1 to " + MAX_BATCH_JOBS + " jobs").asRuntimeException());
            return;
        }
        if (n > MAX_BATCH_JOBS) {
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("jobs: " + n + " jobs in one SubmitBatch exceeds the limit of "
                    + MAX_BATCH_JOBS + " per batch").asRuntimeException());
            return;
        }
        if (!admitted(request.getJobsList(), out)) return;
        ServerCallStreamObserver<SubmitBatchResponse> call = (ServerCallStreamObserver<SubmitBatchResponse>) out;
        boolean wait = request.getWaitForResults();
        List<CompletableFuture<Job>> done = new ArrayList<>(n);
        List<JobListener> listeners = wait ? new ArrayList<>(n) : null;
        if (wait) for (int i = 0; i < n; i++) {
            CompletableFuture<Job> d = new CompletableFuture<>();
            done.add(d);
            listeners.add(job -> { if (JobStates.terminal(job.getStatus())) d.complete(job); });
        }
        List<CompletableFuture<JobSubmitter.Submitted>> submitted = jobs.submitAll(Authenticator.tenant().name(), request.getJobsList(), listeners);
        if (wait) call.setOnCancelHandler(() -> {
            for (int i = 0; i < n; i++) { // a refused job (completed exceptionally) has no listener to remove
                CompletableFuture<JobSubmitter.Submitted> f = submitted.get(i);
                if (f.isDone() && !f.isCompletedExceptionally()) jobs.unwatch(f.join().jobId(), listeners.get(i));
            }
        });
        // a refused job has nothing to wait for; an accepted one, with wait_for_results, its terminal state
        List<CompletableFuture<SubmitBatchResult>> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CompletableFuture<Job> d = wait ? done.get(i) : null;
            results.add(submitted.get(i).handle((s, e) -> {
                if (e != null) {
                    Status st = Statuses.of(e).getStatus();
                    return CompletableFuture.completedFuture(SubmitBatchResult.newBuilder().setError(JobError.newBuilder()
                            .setCode(st.getCode().value()).setMessage(st.getDescription() == null ? "" : st.getDescription())).build());
                }
                SubmitBatchResult.Builder b = SubmitBatchResult.newBuilder().setSubmitted(submitted(s));
                return d == null ? CompletableFuture.completedFuture(b.build()) : d.thenApply(job -> b.setJob(forClient(job)).build());
            }).thenCompose(f -> f));
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).whenComplete((x, e) -> {
            if (call.isCancelled()) return;
            if (e != null) { out.onError(Statuses.of(e)); return; }
            SubmitBatchResponse.Builder r = SubmitBatchResponse.newBuilder();
            for (var f : results) r.addResults(f.join());
            out.onNext(r.build());
            out.onCompleted();
        });
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> out) {
        jobs.get(Authenticator.tenant().name(), request.getJobId()).whenComplete((j, e) -> {
            if (e != null) out.onError(Statuses.of(e));
            else if (j.isEmpty()) out.onError(notFound(request.getJobId()));
            else { out.onNext(forClient(j.get())); out.onCompleted(); }
        });
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<Job> out) {
        ServerCallStreamObserver<Job> call = (ServerCallStreamObserver<Job>) out;
        JobListener listener = new JobListener() {
            @Override
            public void onUpdate(Job job) {
                if (call.isCancelled()) return;
                synchronized (this) {
                    call.onNext(forClient(job));
                    if (JobStates.terminal(job.getStatus())) call.onCompleted();
                }
            }
        };
        call.setOnCancelHandler(() -> jobs.unwatch(request.getJobId(), listener));
        jobs.watch(Authenticator.tenant().name(), request.getJobId(), listener).whenComplete((known, e) -> {
            if (e != null) out.onError(Statuses.of(e));
            else if (!known) out.onError(notFound(request.getJobId()));
        });
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> out) {
        jobs.cancel(Authenticator.tenant().name(), request.getJobId()).whenComplete((j, e) -> {
            if (e != null) out.onError(Statuses.of(e));
            else if (j.isEmpty()) out.onError(notFound(request.getJobId()));
            else { out.onNext(forClient(j.get())); out.onCompleted(); }
        });
    }

    @Override
    public void prove(SubmitRequest request, StreamObserver<Job> out) {
        if (!admitted(List.of(request), out)) return;
        ServerCallStreamObserver<Job> call = (ServerCallStreamObserver<Job>) out;
        CompletableFuture<Job> done = new CompletableFuture<>();
        JobListener listener = job -> { if (JobStates.terminal(job.getStatus())) done.complete(job); };
        AtomicReference<String> jobId = new AtomicReference<>();
        // a client that gives up, or whose call deadline passes, stops being notified; the job goes on (its deadline is
        // only the request's), and its result waits under its id and idempotency key
        call.setOnCancelHandler(() -> { if (jobId.get() != null) jobs.unwatch(jobId.get(), listener); });
        // the listener is registered with the job as it is learnt: no separate watch round trip
        jobs.submit(Authenticator.tenant().name(), request, listener).thenCompose(s -> {
            jobId.set(s.jobId());
            return done;
        }).whenComplete((job, e) -> {
            if (call.isCancelled()) return;
            if (e != null && jobId.get() != null) jobs.unwatch(jobId.get(), listener);
            if (e != null) out.onError(Statuses.of(e));
            else if (job.getStatus() == JobStatus.JOB_STATUS_SUCCEEDED) { out.onNext(forClient(job)); out.onCompleted(); }
            else out.onError(Statuses.ofJob(job));
        });
    }

    @Override
    public void listCircuits(ListCircuitsRequest request, StreamObserver<ListCircuitsResponse> out) {
        out.onNext(ListCircuitsResponse.newBuilder().addAllCircuits(registry.list()).build());
        out.onCompleted();
    }

    @Override
    public StreamObserver<RegisterCircuitRequest> registerCircuit(StreamObserver<Circuit> out) {
        // off the transport thread, in order; the next chunk is requested only once this one is on disk, so a fast
        // client cannot pile an upload up in memory
        ServerCallStreamObserver<Circuit> call = (ServerCallStreamObserver<Circuit>) out;
        call.disableAutoRequest();
        StreamObserver<RegisterCircuitRequest> upload = upload(out);
        SerialExecutor serial = new SerialExecutor(blocking);
        call.request(1);
        return new StreamObserver<>() {
            @Override
            public void onNext(RegisterCircuitRequest m) {
                serial.execute(() -> {
                    upload.onNext(m);
                    call.request(1);
                });
            }

            @Override
            public void onError(Throwable t) { serial.execute(() -> upload.onError(t)); }

            @Override
            public void onCompleted() { serial.execute(upload::onCompleted); }
        };
    }

    private StreamObserver<RegisterCircuitRequest> upload(StreamObserver<Circuit> out) {
        return new StreamObserver<>() {
            private CircuitRegistry.Upload upload;
            private boolean failed;

            @Override
            public void onNext(RegisterCircuitRequest m) {
                if (failed) return;
                try {
                    switch (m.getPartCase()) {
                        case HEADER -> {
                            if (upload != null) throw new CircuitRegistry.RegistrationException("header sent twice");
                            upload = registry.begin(m.getHeader());
                        }
                        case CHUNK -> {
                            if (upload == null) throw new CircuitRegistry.RegistrationException("artifact bytes before the header");
                            byte[] d = m.getChunk().getData().toByteArray();
                            upload.write(m.getChunk().getKind(), d, 0, d.length);
                        }
                        case PART_NOT_SET -> throw new CircuitRegistry.RegistrationException("empty message");
                    }
                } catch (Exception e) {
                    fail(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                if (upload != null) upload.close();
            }

            @Override
            public void onCompleted() {
                if (failed) return;
                try {
                    if (upload == null) throw new CircuitRegistry.RegistrationException("no header");
                    Circuit c = upload.commit();
                    log.info("registered circuit {} (zkey {})", c.getName(), c.getZkeySha256());
                    out.onNext(c);
                    out.onCompleted();
                } catch (Exception e) {
                    fail(e);
                } finally {
                    if (upload != null) upload.close();
                }
            }

            private void fail(Exception e) {
                failed = true;
                if (upload != null) upload.close();
                out.onError(Statuses.of(e));
            }
        };
    }

    @Override
    public void getSealingKey(GetSealingKeyRequest request, StreamObserver<SealingKey> out) {
        out.onNext(jobs.sealingKey());
        out.onCompleted();
    }

    /** Whether the caller's tenant may submit {@code jobs} now ({@link Quotas}); if not, {@code out} is told why. */
    private boolean admitted(List<SubmitRequest> submitted, StreamObserver<?> out) {
        try {
            quotas.admit(Authenticator.tenant(), submitted);
            return true;
        } catch (Quotas.QuotaExceededException e) {
            out.onError(Statuses.of(e));
            return false;
        }
    }

    private static StatusRuntimeException notFound(String jobId) {
        return Status.NOT_FOUND.withDescription("job " + Identifiers.quote(jobId) + " is not known to this farm").asRuntimeException();
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
        return e;
    }

    static String ts(com.google.protobuf.Timestamp t) { return Timestamps.toString(t); }

    /**
     * A job as clients see it: without its request digest, which coordinators keep (with the key, in Kafka) to tell a
     * retry from a different request. A digest of an input is no plaintext, but clients have no use for it, so it
     * never leaves; a job submitted without an idempotency key has none and is passed on as it is.
     */
    static Job forClient(Job job) {
        return job.getRequestDigest().isEmpty() ? job : job.toBuilder().clearRequestDigest().build();
    }
}
