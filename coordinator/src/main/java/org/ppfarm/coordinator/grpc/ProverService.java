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
import org.ppfarm.coordinator.jobs.UnfinishedJobs;
import org.ppfarm.coordinator.registry.CircuitRegistry;
import org.ppfarm.coordinator.jobs.UsageLedger;
import org.ppfarm.coordinator.tenants.Quotas;
import org.ppfarm.coordinator.tenants.Tenant;
import org.ppfarm.coordinator.tenants.TenantDirectory;
import org.ppfarm.coordinator.webhooks.WebhookSender;
import org.ppfarm.proto.v1.CancelJobRequest;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.GetUsageRequest;
import org.ppfarm.proto.v1.GetUsageResponse;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final UsageLedger usage;
    private final TenantDirectory tenants;
    /** Each call still waiting for a job (Prove, a waiting SubmitBatch, WatchJob), keyed by its listener, and how to end it. */
    private final Map<Object, Runnable> waiting = new ConcurrentHashMap<>();

    /**
     * The server calls this service on its transport threads (direct executor: one thread hop less per call). Every
     * call but RegisterCircuit only validates, seals and hands over to Kafka and actors without blocking;
     * RegisterCircuit writes to disk and runs on {@code blocking}, one message at a time. GetUsage answers from
     * {@code usage}, the farm-wide figures this coordinator holds; a job's callback URL is checked against its
     * tenant's webhook allowlist in {@code tenants}.
     */
    public ProverService(JobSubmitter jobs, CircuitRegistry registry, Executor blocking, Quotas quotas, UsageLedger usage,
                         TenantDirectory tenants) {
        this.quotas = quotas;
        this.usage = usage;
        this.tenants = tenants;
        this.jobs = jobs;
        this.registry = registry;
        this.blocking = blocking;
    }

    /**
     * Ends every call still waiting for a job with UNAVAILABLE, so that its client retries at another coordinator
     * (under the same idempotency key: the same job, which goes on). Called when this coordinator stops, once it no
     * longer accepts calls; without it the server's forced shutdown resets those calls, and the client sees CANCELLED,
     * which it must not retry.
     */
    public void stopWaiting() {
        for (Runnable r : List.copyOf(waiting.values())) r.run();
    }

    private static StatusRuntimeException stopping() {
        return Status.UNAVAILABLE.withDescription("this coordinator is shutting down; retry at another coordinator (the job goes on)")
                .asRuntimeException();
    }

    @Override
    public void submit(SubmitRequest request, StreamObserver<SubmitResponse> out) {
        Admission a = admitted(List.of(request), out);
        if (a == null) return;
        jobs.submit(Authenticator.tenant().name(), request, null, a.places()).whenComplete((s, e) -> {
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
        Admission a = admitted(request.getJobsList(), out);
        if (a == null) return;
        ServerCallStreamObserver<SubmitBatchResponse> call = (ServerCallStreamObserver<SubmitBatchResponse>) out;
        boolean wait = request.getWaitForResults();
        List<CompletableFuture<Job>> done = new ArrayList<>(n);
        List<JobListener> listeners = wait ? new ArrayList<>(n) : null;
        if (wait) for (int i = 0; i < n; i++) {
            CompletableFuture<Job> d = new CompletableFuture<>();
            done.add(d);
            listeners.add(job -> { if (JobStates.terminal(job.getStatus())) d.complete(job); });
        }
        Runnable stop = () -> { for (CompletableFuture<Job> d : done) d.completeExceptionally(stopping()); };
        if (wait) waiting.put(stop, stop);
        List<CompletableFuture<JobSubmitter.Submitted>> submitted = jobs.submitAll(Authenticator.tenant().name(), request.getJobsList(), listeners, a.places());
        if (wait) call.setOnCancelHandler(() -> {
            waiting.remove(stop);
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
            waiting.remove(stop);
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
        AtomicBoolean ended = new AtomicBoolean(); // the stream was completed or failed: nothing more goes out
        JobListener listener = new JobListener() {
            @Override
            public void onUpdate(Job job) {
                if (call.isCancelled()) return;
                synchronized (this) {
                    if (ended.get()) return;
                    call.onNext(forClient(job));
                    if (JobStates.terminal(job.getStatus()) && !ended.getAndSet(true)) {
                        waiting.remove(this);
                        call.onCompleted();
                    }
                }
            }
        };
        Runnable stop = () -> {
            jobs.unwatch(request.getJobId(), listener);
            synchronized (listener) { if (!call.isCancelled() && !ended.getAndSet(true)) call.onError(stopping()); }
        };
        waiting.put(listener, stop);
        call.setOnCancelHandler(() -> {
            waiting.remove(listener);
            jobs.unwatch(request.getJobId(), listener);
        });
        jobs.watch(Authenticator.tenant().name(), request.getJobId(), listener).whenComplete((known, e) -> {
            if (e == null && known) return;
            waiting.remove(listener);
            if (e != null) out.onError(Statuses.of(e));
            else out.onError(notFound(request.getJobId()));
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
        Admission a = admitted(List.of(request), out);
        if (a == null) return;
        ServerCallStreamObserver<Job> call = (ServerCallStreamObserver<Job>) out;
        CompletableFuture<Job> done = new CompletableFuture<>();
        JobListener listener = job -> { if (JobStates.terminal(job.getStatus())) done.complete(job); };
        AtomicReference<String> jobId = new AtomicReference<>();
        Runnable stop = () -> done.completeExceptionally(stopping());
        waiting.put(stop, stop);
        // a client that gives up, or whose call deadline passes, stops being notified; the job goes on (its deadline is
        // only the request's), and its result waits under its id and idempotency key
        call.setOnCancelHandler(() -> {
            waiting.remove(stop);
            if (jobId.get() != null) jobs.unwatch(jobId.get(), listener);
        });
        // the listener is registered with the job as it is learnt: no separate watch round trip
        jobs.submit(Authenticator.tenant().name(), request, listener, a.places()).thenCompose(s -> {
            jobId.set(s.jobId());
            return done;
        }).whenComplete((job, e) -> {
            waiting.remove(stop);
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
    public void getUsage(GetUsageRequest request, StreamObserver<GetUsageResponse> out) {
        Tenant caller = Authenticator.tenant();
        String asked = request.getTenant();
        if (!caller.admin() && !asked.isEmpty() && !asked.equals(caller.name())) {
            out.onError(Status.PERMISSION_DENIED.withDescription("tenant: tenant " + caller.name()
                    + " may read only its own usage (another tenant's is an admin right)").asRuntimeException());
            return;
        }
        GetUsageResponse.Builder r = GetUsageResponse.newBuilder()
                .addAllRows(usage.rows(caller.admin() ? (asked.isEmpty() ? null : asked) : caller.name()));
        if (usage.since() >= 0) r.setSince(Timestamps.fromMillis(usage.since()));
        out.onNext(r.build());
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

    /** An admitted submission: the places it took among its tenant's unfinished jobs (null: no such quota). */
    private record Admission(UnfinishedJobs.Reservation places) {}

    /**
     * Whether the caller's tenant may submit {@code jobs} now ({@link Quotas}) with their callback URLs (on its
     * webhook allowlist: PERMISSION_DENIED otherwise, for the whole request); if not, {@code out} is told why and
     * null is returned.
     */
    private Admission admitted(List<SubmitRequest> submitted, StreamObserver<?> out) {
        Tenant tenant = Authenticator.tenant();
        try {
            for (SubmitRequest r : submitted)
                if (!r.getCallbackUrl().isEmpty()) WebhookSender.checkUrl(r.getCallbackUrl(), WebhookSender.Policy.of(tenants.record(tenant.name())));
            return new Admission(quotas.admit(tenant, submitted));
        } catch (WebhookSender.RefusedTargetException e) {
            out.onError(Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException());
            return null;
        } catch (Quotas.QuotaExceededException e) {
            out.onError(Statuses.of(e));
            return null;
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
